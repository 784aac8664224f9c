//! Snapshot files written by hand, byte by byte: records, the three search sections from their
//! parts, and a file around them with a correct header, table, length and checksum — so that a
//! test can break one rule of one section and leave the rest valid.

use std::collections::BTreeMap;

use tongxunlu::snapshot::{Snapshot, SnapshotError, FORMAT_VERSION, MAGIC};

use super::*;

pub(super) fn leb(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A `META` section: the organisation's name, and no e-mail domain.
pub(super) fn meta(corp: &str) -> Vec<u8> {
    [string(corp), string("")].concat()
}

pub(super) fn string(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    leb(s.len() as u64, &mut out);
    out.extend_from_slice(s.as_bytes());
    out
}

/// One item of a record body.
#[derive(Debug, Clone)]
pub(super) enum T {
    U(u64),
    S(String),
    B(u8),
    Raw(Vec<u8>),
}

pub(super) fn record(items: &[T]) -> Vec<u8> {
    let mut body = Vec::new();
    for item in items {
        match item {
            T::U(v) => leb(*v, &mut body),
            T::S(s) => body.extend(string(s)),
            T::B(b) => body.push(*b),
            T::Raw(raw) => body.extend_from_slice(raw),
        }
    }
    let mut out = Vec::new();
    leb(body.len() as u64, &mut out);
    out.extend(body);
    out
}

pub(super) type Section = ([u8; 4], Vec<u8>);

/// A snapshot file around `sections`, with a correct header, table, length and checksum.
pub(super) fn assemble(sections: &[Section]) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(sections.len() as u16).to_le_bytes());
    bytes.extend_from_slice(&[0; 8]); // length and checksum, fixed up below
    bytes.extend_from_slice(&[0x5a; 16]); // class key
    bytes.extend_from_slice(&[0xa5; 8]); // etag
    let mut offset = HEADER_LEN + 12 * sections.len();
    for (tag, body) in sections {
        bytes.extend_from_slice(tag);
        bytes.extend_from_slice(&(offset as u32).to_le_bytes());
        bytes.extend_from_slice(&(body.len() as u32).to_le_bytes());
        offset += body.len();
    }
    for (_, body) in sections {
        bytes.extend_from_slice(body);
    }
    fix_up(&mut bytes, true);
    bytes
}

/// The number of the first word of a `WORD` section: the numbers below it are the syllables of
/// the fixed table every snapshot shares (src/text/syllables.rs).
pub(super) const FIRST_WORD: u64 = tongxunlu::text::syllables::SYLLABLES.len() as u64;

/// One syllable of a `READ` record: character start, character count, word numbers.
type ReadSyllable = (u64, u64, Vec<u64>);

/// The contents of the three search sections, before encoding, so that a test can break one
/// rule of one section and leave the rest valid (src/search/tables.rs says what each holds). The
/// name index and the A–Z bar are not among them: the engine derives both from these.
#[derive(Debug, Clone)]
pub(super) struct SearchParts {
    /// `READ`: one record per member, then per non-label department, then per group.
    pub(super) readings: Vec<Vec<ReadSyllable>>,
    /// `CHAR`: (character, word numbers), by character.
    pub(super) chars: Vec<(u64, Vec<u64>)>,
    /// `WORD`: raw, so that a test can write a word that is not one.
    pub(super) words: Vec<Vec<u8>>,
}

impl SearchParts {
    /// The least a snapshot of these members (accounts in stored order), departments (whether
    /// each is a label) and `groups` groups needs: names without syllables (so every member
    /// files under `#` and no name gives the derived index a key), no readings or characters.
    pub(super) fn minimal(accounts: &[&[u8]], labels: &[bool], groups: usize) -> SearchParts {
        let records = accounts.len() + labels.iter().filter(|&&label| !label).count() + groups;
        SearchParts { readings: vec![Vec::new(); records], chars: Vec::new(), words: Vec::new() }
    }

    pub(super) fn encode(&self) -> Vec<Section> {
        let readings = self
            .readings
            .iter()
            .flat_map(|syllables| {
                let mut items = vec![T::U(syllables.len() as u64)];
                for (start, len, words) in syllables {
                    items.extend([T::U(*start), T::U(*len), T::U(words.len() as u64)]);
                    items.extend(words.iter().map(|&w| T::U(w)));
                }
                record(&items)
            })
            .collect();
        let chars = self
            .chars
            .iter()
            .flat_map(|(c, words)| {
                let mut items = vec![T::U(*c), T::U(words.len() as u64)];
                items.extend(words.iter().map(|&w| T::U(w)));
                record(&items)
            })
            .collect();
        let words = self
            .words
            .iter()
            .flat_map(|w| {
                let mut out = Vec::new();
                leb(w.len() as u64, &mut out);
                out.extend_from_slice(w);
                out
            })
            .collect();
        vec![(READ, readings), (CHAR, chars), (WORD, words)]
    }
}

/// The bodies of the records of a record section, as far as its framing holds.
pub(super) fn record_bodies(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let Some((len, rest)) = read_leb(bytes) else { break };
        let Some(body) = usize::try_from(len).ok().and_then(|len| rest.get(..len)) else { break };
        out.push(body);
        bytes = &rest[body.len()..];
    }
    out
}

fn read_leb(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f).checked_shl(7 * i as u32).unwrap_or(0);
        if b & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

/// The account of a member record: the string after its memberships.
fn member_account(body: &[u8]) -> Option<&[u8]> {
    let (count, mut rest) = read_leb(body)?;
    for _ in 0..count.checked_mul(2)? {
        rest = read_leb(rest)?.1;
    }
    Some(read_str(rest)?.0)
}

fn read_str(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, rest) = read_leb(bytes)?;
    let len = usize::try_from(len).ok()?;
    Some((rest.get(..len)?, &rest[len..]))
}

/// Appends to `sections` the search sections it lacks, minimal and valid for the records in its
/// DEPT, MEMB and GRUP sections (read leniently: a record that does not decode counts as a
/// listed department, or a member with an empty account; the opener refuses it anyway).
pub(super) fn complete(mut sections: Vec<Section>) -> Vec<Section> {
    let body = |tag: [u8; 4]| sections.iter().find(|(t, _)| *t == tag).map(|(_, b)| b.as_slice()).unwrap_or_default();
    let accounts: Vec<&[u8]> =
        record_bodies(body(MEMB)).into_iter().map(|r| member_account(r).unwrap_or_default()).collect();
    let labels: Vec<bool> = record_bodies(body(DEPT))
        .into_iter()
        .map(|r| {
            let flags = (|| {
                let (_, r) = read_leb(r)?; // id
                let (_, r) = read_str(r)?; // name
                let (_, r) = read_leb(r)?; // parent
                let (_, r) = read_leb(r)?; // sort number
                r.first().copied()
            })();
            flags.is_some_and(|f| f & 1 != 0)
        })
        .collect();
    let groups = record_bodies(body(GRUP)).len();
    let extra: Vec<Section> = SearchParts::minimal(&accounts, &labels, groups)
        .encode()
        .into_iter()
        .filter(|(tag, _)| !sections.iter().any(|(t, _)| t == tag))
        .collect();
    sections.extend(extra);
    sections
}

/// The record sections of a directory, completed with minimal search sections.
pub(super) fn records_snapshot(departments: Vec<u8>, members: Vec<u8>, groups: Vec<u8>) -> Vec<u8> {
    assemble(&complete(vec![(META, meta("x")), (DEPT, departments), (MEMB, members), (GRUP, groups)]))
}

pub(super) fn empty_directory() -> Vec<Section> {
    complete(vec![(META, meta("x")), (DEPT, vec![]), (MEMB, vec![]), (GRUP, vec![])])
}

pub(super) fn dept_record(parent: u64, name: &str, flags: u8) -> Vec<u8> {
    record(&[T::U(1), T::S(name.into()), T::U(parent), T::U(1), T::B(flags), T::U(0), T::U(0)])
}

pub(super) fn member_record(userid: &str, name: &str, department: u64) -> Vec<u8> {
    record(&[T::U(1), T::U(department), T::U(0), T::S(userid.into()), T::S(name.into()), T::B(0), T::B(0), T::U(0)])
}

/// A small valid snapshot with real search sections, written by hand: a path label 上级 and under
/// it 总部 (listed); 张三 (account c), 李四 (a) and 王芳 (b), stored in that order — not by
/// account; one group 项目组 of 张三 and 王芳. Each name reads one word per character, the
/// characters as the pinyin tables would read them: 张三 zhang san, 李四 li si, 王芳 wang fang,
/// 总部 zong bu, 项目组 xiang mu zu; the label has no readings record. The snapshot ships no
/// index: search and the A–Z bar go by what the engine derives from these readings.
pub(super) fn hand_written() -> (Vec<Section>, SearchParts) {
    let records = vec![
        (META, meta("手写公司")),
        (DEPT, [dept_record(0, "上级", 1), dept_record(1, "总部", 0)].concat()),
        (MEMB, [member_record("c", "张三", 1), member_record("a", "李四", 1), member_record("b", "王芳", 1)].concat()),
        (GRUP, record(&[T::U(7), T::S("项目组".into()), T::U(2), T::U(0), T::U(2)])),
    ];
    let words = ["zhang", "san", "li", "si", "wang", "fang", "zong", "bu", "xiang", "mu", "zu"];
    // Written to `WORD`, so numbered after the fixed syllables (as a builder numbers the words
    // the table lacks): the hand-written records also read words from the section.
    let word = |w: &str| FIRST_WORD + words.iter().position(|x| *x == w).unwrap() as u64;
    // Each name read one character per syllable.
    let reading = |syllables: &[(char, &str)]| -> (Vec<ReadSyllable>, Vec<(char, u64)>) {
        let read = syllables.iter().enumerate().map(|(i, (_, w))| (i as u64, 1, vec![word(w)])).collect();
        (read, syllables.iter().map(|(c, w)| (*c, word(w))).collect())
    };
    let names = [
        reading(&[('张', "zhang"), ('三', "san")]),
        reading(&[('李', "li"), ('四', "si")]),
        reading(&[('王', "wang"), ('芳', "fang")]),
        reading(&[('总', "zong"), ('部', "bu")]),
        reading(&[('项', "xiang"), ('目', "mu"), ('组', "zu")]),
    ];
    let chars: BTreeMap<char, u64> = names.iter().flat_map(|(_, cs)| cs.iter().copied()).collect();
    let parts = SearchParts {
        readings: names.iter().map(|(read, _)| read.clone()).collect(),
        chars: chars.into_iter().map(|(c, w)| (u64::from(u32::from(c)), vec![w])).collect(),
        words: words.iter().map(|w| w.as_bytes().to_vec()).collect(),
    };
    (records, parts)
}

pub(super) fn with_search(records: &[Section], parts: &SearchParts) -> Vec<u8> {
    let mut sections = records.to_vec();
    sections.extend(parts.encode());
    assemble(&sections)
}

/// `sections` with the body of `tag` replaced.
pub(super) fn replaced(mut sections: Vec<Section>, tag: [u8; 4], body: Vec<u8>) -> Vec<Section> {
    sections.iter_mut().find(|(t, _)| *t == tag).unwrap_or_else(|| panic!("no {tag:?}")).1 = body;
    sections
}

/// Asserts that opening `bytes` fails with a Corrupt error naming `section`, with a one-line
/// message that says so; returns the message.
pub(super) fn assert_corrupt(what: &str, bytes: Vec<u8>, section: &str) -> String {
    match Snapshot::open(bytes) {
        Err(e @ SnapshotError::Corrupt { section: s, .. }) if s == section => {
            let m = message(&e);
            assert!(m.starts_with(&format!("snapshot corrupted: {section}: ")), "{what}: {m}");
            m
        }
        other => panic!("{what}: expected a {section:?} error, got {other:?}"),
    }
}

/// Appends a byte to the body of the last record of a record section, framing it anew.
pub(super) fn extra_byte_in_last_record(section: &mut Vec<u8>) {
    let mut bodies: Vec<Vec<u8>> = record_bodies(section).into_iter().map(<[u8]>::to_vec).collect();
    bodies.last_mut().expect("a record").push(7);
    *section = bodies
        .into_iter()
        .flat_map(|body| {
            let mut out = Vec::new();
            leb(body.len() as u64, &mut out);
            out.extend(body);
            out
        })
        .collect();
}
