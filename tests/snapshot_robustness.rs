//! Opening a snapshot never panics and never hangs, whatever the bytes (SPEC §8), and what opens
//! reads back exactly what the view let through.
//!
//! - Named tests for the errors a person meets: empty input, the magic alone, another version,
//!   trailing bytes, a checksum mismatch, a cut file; and for every section, the record and
//!   search sections alike, being missing or breaking its own rules.
//! - (a) arbitrary bytes give an error, never a panic;
//! - (b) a valid snapshot, mutated (bits flipped, cut, extended, spliced), gives the error that
//!   names the damage, or — when the mutation changed nothing — the same contents;
//! - (c) the same with the checksum (and the length) recomputed after the mutation, and snapshots
//!   a hostile writer framed correctly around random records and search sections, so that the
//!   structural checks behind the checksum are what is tested: opening never panics, and every
//!   accessor of a snapshot that opened works for every record;
//! - (d) round trip: a random valid directory and viewer, built, opened and read back, equal what
//!   the view says, and every member is found by account and by name.
//!
//! One limit, documented at `check_index` in src/search/tables.rs: the opener checks only the
//! header and footer of the `FST ` section (walking millions of keys would cost more than the
//! rest of opening), and the fst crate assumes a well-formed index, so *searching* a snapshot
//! whose index was deliberately malformed behind a matching checksum may panic inside the fst
//! crate. Opening is tested on every input here; searching runs on every snapshot that opened
//! whose `FST ` section is a well-formed fst — one a builder wrote, or the two embedded below —
//! whatever a hostile writer put in every other section (see [`read_everything`]).
//!
//! The cargo-fuzz targets in `fuzz/` drive the same two entry points for longer.

#![cfg(feature = "builder")]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Map, Value};
use tongxunlu::fields::{Gender, TextField};
use tongxunlu::model::{Directory, PolicyField};
use tongxunlu::search::{Field, ResultKind, SearchOptions};
use tongxunlu::snapshot::{self, Snapshot, SnapshotError, FORMAT_VERSION, MAGIC};
use tongxunlu::visibility::{DepartmentRole, Organisation};

/// The header is this long; a file shorter than that cannot say how long it should be.
const HEADER_LEN: usize = 44;
/// Bytes 16..20 hold the CRC-32 of everything from byte 20 on.
const CRC_AT: std::ops::Range<usize> = 16..20;
const LENGTH_AT: std::ops::Range<usize> = 12..16;

/// The tags of the record sections and of the search sections, in the order the builder writes
/// them.
const META: [u8; 4] = *b"META";
const DEPT: [u8; 4] = *b"DEPT";
const MEMB: [u8; 4] = *b"MEMB";
const GRUP: [u8; 4] = *b"GRUP";
const UIDX: [u8; 4] = *b"UIDX";
const AZBR: [u8; 4] = *b"AZBR";
const READ: [u8; 4] = *b"READ";
const CHAR: [u8; 4] = *b"CHAR";
const WORD: [u8; 4] = *b"WORD";
const FST: [u8; 4] = *b"FST ";
const POST: [u8; 4] = *b"POST";
const SEARCH_TAGS: [[u8; 4]; 7] = [UIDX, AZBR, READ, CHAR, WORD, FST, POST];
/// Every section name an opening error may give (besides the header and section table).
const SECTION_NAMES: [&str; 11] =
    ["META", "DEPT", "MEMB", "GRUP", "UIDX", "AZBR", "READ", "CHAR", "WORD", "FST ", "POST"];
/// A–Z, then `#`.
const LETTER_BUCKETS: usize = 27;

// The fst maps embedded here, since `fst` is a dependency of the crate but not of its tests (the
// test cannot `use fst`). Both were printed once by a scratch program depending on fst = "=0.4.7":
//
//     let empty = fst::MapBuilder::memory().into_inner().unwrap();               // EMPTY_FST
//     let probe = fst::Map::from_iter(keys).unwrap().as_fst().as_bytes().to_vec(); // PROBE_FST
//
// where `keys` is the BTreeMap of (family byte + key, value) pairs listed at PROBE_FST, and the
// program checked that `fst::Map::new` reads both back.

/// `fst::MapBuilder::memory().into_inner()`: a well-formed fst map with no keys.
const EMPTY_FST: [u8; 39] = [
    3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 18, 0, 0, 0, 0, 0, 0, 0, 84, 107,
    45, 15,
];

/// A well-formed fst map that a hostile writer might ship: keys of every family (the first byte
/// of a key: src/search/index.rs), whose values point at records that may or may not exist and
/// at postings lists that are fine, point past the targets, run past their end or past
/// [`PROBE_POSTINGS`] — so that searching a hostile snapshot reaches the engine's checks of what
/// it reads out of the index. With `one(t) = t << 1 | 1` and `list(offset) = offset << 1`:
///
/// ```text
///  1 张 one(0)   张三 list(0)   李 one(5)   王 one(1)      2 三 list(4)   李 list(14)
///  3 zhang one(0)   zhang'san list(0)   li one(2)   wang list(7)   a list(1000)   b one(u32::MAX)
///  4 san list(4)   c list(14)        5 a one(1)   tony one(3)
///  6 a one(0)   ab list(0)   b one(1)   c list(1000)   7 wx one(2)   8 a@example.com one(0)
///  9 138 list(0)   380 one(2)        10 13800000000 list(4)
/// 11 总 one(0)   12 部 one(1)   13 zong list(0)   14 bu one(0)
/// 15 项 one(0)   17 xiang one(1)   18 mu list(4)
/// ```
const PROBE_FST: [u8; 324] = [
    3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 137, 128, 184, 192, 1, 0, 1, 228, 17, 65, 160, 192, 188,
    192, 0, 16, 142, 128, 157, 192, 0, 16, 139, 128, 142, 192, 3, 11, 0, 1, 7, 13, 231, 230, 229, 17, 3, 20, 0, 18, 34,
    230, 228, 17, 2, 0, 16, 136, 0, 16, 151, 203, 197, 0, 16, 139, 197, 198, 1, 0, 1, 39, 17, 65, 215, 203, 197, 206,
    0, 0, 0, 0, 0, 14, 0, 0, 0, 0, 5, 0, 0, 0, 0, 255, 255, 255, 255, 1, 208, 7, 0, 0, 0, 1, 16, 21, 0, 0, 122, 119,
    108, 98, 97, 21, 5, 0, 20, 49, 0, 115, 99, 17, 2, 0, 16, 157, 203, 196, 4, 0, 1, 0, 116, 97, 17, 2, 1, 0, 0, 98,
    17, 65, 208, 7, 3, 0, 0, 0, 0, 0, 1, 99, 98, 97, 18, 3, 0, 16, 170, 204, 0, 16, 144, 196, 202, 205, 194, 207, 201,
    208, 197, 234, 194, 64, 192, 197, 0, 16, 166, 220, 0, 16, 148, 230, 5, 0, 1, 5, 51, 49, 17, 2, 10, 16, 148, 212,
    212, 212, 212, 212, 212, 230, 220, 213, 0, 16, 187, 128, 128, 192, 230, 192, 0, 16, 168, 128, 131, 192, 233, 192,
    159, 16, 132, 246, 0, 16, 147, 218, 0, 16, 185, 128, 161, 192, 233, 192, 174, 16, 136, 234, 14, 16, 144, 8, 3, 1,
    1, 0, 3, 1, 8, 0, 1, 5, 0, 3, 8, 0, 8, 0, 1, 4, 8, 16, 20, 24, 32, 40, 52, 68, 84, 88, 108, 121, 129, 189, 197, 18,
    17, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 17, 17, 32, 0, 0, 0, 0, 0, 0, 0, 47, 1, 0, 0, 0, 0, 0, 0,
    17, 197, 83, 251,
];

/// The postings [`PROBE_FST`] points into: at 0 the list 0, 1, 3; at 4 the list 1, 4; at 7 a list
/// of three whose last gap runs into the next list; at 14 a count of 5 with one target, cut by
/// the end of the section. Offset 1000 is past the end.
const PROBE_POSTINGS: [u8; 16] = [3, 0, 1, 2, 2, 1, 3, 3, 2, 232, 7, 255, 255, 255, 5, 1];

// ---- helpers ----------------------------------------------------------------------------------

fn crc_of(bytes: &[u8]) -> u32 {
    crc32fast::hash(&bytes[20..])
}

/// Rewrites the length field (when asked) and the checksum so that the header checks pass.
fn fix_up(bytes: &mut [u8], length: bool) {
    if bytes.len() < HEADER_LEN {
        return;
    }
    if length {
        let len = bytes.len() as u32;
        bytes[LENGTH_AT].copy_from_slice(&len.to_le_bytes());
    }
    let crc = crc_of(bytes);
    bytes[CRC_AT].copy_from_slice(&crc.to_le_bytes());
}

/// The body of the section tagged `tag`, if the table (read with bounds checks) has it.
fn section_bytes(bytes: &[u8], tag: [u8; 4]) -> Option<&[u8]> {
    let count = usize::from(u16::from_le_bytes([*bytes.get(10)?, *bytes.get(11)?]));
    (0..count).find_map(|i| {
        let at = HEADER_LEN + 12 * i;
        let entry = bytes.get(at..at + 12)?;
        let word = |k: usize| u32::from_le_bytes(entry[k..k + 4].try_into().unwrap()) as usize;
        (entry[..4] == tag).then(|| bytes.get(word(4)..word(4).checked_add(word(8))?)).flatten()
    })
}

/// Whether the `FST ` section of an opened snapshot is a well-formed fst: one of the two embedded
/// here, or the index of `good`, a snapshot the builder wrote. Only then may the test search it
/// (see the module doc).
fn index_is_well_formed(s: &Snapshot, good: &[u8]) -> bool {
    let Some(index) = section_bytes(s.as_bytes(), FST) else { return false };
    index == EMPTY_FST || index == PROBE_FST || section_bytes(good, FST) == Some(index)
}

/// Queries every search gets besides the names and accounts of the snapshot's own members: one
/// per key family of [`PROBE_FST`] and then some.
const PROBE_QUERIES: [&str; 16] = [
    "a",
    "zs",
    "张",
    "张三",
    "zhang",
    "zhang三",
    "张s",
    "li",
    "wang",
    "tony",
    "138",
    "1380000",
    "a@example.com",
    "总",
    "xiang",
    "单",
];

/// How many members' names and accounts [`read_everything`] searches for.
const SEARCHED_MEMBERS: usize = 20;

/// Calls every accessor on every record and returns a full description of the contents, so that
/// two snapshots can be compared and so that a snapshot that opened is read through entirely.
/// With `search`, also searches for the names and accounts of the first members and for
/// [`PROBE_QUERIES`], checking that every hit is a record that exists.
fn read_everything(s: &Snapshot, search: bool) -> String {
    let mut out = String::new();
    let stats = s.stats();
    writeln!(out, "{stats:?} {} {:?} {:?}", s.corp_name(), s.class_key(), s.directory_etag()).unwrap();
    serde_json::to_string(&stats).unwrap();
    for i in 0..s.department_count() {
        let record = s.department(i);
        let info = s.department_info(i);
        writeln!(out, "D{i} {record:?} {info:?}").unwrap();
        serde_json::to_string(&record).unwrap();
        serde_json::to_string(&info).unwrap();
    }
    for i in 0..s.member_count() {
        let record = s.member(i);
        let info = s.member_info(i);
        // A READ record is checked where it is read: one that does not decode reads as no
        // syllables.
        let syllables = s.member_syllables(i);
        // A lookup by account answers a member with that account or none: UIDX's order is not
        // checked when opening, so a misordered one makes lookups miss (a builder's is found in
        // full: `every_base_snapshot_opens_and_reads_back`, `snapshots_read_back_what_the_view_says`).
        let found = s.find_member(record.userid);
        writeln!(out, "M{i} {record:?} {info:?} {syllables:?} found at {found:?}").unwrap();
        serde_json::to_string(&record).unwrap();
        serde_json::to_string(&info).unwrap();
        for field in TextField::ALL {
            let _ = record.text(field);
        }
        if let Some(p) = found {
            assert_eq!(s.member(p).userid, record.userid, "find_member({:?})", record.userid);
        }
    }
    for i in 0..s.group_count() {
        let record = s.group(i);
        let info = s.group_info(i);
        writeln!(out, "G{i} {record:?} {info:?}").unwrap();
        serde_json::to_string(&record).unwrap();
        serde_json::to_string(&info).unwrap();
    }
    for probe in ["", "\0", "a", "zzzz", "\u{10ffff}", "张三"] {
        if let Some(i) = s.find_member(probe) {
            assert_eq!(s.member(i).userid, probe);
        }
    }
    if search {
        let members: Vec<(String, String)> = (0..s.member_count().min(SEARCHED_MEMBERS))
            .map(|i| (s.member(i).name.to_owned(), s.member(i).userid.to_owned()))
            .collect();
        let queries = members.iter().flat_map(|(name, userid)| [name.as_str(), userid.as_str()]).chain(PROBE_QUERIES);
        for query in queries {
            let hits = s.search(query, &SearchOptions::default());
            assert!(hits.len() <= SearchOptions::default().limit, "{query:?}: {} hits", hits.len());
            for hit in &hits {
                let count = match hit.kind {
                    ResultKind::Member => s.member_count(),
                    ResultKind::Department => s.department_count(),
                    ResultKind::Group => s.group_count(),
                };
                assert!(hit.position < count, "{query:?}: a hit past the records: {hit:?}");
                assert!(hit.ranges.iter().all(|(a, b)| a <= b), "{query:?}: {hit:?}");
                serde_json::to_string(&s.hit_info(hit)).unwrap();
            }
            writeln!(out, "S{query:?} {hits:?}").unwrap();
        }
    }
    out
}

/// Opens `bytes`; if they open, reads everything (which must not panic either), searching as
/// well when the index is well formed: `good` is the snapshot `bytes` were made from, if any.
fn open_and_read(bytes: &[u8], good: &[u8]) -> Result<String, SnapshotError> {
    let snapshot = Snapshot::open(bytes.to_vec())?;
    let search = index_is_well_formed(&snapshot, good);
    Ok(read_everything(&snapshot, search))
}

/// The message of an error, which must never be empty and never span lines (the CLI prints it
/// as its one-line error).
fn message(e: &SnapshotError) -> String {
    let m = e.to_string();
    assert!(!m.is_empty(), "{e:?} displays as nothing");
    assert!(!m.chars().any(char::is_control), "{e:?} displays as {m:?}");
    m
}

// ---- fixtures ---------------------------------------------------------------------------------

/// A few valid snapshots of different shapes, built once.
struct Base {
    what: String,
    bytes: Vec<u8>,
    contents: String,
}

fn bases() -> &'static [Base] {
    static BASES: OnceLock<Vec<Base>> = OnceLock::new();
    BASES.get_or_init(|| {
        let mut out = Vec::new();
        let mut add = |what: String, dir: &Directory, viewer: &str| {
            let view = Organisation::new(dir).view(viewer).unwrap_or_else(|e| panic!("{what}: {e}"));
            let bytes = snapshot::build(dir, &view).bytes;
            let contents = open_and_read(&bytes, &bytes).unwrap_or_else(|e| panic!("{what} does not open: {e}"));
            out.push(Base { what, bytes, contents });
        };
        let company = common::company();
        add("company/ceo".into(), &company, "ceo");
        add("company/pack1".into(), &company, "pack1");
        let school = common::school();
        add("school/head1".into(), &school, "head1");
        let rich = rich_directory();
        add("rich/boss".into(), &rich, "boss");
        let sample = tongxunlu::sample::generate(&tongxunlu::sample::SampleSpec {
            members: 120,
            seed: 7,
            preset: tongxunlu::sample::Preset::Company,
        });
        add("sample(120, seed 7)/exec001".into(), &sample, "exec001");
        add("sample(120, seed 7)/staff001".into(), &sample, "staff001");
        let school = tongxunlu::sample::generate(&tongxunlu::sample::SampleSpec {
            members: 60,
            seed: 3,
            preset: tongxunlu::sample::Preset::School,
        });
        add("school sample(60, seed 3)/teacher001".into(), &school, "teacher001");
        out
    })
}

/// A small directory that uses every record feature: every text field, extattr, leaders,
/// groups, several memberships, disabled/pinned/not-followed members, CJK everywhere.
fn rich_directory() -> Directory {
    let value = json!({
        "corp_name": "示例集团",
        "department": [
            {"id": 1, "name": "示例集团", "parentid": 0, "order": 1, "department_leader": ["boss"]},
            {"id": 20, "name": "研发中心", "parentid": 1, "order": 2, "department_leader": ["dev.lead", "boss"]},
            {"id": 10, "name": "市场部", "parentid": 1, "order": 1},
            {"id": 21, "name": "Platform Team", "parentid": 20, "order": 1}
        ],
        "userlist": [
            {"userid": "boss", "name": "欧阳总", "alias": "Boss", "department": [1, 20], "order": [1, 9],
             "position": "总经理", "gender": "1", "mobile": "+8613800000001", "email": "boss@example.com",
             "telephone": "021-61234567", "weixin_id": "boss-wx", "birthday": "1970-01-31",
             "hire_date": "2001-09-01", "pinned": true, "extattr": {"工号": "0001", "楼层": "8F"}},
            {"userid": "dev.lead", "name": "司马工", "department": [20, 21], "mobile": "13800000002", "gender": "2"},
            {"userid": "dev1", "name": "Li Lei", "department": [21], "mobile": "013800000003", "status": 4},
            {"userid": "dev2", "name": "韩梅梅", "department": [21], "email": "hmm@example.com", "status": 2,
             "followed": false},
            {"userid": "mk1", "name": "王芳", "department": [10], "weixin_id": "wf_88", "extattr": {"工号": "0100"}},
            {"userid": "gone", "name": "郑离", "department": [10], "mobile": "13800000009", "status": 5}
        ],
        "group": [
            {"id": 3, "name": "新品项目组", "userid": ["dev1", "mk1", "boss"]},
            {"id": 1, "name": "离职群", "userid": ["gone"]}
        ]
    });
    Directory::from_value(value).unwrap_or_else(|e| panic!("{e:#}"))
}

// ---- hand-assembled snapshots: records and search sections ------------------------------------

fn leb(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn string(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    leb(s.len() as u64, &mut out);
    out.extend_from_slice(s.as_bytes());
    out
}

/// One item of a record body.
#[derive(Debug, Clone)]
enum T {
    U(u64),
    S(String),
    B(u8),
    Raw(Vec<u8>),
}

fn record(items: &[T]) -> Vec<u8> {
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

type Section = ([u8; 4], Vec<u8>);

/// A snapshot file around `sections`, with a correct header, table, length and checksum.
fn assemble(sections: &[Section]) -> Vec<u8> {
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

fn u32s(values: impl IntoIterator<Item = u32>) -> Vec<u8> {
    values.into_iter().flat_map(u32::to_le_bytes).collect()
}

/// One syllable of a `READ` record: character start, character count, word numbers.
type ReadSyllable = (u64, u64, Vec<u64>);

/// The contents of the seven search sections, before encoding, so that a test can break one rule
/// of one section and leave the rest valid (src/search/tables.rs says what each holds).
#[derive(Debug, Clone)]
struct SearchParts {
    /// `UIDX`: member positions by account.
    by_account: Vec<u32>,
    /// `AZBR`: how many members file under A–Z and `#`, then their positions grouped so.
    letter_counts: [u32; LETTER_BUCKETS],
    by_letter: Vec<u32>,
    /// `READ`: one record per member, then per non-label department, then per group.
    readings: Vec<Vec<ReadSyllable>>,
    /// `CHAR`: (character, word numbers), by character.
    chars: Vec<(u64, Vec<u64>)>,
    /// `WORD`: raw, so that a test can write a word that is not one.
    words: Vec<Vec<u8>>,
    index: Vec<u8>,
    postings: Vec<u8>,
}

impl SearchParts {
    /// The least a snapshot of these members (accounts in stored order), departments (whether
    /// each is a label) and `groups` groups needs: every member under `#`, names without
    /// syllables, no readings or characters, and an index with no keys.
    fn minimal(accounts: &[&[u8]], labels: &[bool], groups: usize) -> SearchParts {
        let n = accounts.len() as u32;
        let mut by_account: Vec<u32> = (0..n).collect();
        by_account.sort_by_key(|&p| accounts[p as usize]);
        let mut letter_counts = [0; LETTER_BUCKETS];
        letter_counts[LETTER_BUCKETS - 1] = n;
        let records = accounts.len() + labels.iter().filter(|&&label| !label).count() + groups;
        SearchParts {
            by_account,
            letter_counts,
            by_letter: (0..n).collect(),
            readings: vec![Vec::new(); records],
            chars: Vec::new(),
            words: Vec::new(),
            index: EMPTY_FST.to_vec(),
            postings: Vec::new(),
        }
    }

    fn encode(&self) -> Vec<Section> {
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
        vec![
            (UIDX, u32s(self.by_account.iter().copied())),
            (AZBR, u32s(self.letter_counts.iter().chain(&self.by_letter).copied())),
            (READ, readings),
            (CHAR, chars),
            (WORD, words),
            (FST, self.index.clone()),
            (POST, self.postings.clone()),
        ]
    }
}

/// The bodies of the records of a record section, as far as its framing holds.
fn record_bodies(mut bytes: &[u8]) -> Vec<&[u8]> {
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

fn read_str(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, rest) = read_leb(bytes)?;
    let len = usize::try_from(len).ok()?;
    Some((rest.get(..len)?, &rest[len..]))
}

/// Appends to `sections` the search sections it lacks, minimal and valid for the records in its
/// DEPT, MEMB and GRUP sections (read leniently: a record that does not decode counts as a
/// listed department, or a member with an empty account; the opener refuses it anyway).
fn complete(mut sections: Vec<Section>) -> Vec<Section> {
    let body = |tag: [u8; 4]| sections.iter().find(|(t, _)| *t == tag).map(|(_, b)| b.as_slice()).unwrap_or_default();
    let accounts: Vec<&[u8]> =
        record_bodies(body(MEMB)).into_iter().map(|r| read_str(r).map_or(&[][..], |(account, _)| account)).collect();
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
fn records_snapshot(departments: Vec<u8>, members: Vec<u8>, groups: Vec<u8>) -> Vec<u8> {
    assemble(&complete(vec![(META, string("x")), (DEPT, departments), (MEMB, members), (GRUP, groups)]))
}

fn empty_directory() -> Vec<Section> {
    complete(vec![(META, string("x")), (DEPT, vec![]), (MEMB, vec![]), (GRUP, vec![])])
}

fn dept_record(parent: u64, name: &str, flags: u8) -> Vec<u8> {
    record(&[T::U(1), T::S(name.into()), T::U(parent), T::U(1), T::B(flags), T::U(0), T::U(0)])
}

fn member_record(userid: &str, name: &str, department: u64) -> Vec<u8> {
    record(&[T::S(userid.into()), T::S(name.into()), T::B(0), T::B(0), T::U(1), T::U(department), T::U(0), T::U(0)])
}

/// A small valid snapshot with real search sections, written by hand: a path label 上级 and under
/// it 总部 (listed); 张三 (account c), 李四 (a) and 王芳 (b), stored in that order — not by
/// account; one group 项目组. The index is [`PROBE_FST`].
fn hand_written() -> (Vec<Section>, SearchParts) {
    let records = vec![
        (META, string("手写公司")),
        (DEPT, [dept_record(0, "上级", 1), dept_record(1, "总部", 0)].concat()),
        (MEMB, [member_record("c", "张三", 1), member_record("a", "李四", 1), member_record("b", "王芳", 1)].concat()),
        (GRUP, record(&[T::U(7), T::S("项目组".into()), T::U(2), T::U(0), T::U(2)])),
    ];
    let words = ["zhang", "san", "li", "si", "wang", "fang", "zong", "bu", "xiang", "mu", "zu"];
    let word = |w: &str| words.iter().position(|x| *x == w).unwrap() as u64;
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
    let mut letter_counts = [0; LETTER_BUCKETS];
    for letter in ['L', 'W', 'Z'] {
        letter_counts[letter as usize - 'A' as usize] = 1;
    }
    let parts = SearchParts {
        by_account: vec![1, 2, 0],
        letter_counts,
        by_letter: vec![1, 2, 0],
        readings: names.iter().map(|(read, _)| read.clone()).collect(),
        chars: chars.into_iter().map(|(c, w)| (u64::from(u32::from(c)), vec![w])).collect(),
        words: words.iter().map(|w| w.as_bytes().to_vec()).collect(),
        index: PROBE_FST.to_vec(),
        postings: PROBE_POSTINGS.to_vec(),
    };
    (records, parts)
}

fn with_search(records: &[Section], parts: &SearchParts) -> Vec<u8> {
    let mut sections = records.to_vec();
    sections.extend(parts.encode());
    assemble(&sections)
}

/// `sections` with the body of `tag` replaced.
fn replaced(mut sections: Vec<Section>, tag: [u8; 4], body: Vec<u8>) -> Vec<Section> {
    sections.iter_mut().find(|(t, _)| *t == tag).unwrap_or_else(|| panic!("no {tag:?}")).1 = body;
    sections
}

/// Asserts that opening `bytes` fails with a Corrupt error naming `section`, with a one-line
/// message that says so; returns the message.
fn assert_corrupt(what: &str, bytes: Vec<u8>, section: &str) -> String {
    match Snapshot::open(bytes) {
        Err(e @ SnapshotError::Corrupt { section: s, .. }) if s == section => {
            let m = message(&e);
            assert!(m.starts_with(&format!("snapshot corrupted: {section}: ")), "{what}: {m}");
            m
        }
        other => panic!("{what}: expected a {section:?} error, got {other:?}"),
    }
}

// ---- named tests: the errors a person meets ---------------------------------------------------

fn base(i: usize) -> &'static Base {
    &bases()[i]
}

#[test]
fn every_base_snapshot_opens_and_reads_back() {
    for b in bases() {
        let s = Snapshot::open(b.bytes.clone()).unwrap();
        assert!(s.member_count() > 0 && s.department_count() > 0, "{}", b.what);
        assert_eq!(read_everything(&s, true), b.contents);
        // Members are stored in rank order, not by account; the account lookup finds each one.
        for i in 0..s.member_count() {
            assert_eq!(s.find_member(s.member(i).userid), Some(i), "{}: member {i}", b.what);
        }
        // Every search section is there, in the builder's order after the record sections.
        let tags: Vec<[u8; 4]> = sections_of(&b.bytes).into_iter().map(|(t, _)| t).collect();
        assert_eq!(tags[4..], SEARCH_TAGS, "{}", b.what);
    }
}

#[test]
fn empty_input_is_not_a_snapshot() {
    let e = Snapshot::open(Vec::new()).unwrap_err();
    assert_eq!(e, SnapshotError::NotASnapshot);
    assert!(message(&e).contains("not a tongxunlu snapshot"));
}

#[test]
fn other_files_are_not_a_snapshot() {
    for bytes in [
        b"{\"corp_name\": \"x\"}".to_vec(),
        b"<!doctype html><title>404</title>".to_vec(),
        vec![0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3],
        b"\x89PNG\r\n\x1a\n".to_vec(),
        vec![0],
        // The magic as a text-mode transfer mangles it (CR LF to LF).
        vec![0x89, b'T', b'X', b'L', b'\n', 0x1a, b'\n', 0, 0, 0],
    ] {
        assert_eq!(Snapshot::open(bytes.clone()).unwrap_err(), SnapshotError::NotASnapshot, "{bytes:?}");
    }
}

#[test]
fn magic_only_is_truncated_inside_the_header() {
    let e = Snapshot::open(MAGIC.to_vec()).unwrap_err();
    assert_eq!(e, SnapshotError::Truncated { at: 8, expected: HEADER_LEN });
    assert_eq!(message(&e), "snapshot truncated at byte 8 of 44");
    // Any prefix of the magic is a cut snapshot too, not some other file.
    for n in 1..MAGIC.len() {
        assert_eq!(Snapshot::open(MAGIC[..n].to_vec()).unwrap_err(), SnapshotError::Truncated { at: n, expected: 44 });
    }
}

#[test]
fn wrong_version_is_refused_by_number() {
    for version in [0u16, FORMAT_VERSION - 1, FORMAT_VERSION + 1, 0x0100, u16::MAX] {
        let mut bytes = base(0).bytes.clone();
        bytes[8..10].copy_from_slice(&version.to_le_bytes());
        let e = Snapshot::open(bytes).unwrap_err();
        assert_eq!(e, SnapshotError::UnsupportedVersion { found: version });
        assert_eq!(
            message(&e),
            format!("snapshot format version {version} is not supported (this engine reads version {FORMAT_VERSION})")
        );
    }
}

#[test]
fn trailing_bytes_are_refused() {
    let good = &base(0).bytes;
    for extra in [&[0u8][..], &[0, 0, 0], &good[..]] {
        let mut bytes = good.clone();
        bytes.extend_from_slice(extra);
        let e = Snapshot::open(bytes.clone()).unwrap_err();
        assert_eq!(e, SnapshotError::TrailingBytes { length: bytes.len(), expected: good.len() });
        assert_eq!(
            message(&e),
            format!("snapshot has {} unexpected bytes after its end at byte {}", extra.len(), good.len())
        );
    }
}

#[test]
fn checksum_mismatch_names_both_sums() {
    let good = &base(0).bytes;
    let stored = u32::from_le_bytes(good[CRC_AT].try_into().unwrap());
    let mut bytes = good.clone();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    let computed = crc_of(&bytes);
    let e = Snapshot::open(bytes).unwrap_err();
    assert_eq!(e, SnapshotError::ChecksumMismatch { stored, computed });
    assert_eq!(
        message(&e),
        format!("snapshot corrupted: checksum mismatch (stored {stored:08x}, computed {computed:08x})")
    );
    // A damaged checksum field itself is caught the same way.
    let mut bytes = good.clone();
    bytes[17] ^= 1;
    assert_eq!(
        Snapshot::open(bytes).unwrap_err(),
        SnapshotError::ChecksumMismatch { stored: stored ^ 0x100, computed: stored }
    );
}

#[test]
fn a_cut_snapshot_says_where_and_of_how_many() {
    for b in bases() {
        let good = &b.bytes;
        for at in [HEADER_LEN, HEADER_LEN + 1, good.len() / 2, good.len() - 1] {
            let e = Snapshot::open(good[..at].to_vec()).unwrap_err();
            assert_eq!(e, SnapshotError::Truncated { at, expected: good.len() }, "{}", b.what);
            assert_eq!(message(&e), format!("snapshot truncated at byte {at} of {}", good.len()));
        }
    }
}

/// From byte 16 on the header already says how long the file is, so a cut there names the real
/// length, not the header's 44 bytes.
#[test]
fn a_snapshot_cut_inside_the_header_names_its_real_length_once_known() {
    let good = &base(0).bytes;
    for at in 16..HEADER_LEN {
        assert_eq!(
            Snapshot::open(good[..at].to_vec()).unwrap_err(),
            SnapshotError::Truncated { at, expected: good.len() },
            "cut at {at}"
        );
    }
}

#[test]
fn missing_sections_are_named() {
    // No sections at all: a well-formed header, table and checksum, and nothing else.
    let bytes = assemble(&[]);
    let e = Snapshot::open(bytes).unwrap_err();
    assert_eq!(e, SnapshotError::Corrupt { section: "META", detail: "the section is missing".into() });
    assert_eq!(message(&e), "snapshot corrupted: META: the section is missing");
    // Each section missing from an otherwise complete (empty) snapshot, the search sections too.
    let all = empty_directory();
    assert_eq!(
        all.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        [META, DEPT, MEMB, GRUP, UIDX, AZBR, READ, CHAR, WORD, FST, POST]
    );
    for (i, &name) in SECTION_NAMES.iter().enumerate() {
        let mut sections = all.clone();
        sections.remove(i);
        let e = Snapshot::open(assemble(&sections)).unwrap_err();
        assert_eq!(e, SnapshotError::Corrupt { section: name, detail: "the section is missing".into() });
        assert_eq!(message(&e), format!("snapshot corrupted: {name}: the section is missing"));
    }
    // The same from a real snapshot: its search sections are required, not optional extras.
    let good = sections_of(&base(3).bytes);
    for tag in SEARCH_TAGS {
        let sections: Vec<Section> = good.iter().filter(|(t, _)| *t != tag).cloned().collect();
        let name = std::str::from_utf8(&tag).unwrap();
        assert_corrupt(&format!("without {name}"), assemble(&sections), name);
    }
}

#[test]
fn empty_sections_open_as_an_empty_directory() {
    let mut sections = complete(vec![(META, string("空")), (DEPT, Vec::new()), (MEMB, Vec::new()), (GRUP, Vec::new())]);
    sections.push((*b"XTRA", vec![1, 2, 3])); // unknown sections are skipped
    let s = Snapshot::open(assemble(&sections)).unwrap();
    assert_eq!((s.department_count(), s.member_count(), s.group_count()), (0, 0, 0));
    assert_eq!(s.corp_name(), "空");
    assert_eq!(s.find_member("a"), None);
    for query in PROBE_QUERIES {
        assert_eq!(s.search(query, &SearchOptions::default()), [], "{query}");
    }
    read_everything(&s, true);
}

#[test]
fn sections_that_overlap_repeat_or_leave_the_file_are_refused() {
    let good = assemble(&empty_directory());
    Snapshot::open(good.clone()).unwrap();
    const T: usize = HEADER_LEN; // the first table entry
    type Damage = fn(&mut [u8]);
    let cases: [(&str, Damage); 6] = [
        ("a repeated tag", |b| b[T + 12..T + 16].copy_from_slice(b"META")),
        ("a repeated search tag", |b| b[T + 12 * 10..T + 12 * 10 + 4].copy_from_slice(b"UIDX")),
        ("a section inside the table", |b| b[T + 4..T + 8].copy_from_slice(&0u32.to_le_bytes())),
        ("a section past the end", |b| b[T + 8..T + 12].copy_from_slice(&10_000u32.to_le_bytes())),
        ("a huge section", |b| b[T + 8..T + 12].copy_from_slice(&u32::MAX.to_le_bytes())),
        ("more sections than fit", |b| b[10..12].copy_from_slice(&u16::MAX.to_le_bytes())),
    ];
    for (what, damage) in cases {
        let mut bytes = good.clone();
        damage(&mut bytes);
        fix_up(&mut bytes, false);
        match Snapshot::open(bytes) {
            Err(e @ SnapshotError::Corrupt { section: "section table", .. }) => {
                message(&e);
            }
            other => panic!("{what}: {other:?}"),
        }
    }
}

/// A section whose offset + length passes 2^32. On a 64-bit host the sum is simply past the end
/// of the file; where `usize` is 32 bits (wasm32, where the page runs) the same sum must not wrap
/// around into a range that starts after it ends.
#[test]
fn a_section_whose_end_passes_four_gigabytes_is_refused() {
    let mut sections = empty_directory();
    sections.push((*b"XTRA", vec![]));
    for tag in [META, FST, *b"XTRA"] {
        let mut bytes = assemble(&sections);
        let entry = HEADER_LEN + 12 * sections.iter().position(|(t, _)| *t == tag).unwrap();
        // offset 0xFFFF_FFF0, length 0x40: the sum is 0x1_0000_0030, which wraps to 48 on 32 bits.
        bytes[entry + 4..entry + 8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        bytes[entry + 8..entry + 12].copy_from_slice(&0x40u32.to_le_bytes());
        fix_up(&mut bytes, false);
        match Snapshot::open(bytes) {
            Err(SnapshotError::Corrupt { section: "section table", .. }) => {}
            other => panic!("{}: {other:?}", String::from_utf8_lossy(&tag)),
        }
    }
}

/// Found by the fuzz target `open_snapshot_fixed_checksum`: the message quotes the section's tag,
/// and a tag holding a line break must not break the one-line error the CLI prints (SPEC §9), nor
/// send control characters to a terminal.
#[test]
fn section_table_errors_are_one_line() {
    let mut bytes = assemble(&[(*b"\n\x1a\n\x01", vec![])]);
    bytes[HEADER_LEN + 8..HEADER_LEN + 12].copy_from_slice(&1000u32.to_le_bytes());
    fix_up(&mut bytes, false);
    let e = Snapshot::open(bytes).unwrap_err();
    assert!(matches!(e, SnapshotError::Corrupt { section: "section table", .. }), "{e:?}");
    let m = e.to_string();
    assert!(!m.chars().any(char::is_control), "{m:?}");
}

#[test]
fn broken_records_name_their_section_and_record() {
    let dept = |parent: u64| dept_record(parent, "总部", 0);
    let member = |userid: &str, dept: u64| member_record(userid, "甲", dept);
    // (what, DEPT, MEMB, GRUP, the section the error must name)
    type Case = (&'static str, Vec<u8>, Vec<u8>, Vec<u8>, &'static str);
    let cases: Vec<Case> = vec![
        ("a parent after its child", [dept(0), dept(3)].concat(), vec![], vec![], "DEPT"),
        ("a parent that is the department itself", [dept(0), dept(2)].concat(), vec![], vec![], "DEPT"),
        ("a membership past the departments", dept(0), member("a", 1), vec![], "MEMB"),
        (
            "a leader past the members",
            record(&[T::U(1), T::S("x".into()), T::U(0), T::U(1), T::B(0), T::U(0), T::U(1), T::U(1)]),
            member("a", 0),
            vec![],
            "DEPT",
        ),
        (
            "a group member past the members",
            dept(0),
            member("a", 0),
            record(&[T::U(1), T::S("g".into()), T::U(1), T::U(1)]),
            "GRUP",
        ),
        (
            "a record with bytes left over",
            [dept(0), record(&[T::U(1), T::S("x".into()), T::U(1), T::U(1), T::B(0), T::U(0), T::U(0), T::B(9)])]
                .concat(),
            vec![],
            vec![],
            "DEPT",
        ),
        ("a record cut short", vec![3, 1, 2, b'a'], vec![], vec![], "DEPT"),
        ("a record longer than its section", vec![200, 1], vec![], vec![], "DEPT"),
        ("a member record longer than its section", dept(0), vec![200, 1], vec![], "MEMB"),
        ("a group record cut short", vec![], vec![], vec![5, 1, 1], "GRUP"),
        (
            "a name that is not UTF-8",
            record(&[T::U(1), T::Raw(vec![2, 0xe5, 0xbc]), T::U(0), T::U(1), T::B(0), T::U(0), T::U(0)]),
            vec![],
            vec![],
            "DEPT",
        ),
        (
            "an account that is not UTF-8",
            dept(0),
            record(&[T::Raw(vec![1, 0xff]), T::S("甲".into()), T::B(0), T::B(0), T::U(0), T::U(0)]),
            vec![],
            "MEMB",
        ),
        (
            "an unknown gender",
            dept(0),
            record(&[T::S("a".into()), T::S("甲".into()), T::B(3 << 4), T::B(0), T::U(0), T::U(0)]),
            vec![],
            "MEMB",
        ),
        (
            "a member flag bit no version defines",
            dept(0),
            record(&[T::S("a".into()), T::S("甲".into()), T::B(1 << 3), T::B(0), T::U(0), T::U(0)]),
            vec![],
            "MEMB",
        ),
        (
            "a member flag bit above the gender",
            dept(0),
            record(&[T::S("a".into()), T::S("甲".into()), T::B(1 << 6), T::B(0), T::U(0), T::U(0)]),
            vec![],
            "MEMB",
        ),
        (
            "a department flag bit no version defines",
            record(&[T::U(1), T::S("x".into()), T::U(0), T::U(1), T::B(2), T::U(0), T::U(0)]),
            vec![],
            vec![],
            "DEPT",
        ),
        (
            "a huge leader count",
            record(&[T::U(1), T::S("x".into()), T::U(0), T::U(1), T::B(0), T::U(0), T::U(u32::MAX as u64)]),
            vec![],
            vec![],
            "DEPT",
        ),
        (
            "an id past u32",
            record(&[T::U(1 << 32), T::S("x".into()), T::U(0), T::U(1), T::B(0), T::U(0), T::U(0)]),
            vec![],
            vec![],
            "DEPT",
        ),
    ];
    for (what, departments, members, groups, section) in cases {
        let m = assert_corrupt(what, records_snapshot(departments, members, groups), section);
        assert!(m.contains("record "), "{what}: {m}");
    }
}

/// The order of the account lookup (UIDX) is not checked when opening (that reads every member
/// in random order: about 15 ms in a browser at 200,000 members), so a snapshot whose accounts
/// repeat, or whose UIDX is not in account order, opens; a lookup then answers a member with the
/// account asked for, or none — never another member — and everything else reads as usual.
#[test]
fn a_misordered_account_lookup_misses_but_never_answers_another_member() {
    let lookups = |s: &Snapshot, accounts: &[&str]| -> Vec<Option<usize>> {
        read_everything(s, true);
        accounts.iter().map(|a| s.find_member(a)).collect()
    };
    // Repeated accounts: the lookup lands on one of them.
    let members = [member_record("b", "甲", 0), member_record("a", "乙", 0), member_record("b", "丙", 0)].concat();
    let s = Snapshot::open(records_snapshot(dept_record(0, "部", 0), members, vec![])).unwrap();
    let found = lookups(&s, &["a", "b", "c"]);
    assert_eq!((found[0], found[2]), (Some(1), None));
    assert!(matches!(found[1], Some(0 | 2)), "{found:?}");

    // The hand-written snapshot stores c, a, b; its UIDX [1, 2, 0] lists them by account.
    let (records, good) = hand_written();
    for (what, by_account, expected) in [
        ("UIDX in account order", vec![1, 2, 0], [Some(1), Some(2), Some(0)]),
        // Read as c, a, b: the search for c turns right at a and misses it.
        ("UIDX in stored order", vec![0, 1, 2], [Some(1), Some(2), None]),
        // Read as c, b, a: b is met first; a and c are looked for on the wrong side.
        ("UIDX in reverse account order", vec![0, 2, 1], [None, Some(2), None]),
    ] {
        let mut parts = good.clone();
        parts.by_account = by_account;
        let s = Snapshot::open(with_search(&records, &parts)).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(lookups(&s, &["a", "b", "c"]), expected, "{what}");
    }
}

/// Members in rank order, not account order (the old format's rule) open, and each is found by
/// account through UIDX.
#[test]
fn members_in_any_order_are_found_through_the_account_lookup() {
    let accounts = ["m", "b", "zz", "a", "张三", "ab", "B"];
    let members: Vec<u8> = accounts.iter().flat_map(|a| member_record(a, "甲", 0)).collect();
    let s = Snapshot::open(records_snapshot(dept_record(0, "总部", 0), members, vec![])).unwrap();
    for (i, a) in accounts.iter().enumerate() {
        assert_eq!(s.find_member(a), Some(i), "{a}");
    }
    for absent in ["", "c", "aa", "zzz", "张"] {
        assert_eq!(s.find_member(absent), None, "{absent}");
    }
    read_everything(&s, true);
}

/// The hand-written snapshot with real search sections opens, and its readings and index work:
/// searching by characters, by pinyin, by initials and by account finds the right records.
#[test]
fn a_hand_written_snapshot_with_search_sections_opens_and_searches() {
    let (records, parts) = hand_written();
    let s = Snapshot::open(with_search(&records, &parts)).unwrap();
    read_everything(&s, true);
    assert_eq!(
        (s.member(0).name, s.find_member("a"), s.find_member("b"), s.find_member("c")),
        ("张三", Some(1), Some(2), Some(0))
    );
    let syllables = s.member_syllables(0);
    assert_eq!(
        syllables.iter().map(|x| (x.text.as_ref(), x.readings.clone(), x.chars.clone())).collect::<Vec<_>>(),
        [("张", vec!["zhang"], 0..1), ("三", vec!["san"], 1..2)]
    );
    let found = |query: &str| -> Vec<(ResultKind, usize, Field, Vec<(u32, u32)>)> {
        s.search(query, &SearchOptions::default())
            .into_iter()
            .map(|h| (h.kind, h.position, h.field, h.ranges))
            .collect()
    };
    // PROBE_FST: 张 → member 0 (an exact match, highlighted from its READ record), 张三 → the
    // list 0, 1, 3 (member 3 does not exist and is dropped; member 1, 李四, is taken at the
    // index's word, with nothing to highlight).
    let hits = found("张");
    assert_eq!(hits[0], (ResultKind::Member, 0, Field::Name, vec![(0, 1)]));
    assert_eq!(hits.iter().map(|h| (h.0, h.1)).collect::<Vec<_>>(), [(ResultKind::Member, 0), (ResultKind::Member, 1)]);
    assert_eq!(found("zhang")[0], (ResultKind::Member, 0, Field::Name, vec![(0, 1)]));
    assert!(found("zs").iter().all(|h| h.1 < 3));
    // 总 → department 0 (the path label here, which has no READ record): found, with its
    // subtree's members after it.
    let hits = found("总");
    assert_eq!((hits[0].0, hits[0].1, hits[0].3.clone()), (ResultKind::Department, 0, vec![]));
    assert!(hits[1..].iter().all(|h| h.0 == ResultKind::Member && h.2 == Field::Department), "{hits:?}");
    // Account a → member 0 (the index says so, though 张三's account is c: the index is trusted).
    assert!(found("a").iter().any(|h| (h.0, h.1, h.2) == (ResultKind::Member, 0, Field::Account)));
}

/// Every rule of every search section, broken once in an otherwise valid snapshot: refused with
/// a Corrupt error naming that section, in one line.
#[test]
fn broken_search_sections_are_named() {
    let (records, good) = hand_written();
    Snapshot::open(with_search(&records, &good)).unwrap();
    type Break = Box<dyn Fn(&mut SearchParts)>;
    let cases: Vec<(&str, Break, &str)> = vec![
        // UIDX
        (
            "UIDX with one position too few",
            Box::new(|p| {
                p.by_account.pop();
            }),
            "UIDX",
        ),
        ("UIDX with one position too many", Box::new(|p| p.by_account.push(0)), "UIDX"),
        ("UIDX empty", Box::new(|p| p.by_account.clear()), "UIDX"),
        ("a UIDX position past the members", Box::new(|p| p.by_account[1] = 3), "UIDX"),
        ("a UIDX position far past the members", Box::new(|p| p.by_account[0] = u32::MAX), "UIDX"),
        ("UIDX listing a member twice", Box::new(|p| p.by_account = vec![1, 1, 0]), "UIDX"),
        // AZBR
        ("AZBR counts that add up to more", Box::new(|p| p.letter_counts[0] += 1), "AZBR"),
        ("AZBR counts that add up to fewer", Box::new(|p| p.letter_counts[25] = 0), "AZBR"),
        (
            "AZBR counts that add up only when they wrap",
            Box::new(|p| {
                p.letter_counts[0] = u32::MAX;
                p.letter_counts[1] = 1;
            }),
            "AZBR",
        ),
        (
            "AZBR with a position too few",
            Box::new(|p| {
                p.by_letter.pop();
            }),
            "AZBR",
        ),
        ("AZBR with a position too many", Box::new(|p| p.by_letter.push(0)), "AZBR"),
        ("AZBR listing a member twice", Box::new(|p| p.by_letter = vec![1, 1, 0]), "AZBR"),
        ("an AZBR position past the members", Box::new(|p| p.by_letter[2] = 3), "AZBR"),
        // READ
        (
            "READ without the group's record",
            Box::new(|p| {
                p.readings.pop();
            }),
            "READ",
        ),
        ("READ with a record too many", Box::new(|p| p.readings.push(Vec::new())), "READ"),
        ("READ with a record for the path label", Box::new(|p| p.readings.insert(3, Vec::new())), "READ"),
        ("READ empty", Box::new(|p| p.readings.clear()), "READ"),
        // CHAR
        ("CHAR not in increasing order", Box::new(|p| p.chars.swap(0, 1)), "CHAR"),
        ("CHAR repeating a character", Box::new(|p| p.chars[1].0 = p.chars[0].0), "CHAR"),
        ("CHAR holding a surrogate", Box::new(|p| p.chars.insert(0, (0xd800, vec![0]))), "CHAR"),
        ("CHAR holding a number past Unicode", Box::new(|p| p.chars.push((0x11_0000, vec![0]))), "CHAR"),
        ("a CHAR word number past the words", Box::new(|p| p.chars[2].1 = vec![0, 11]), "CHAR"),
        // WORD
        ("a WORD with an upper-case letter", Box::new(|p| p.words[3] = b"Si".to_vec()), "WORD"),
        ("a WORD with a hyphen", Box::new(|p| p.words[0] = b"zh-ang".to_vec()), "WORD"),
        ("a WORD with a tone mark", Box::new(|p| p.words[0] = "zhāng".as_bytes().to_vec()), "WORD"),
        ("a WORD with a syllable separator", Box::new(|p| p.words[0] = b"zhang'san".to_vec()), "WORD"),
        ("a WORD with a NUL", Box::new(|p| p.words[10] = b"z\0".to_vec()), "WORD"),
        ("an empty WORD", Box::new(|p| p.words[5] = Vec::new()), "WORD"),
        ("a WORD that is not UTF-8", Box::new(|p| p.words[5] = vec![b'f', 0xff]), "WORD"),
        // Words are checked before the characters that number them.
        (
            "fewer words than CHAR numbers",
            Box::new(|p| {
                p.words.pop();
            }),
            "CHAR",
        ),
        // FST
        ("FST empty", Box::new(|p| p.index.clear()), "FST "),
        ("FST that is not an fst", Box::new(|p| p.index = b"not an fst at all".to_vec()), "FST "),
        ("FST too short for an fst's header and footer", Box::new(|p| p.index.truncate(35)), "FST "),
        ("FST of a later fst version", Box::new(|p| p.index[0] = 4), "FST "),
        ("FST of version 0", Box::new(|p| p.index[0] = 0), "FST "),
        ("FST of 36 zeros", Box::new(|p| p.index = vec![0; 36]), "FST "),
        (
            "FST whose root address is 0 but which is not empty",
            Box::new(|p| {
                p.index = EMPTY_FST.to_vec();
                p.index[27] = 0;
            }),
            "FST ",
        ),
    ];
    for (what, damage, section) in cases {
        let mut parts = good.clone();
        damage(&mut parts);
        assert_corrupt(what, with_search(&records, &parts), section);
    }

    // Byte-level damage that the parts cannot express.
    type Bytes = fn(&mut Vec<u8>);
    let raw: [(&str, [u8; 4], Bytes, &str); 11] = [
        ("UIDX not a whole number of u32s", UIDX, |b| b.push(0), "UIDX"),
        (
            "UIDX cut inside a position",
            UIDX,
            |b| {
                b.pop();
            },
            "UIDX",
        ),
        ("AZBR not a whole number of u32s", AZBR, |b| b.extend([0, 0]), "AZBR"),
        ("AZBR without its counts", AZBR, |b| b.clear(), "AZBR"),
        ("a READ record cut short", READ, |b| b.truncate(b.len() - 1), "READ"),
        ("a READ record longer than the section", READ, |b| b.extend([9, 1]), "READ"),
        ("a CHAR record cut short", CHAR, |b| b.truncate(b.len() - 1), "CHAR"),
        ("a CHAR record whose character runs past it", CHAR, |b| b.extend([1, 0x80]), "CHAR"),
        // 三 with a reading count of 9 and one word number after it.
        ("a CHAR reading count past the record", CHAR, |b| *b = record(&[T::U(0x4e09), T::U(9), T::U(0)]), "CHAR"),
        ("a WORD string running past the section", WORD, |b| b.extend([5, b'a']), "WORD"),
        ("a WORD length past u32", WORD, |b| b.extend([0xff, 0xff, 0xff, 0xff, 0xff, 1]), "WORD"),
    ];
    for (what, tag, damage, section) in raw {
        let mut sections = records.clone();
        sections.extend(good.encode());
        let mut body = sections.iter().find(|(t, _)| *t == tag).unwrap().1.clone();
        damage(&mut body);
        assert_corrupt(what, assemble(&replaced(sections, tag, body)), section);
    }
}

/// What a `READ` record holds is checked where it is read, not when opening (decoding every one
/// would be a third of opening): a record that breaks a rule opens, reads as no syllables, and
/// leaves the other records and searching as they were. Its framing and the number of records
/// are checked when opening (`broken_search_sections_are_named`).
#[test]
fn a_malformed_reading_record_reads_as_no_syllables() {
    let (records, good) = hand_written();
    let intact = Snapshot::open(with_search(&records, &good)).unwrap();
    let syllables = |s: &Snapshot| (0..3).map(|m| s.member_syllables(m).len()).collect::<Vec<_>>();
    assert_eq!(syllables(&intact), [2, 2, 2]);
    type Break = fn(&mut SearchParts);
    // READ records 0–2 are the members', 3 the department's, 4 the group's.
    let cases: [(&str, Break, [usize; 3]); 5] = [
        ("a word number past the words", |p| p.readings[1][0].2[0] = 11, [2, 0, 2]),
        ("a huge word number", |p| p.readings[4][2].2.push(u32::MAX as u64), [2, 2, 2]),
        ("a word number past u32", |p| p.readings[0][0].2[0] = 1 << 40, [0, 2, 2]),
        ("a character range past u32", |p| p.readings[0][1] = (u32::MAX as u64, 1, vec![1]), [0, 2, 2]),
        ("a character start past u32", |p| p.readings[2][1].0 = 1 << 33, [2, 2, 0]),
    ];
    for (what, damage, expected) in cases {
        let mut parts = good.clone();
        damage(&mut parts);
        let s = Snapshot::open(with_search(&records, &parts)).unwrap_or_else(|e| panic!("{what}: {e}"));
        read_everything(&s, true);
        assert_eq!(syllables(&s), expected, "{what}");
    }
    // Bytes left over after the last record's syllables (the group's).
    let mut sections = records.clone();
    sections.extend(good.encode());
    let mut readings = sections.iter().find(|(t, _)| *t == READ).unwrap().1.clone();
    extra_byte_in_last_record(&mut readings);
    let s = Snapshot::open(assemble(&replaced(sections, READ, readings))).unwrap();
    read_everything(&s, true);
    assert_eq!(syllables(&s), [2, 2, 2], "bytes left over in the group's record");
}

/// The READ record of a member is the member's: with a path label and a listed department, the
/// counts line up (members, then listed departments, then groups), and a snapshot whose labels
/// have records is refused — shown above; here, a snapshot without departments or groups.
#[test]
fn readings_follow_members_then_listed_departments_then_groups() {
    // Only members.
    let members = [member_record("b", "乙", 0), member_record("a", "甲", 0)].concat();
    let bytes = records_snapshot(dept_record(0, "部", 1), members.clone(), vec![]);
    Snapshot::open(bytes).unwrap();
    // The same department listed needs one more record than the minimal parts for a label give.
    let sections =
        complete(vec![(META, string("x")), (DEPT, dept_record(0, "部", 1)), (MEMB, members), (GRUP, vec![])]);
    let sections = replaced(sections, DEPT, dept_record(0, "部", 0));
    assert_corrupt("a listed department without its reading", assemble(&sections), "READ");
}

/// POST is not checked when opening: every list is read with bounds checks where a search uses
/// it. Garbage there, behind a well-formed index, gives no panic and no hit past the records.
#[test]
fn postings_are_checked_where_they_are_read() {
    let (records, good) = hand_written();
    for postings in [vec![], vec![0xff; 40], vec![0x80; 3], vec![200, 1, 2, 3], vec![3, 0, 0, 0, 0, 0, 0]] {
        let mut parts = good.clone();
        parts.postings = postings;
        let s = Snapshot::open(with_search(&records, &parts)).unwrap();
        read_everything(&s, true);
    }
}

/// What the opener does not see, because it reads only the index's header and footer: an index
/// whose root address and key count are far past the section. On a 64-bit host `fst::Map::new`
/// accepts it (its own size check is skipped for any non-zero root address); on wasm32 it
/// panics converting the address to a 32-bit usize (`u64_to_usize` in fst 0.4.7's raw/mod.rs),
/// so `Snapshot::open` panics in the browser. check_index could refuse a root address that does
/// not end the section (`root + 21 == len` for fst version 3, or `root == 0 && len == 36`).
#[test]
fn an_index_whose_footer_points_past_it_is_refused() {
    let (records, good) = hand_written();
    let mut parts = good.clone();
    let n = parts.index.len();
    // The footer of an fst v3: key count (u64), root address (u64), checksum (u32).
    parts.index[n - 5] = 1; // the root address's top byte: 2^56 and more
    parts.index[n - 13] = 1; // the key count's top byte
    assert_corrupt("a root address past the index", with_search(&records, &parts), "FST ");
}

/// An fst of another format version would be read with the wrong footer layout (fst 0.4.7
/// reads a version-2 footer 4 bytes off, and searching it panics): the opener refuses it.
#[test]
fn an_index_of_another_fst_version_is_refused() {
    let sections = sections_of(&base(0).bytes);
    let mut index = section_bytes(&base(0).bytes, FST).unwrap().to_vec();
    index[0] = 2; // fst version 3 → 2
    assert_corrupt("an fst of version 2", assemble(&replaced(sections, FST, index)), "FST ");
}

/// The CHAR reader takes a character's number modulo 2^32, where every other number of the
/// format is refused when out of range.
#[test]
fn a_char_number_past_u32_is_refused() {
    let (records, good) = hand_written();
    let mut parts = good.clone();
    parts.chars[0].0 += 1 << 32; // the same character, plus 2^32
    assert_corrupt("a character number past u32", with_search(&records, &parts), "CHAR");
}

/// The CHAR reader leaves a record's extra bytes unread, where every other record reader (READ
/// included, above) refuses them.
#[test]
fn a_char_record_with_bytes_left_over_is_refused() {
    let (records, good) = hand_written();
    let mut sections = records.clone();
    sections.extend(good.encode());
    let mut chars = sections.iter().find(|(t, _)| *t == CHAR).unwrap().1.clone();
    extra_byte_in_last_record(&mut chars);
    assert_corrupt("a CHAR record with bytes left over", assemble(&replaced(sections, CHAR, chars)), "CHAR");
}

/// Appends a byte to the body of the last record of a record section, framing it anew.
fn extra_byte_in_last_record(section: &mut Vec<u8>) {
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

/// A member's mobile in full-width digits (which a directory file cannot hold, but a hostile
/// writer's MEMB can) behind a well-formed index: `phone_match` in src/search/engine.rs counts
/// the ASCII digits of the shown text but finds the match in its width-folded digits, so
/// `ascii_count - national.len()` underflows (a panic in debug builds; in release the skip
/// wraps, `digit_chars` is empty and `digit_chars[at]` panics) — a search that panics on a
/// snapshot that opened.
#[test]
fn full_width_digits_in_a_shown_phone_do_not_panic_search() {
    let good = &base(3).bytes; // rich/boss: boss's mobile is +8613800000001
    let ascii = string("+8613800000001");
    // The same number in full-width digits (U+FF10…).
    let wide_text: String = "+8613800000001"
        .chars()
        .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
        .collect();
    let wide = string(&wide_text);
    let sections: Vec<Section> = sections_of(good)
        .into_iter()
        .map(|(tag, body)| {
            if tag != MEMB {
                return (tag, body);
            }
            let body = record_bodies(&body)
                .into_iter()
                .flat_map(|r| {
                    let at = r.windows(ascii.len()).position(|w| w == ascii);
                    let r = match at {
                        Some(at) => [&r[..at], &wide[..], &r[at + ascii.len()..]].concat(),
                        None => r.to_vec(),
                    };
                    let mut out = Vec::new();
                    leb(r.len() as u64, &mut out);
                    out.extend(r);
                    out
                })
                .collect();
            (tag, body)
        })
        .collect();
    let bytes = assemble(&sections);
    let s = Snapshot::open(bytes.clone()).unwrap();
    let boss = s.find_member("boss").unwrap();
    assert_eq!(s.member(boss).text(TextField::Mobile), Some(wide_text.as_str()));
    // The index is the builder's, so searching is fair game.
    let hits = s.search("13800000001", &SearchOptions::default());
    assert!(hits.iter().any(|h| h.kind == ResultKind::Member && h.position == boss), "{hits:?}");
}

// ---- a hostile writer: correct framing around arbitrary records -------------------------------

/// A number that is mostly small and in range, sometimes anything.
fn number(small: u64) -> impl Strategy<Value = u64> {
    prop_oneof![8 => 0..=small, 1 => any::<u64>(), 1 => Just(u32::MAX as u64 + 1)]
}

fn text() -> impl Strategy<Value = T> {
    prop_oneof![
        8 => "[a-c]{0,3}|[张李王]{1,2}".prop_map(T::S),
        1 => prop::collection::vec(any::<u8>(), 0..4).prop_map(|raw| {
            let mut out = Vec::new();
            leb(raw.len() as u64, &mut out);
            out.extend(raw);
            T::Raw(out)
        }),
        1 => (number(20), prop::collection::vec(any::<u8>(), 0..4)).prop_map(|(n, raw)| {
            let mut out = Vec::new();
            leb(n, &mut out);
            out.extend(raw);
            T::Raw(out)
        }),
    ]
}

/// A list: a count (usually right, sometimes not) and its items.
fn list(item: impl Strategy<Value = Vec<T>>) -> impl Strategy<Value = Vec<T>> {
    (prop::collection::vec(item, 0..4), prop_oneof![9 => Just(None), 1 => number(10).prop_map(Some)]).prop_map(
        |(items, count)| {
            let mut out = vec![T::U(count.unwrap_or(items.len() as u64))];
            out.extend(items.into_iter().flatten());
            out
        },
    )
}

/// Occasionally damages an otherwise well-typed record: drops or adds an item at the end.
fn maybe_damaged(items: impl Strategy<Value = Vec<T>>) -> impl Strategy<Value = Vec<u8>> {
    (items, prop_oneof![18 => Just(0u8), 1 => Just(1), 1 => Just(2)], any::<u8>()).prop_map(|(mut items, damage, b)| {
        match damage {
            1 => {
                items.pop();
            }
            2 => items.push(T::B(b)),
            _ => {}
        }
        record(&items)
    })
}

fn hostile_department(n: u64) -> impl Strategy<Value = Vec<u8>> {
    let items = (
        number(50),
        text(),
        number(n + 1),
        number(9),
        any::<u8>(),
        number(50),
        list(number(n + 1).prop_map(|m| vec![T::U(m)])),
    )
        .prop_map(|(id, name, parent, order, flags, headcount, leaders)| {
            let mut out = vec![T::U(id), name, T::U(parent), T::U(order), T::B(flags), T::U(headcount)];
            out.extend(leaders);
            out
        });
    maybe_damaged(items)
}

fn hostile_member(n: u64) -> impl Strategy<Value = (String, Vec<u8>)> {
    let items = (
        "[a-e]{1,3}",
        text(),
        prop_oneof![4 => (0u8..3).prop_map(|g| g << 4), 1 => any::<u8>()],
        any::<u8>(),
        prop::collection::vec(text(), 8),
        list((number(n + 1), number(9)).prop_map(|(d, o)| vec![T::U(d), T::U(o)])),
        list((text(), text()).prop_map(|(k, v)| vec![k, v])),
    )
        .prop_map(|(userid, name, flags, mask, values, memberships, extattr)| {
            let mut out = vec![T::S(userid.clone()), name, T::B(flags), T::B(mask)];
            out.extend(values.into_iter().take(mask.count_ones() as usize));
            out.extend(memberships);
            out.extend(extattr);
            (userid, out)
        });
    (items, prop_oneof![18 => Just(0u8), 1 => Just(1), 1 => Just(2)], any::<u8>()).prop_map(
        |((userid, mut items), damage, b)| {
            match damage {
                1 => {
                    items.pop();
                }
                2 => items.push(T::B(b)),
                _ => {}
            }
            (userid, record(&items))
        },
    )
}

fn hostile_group(n: u64) -> impl Strategy<Value = Vec<u8>> {
    let items =
        (number(50), text(), list(number(n + 1).prop_map(|m| vec![T::U(m)]))).prop_map(|(id, name, members)| {
            let mut out = vec![T::U(id), name];
            out.extend(members);
            out
        });
    maybe_damaged(items)
}

/// Whole snapshots from a hostile (or buggy) writer: framing, header and checksum are right; the
/// records and search sections are either well typed and pointing at records that exist (so that
/// most open, and the accessors and searches get to read nonsense such as a path label with
/// leaders, repeated ids, wrong headcounts, readings that do not fit the names, or an index whose
/// keys point anywhere), or plausible with a sprinkling of junk (so that every check gets its
/// turn).
fn hostile_snapshot() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![consistent_snapshot(), sloppy_snapshot()]
}

/// Search sections that fit the records, with random contents: the members filed under random
/// letters, random syllables with word numbers in range, a random character table, random words,
/// and the probe index (or none), with its postings or random ones.
#[derive(Debug, Clone)]
struct SearchSpec {
    letters: Vec<Index>,
    syllables: Vec<Vec<(u64, u64, Vec<Index>)>>,
    words: Vec<String>,
    chars: BTreeMap<char, Vec<Index>>,
    probe: bool,
    postings: Option<Vec<u8>>,
}

/// At most this many READ records: 6 departments, 8 members and 2 groups in `consistent_snapshot`.
const MAX_RECORDS: usize = 16;

fn search_spec() -> impl Strategy<Value = SearchSpec> {
    let syllable = (0u64..5, 0u64..3, prop::collection::vec(any::<Index>(), 0..3));
    let character =
        prop_oneof![4 => prop::sample::select(vec!['张', '李', '王', '三', '四', 'a', 'z']), 1 => any::<char>()];
    (
        prop::collection::vec(any::<Index>(), 8),
        prop::collection::vec(prop::collection::vec(syllable, 0..4), MAX_RECORDS),
        prop::collection::vec(prop_oneof!["zhang|san|li|wang|si|a|b|zs|tony", "[a-z0-9]{1,6}"], 0..8),
        prop::collection::btree_map(character, prop::collection::vec(any::<Index>(), 0..3), 0..6),
        prop::bool::weighted(0.7),
        prop::option::weighted(0.2, prop::collection::vec(any::<u8>(), 0..24)),
    )
        .prop_map(|(letters, syllables, words, chars, probe, postings)| SearchSpec {
            letters,
            syllables,
            words,
            chars,
            probe,
            postings,
        })
}

impl SearchSpec {
    /// Valid search sections for members with these accounts (stored order), departments with
    /// these label flags and `groups` groups.
    fn parts(&self, accounts: &[&[u8]], labels: &[bool], groups: usize) -> SearchParts {
        let mut parts = SearchParts::minimal(accounts, labels, groups);
        let word = |i: &Index| (!self.words.is_empty()).then(|| i.index(self.words.len()) as u64);
        let buckets: Vec<usize> = (0..accounts.len()).map(|m| self.letters[m].index(LETTER_BUCKETS)).collect();
        parts.letter_counts = [0; LETTER_BUCKETS];
        for &b in &buckets {
            parts.letter_counts[b] += 1;
        }
        parts.by_letter.sort_by_key(|&p| buckets[p as usize]);
        for (record, syllables) in parts.readings.iter_mut().zip(&self.syllables) {
            *record = syllables
                .iter()
                .map(|(start, len, words)| (*start, *len, words.iter().filter_map(word).collect()))
                .collect();
        }
        parts.chars = self
            .chars
            .iter()
            .map(|(c, words)| (u64::from(u32::from(*c)), words.iter().filter_map(word).collect()))
            .collect();
        parts.words = self.words.iter().map(|w| w.as_bytes().to_vec()).collect();
        if self.probe {
            parts.index = PROBE_FST.to_vec();
            parts.postings = PROBE_POSTINGS.to_vec();
        }
        if let Some(postings) = &self.postings {
            parts.postings = postings.clone();
        }
        parts
    }
}

fn consistent_snapshot() -> impl Strategy<Value = Vec<u8>> {
    let name = || prop_oneof!["[a-c]{0,3}", "[张李王]{1,2}", "\\PC{0,4}"];
    // Flags use only the bits the format defines: bit 0 for departments; bits 0–2 and the
    // gender in bits 4–5 for members.
    let department =
        (0u32..6, name(), any::<Index>(), 0u32..4, 0u8..2, 0u32..20, prop::collection::vec(any::<Index>(), 0..3));
    let member = (
        "[a-e]{1,3}",
        name(),
        (0u8..3, any::<u8>()).prop_map(|(gender, other)| (gender << 4) | (other & 0b0000_0111)),
        any::<u8>(),
        // Text fields, phone-like now and then so that the probe index's phone keys meet them.
        // (ASCII digits only: full-width ones hit a src bug, `full_width_digits_in_a_shown_phone…`.)
        prop::collection::vec(prop_oneof![4 => name(), 1 => "[0-9+ -]{3,14}"], 8),
        prop::collection::vec((any::<Index>(), 0u32..4), 0..3),
        prop::collection::vec((name(), name()), 0..3),
        any::<u16>(), // where the member is stored: any order, not the accounts'
    );
    let group = (0u32..4, name(), prop::collection::vec(any::<Index>(), 0..4));
    (
        prop::collection::vec(department, 0..7),
        prop::collection::vec(member, 0..9),
        prop::collection::vec(group, 0..3),
        name(),
        search_spec(),
    )
        .prop_map(|(departments, mut members, groups, corp, search)| {
            members.sort_by(|a, b| a.0.cmp(&b.0));
            members.dedup_by(|a, b| a.0 == b.0);
            members.sort_by_key(|member| member.7);
            let (n, m) = (departments.len(), members.len());
            let positions = |list: &[Index], of: usize| -> Vec<T> {
                let mut out = vec![T::U(if of == 0 { 0 } else { list.len() as u64 })];
                if of > 0 {
                    out.extend(list.iter().map(|i| T::U(i.index(of) as u64)));
                }
                out
            };
            let dept: Vec<u8> = departments
                .iter()
                .enumerate()
                .flat_map(|(i, (id, name, parent, order, flags, headcount, leaders))| {
                    let mut items = vec![T::U(u64::from(*id)), T::S(name.clone()), T::U(parent.index(i + 1) as u64)];
                    items.extend([T::U(u64::from(*order)), T::B(*flags), T::U(u64::from(*headcount))]);
                    items.extend(positions(leaders, m));
                    record(&items)
                })
                .collect();
            let memb: Vec<u8> = members
                .iter()
                .flat_map(|(userid, name, flags, mask, values, memberships, extattr, _)| {
                    let mut items = vec![T::S(userid.clone()), T::S(name.clone()), T::B(*flags), T::B(*mask)];
                    items.extend(values.iter().take(mask.count_ones() as usize).map(|v| T::S(v.clone())));
                    let memberships: &[(Index, u32)] = if n == 0 { &[] } else { memberships };
                    items.push(T::U(memberships.len() as u64));
                    for (d, order) in memberships {
                        items.extend([T::U(d.index(n) as u64), T::U(u64::from(*order))]);
                    }
                    items.push(T::U(extattr.len() as u64));
                    for (k, v) in extattr {
                        items.extend([T::S(k.clone()), T::S(v.clone())]);
                    }
                    record(&items)
                })
                .collect();
            let grup: Vec<u8> = groups
                .iter()
                .flat_map(|(id, name, members)| {
                    let mut items = vec![T::U(u64::from(*id)), T::S(name.clone())];
                    items.extend(positions(members, m));
                    record(&items)
                })
                .collect();
            let accounts: Vec<&[u8]> = members.iter().map(|member| member.0.as_bytes()).collect();
            let labels: Vec<bool> = departments.iter().map(|d| d.4 & 1 != 0).collect();
            let mut sections = vec![(META, string(&corp)), (DEPT, dept), (MEMB, memb), (GRUP, grup)];
            sections.extend(search.parts(&accounts, &labels, groups.len()).encode());
            assemble(&sections)
        })
}

fn sloppy_snapshot() -> impl Strategy<Value = Vec<u8>> {
    (0u64..6, 0u64..8).prop_flat_map(|(departments, members)| {
        (
            prop::collection::vec(hostile_department(departments), departments as usize),
            prop::collection::vec(hostile_member(members), members as usize),
            prop::collection::vec(hostile_group(members), 0..3),
            any::<bool>(),
            prop::collection::vec(any::<u8>(), 0..6),
            any::<bool>(),
            prop::option::weighted(0.25, (any::<Index>(), prop::collection::vec(any::<u8>(), 0..40))),
        )
            .prop_map(|(departments, mut members, groups, unique, extra_section, reorder, junk)| {
                if unique {
                    // Mostly pass the account lookup's check, to get to what lies behind it.
                    members.sort_by(|a, b| a.0.cmp(&b.0));
                    members.dedup_by(|a, b| a.0 == b.0);
                }
                let mut sections = complete(vec![
                    (META, string("示例")),
                    (DEPT, departments.concat()),
                    (MEMB, members.into_iter().flat_map(|(_, r)| r).collect()),
                    (GRUP, groups.concat()),
                ]);
                sections.push((*b"XTRA", extra_section));
                if let Some((which, bytes)) = junk {
                    // Junk in place of one search section.
                    let tag = SEARCH_TAGS[which.index(SEARCH_TAGS.len())];
                    sections = replaced(sections, tag, bytes);
                }
                if reorder {
                    sections.reverse();
                }
                assemble(&sections)
            })
    })
}

// ---- mutations --------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    /// Flips one bit.
    Flip { at: Index, bit: u8 },
    /// Sets one byte.
    Set { at: Index, value: u8 },
    /// Cuts the file to a length shorter than it is.
    Truncate { at: Index },
    /// Adds bytes at the end.
    Append { bytes: Vec<u8> },
    /// Replaces a range with other bytes (possibly of another length).
    Splice { at: Index, remove: usize, insert: Vec<u8> },
    /// Overwrites a range with a copy of another part of the file (duplicated records, varints
    /// and strings that are well formed but in the wrong place).
    CopyWithin { from: Index, to: Index, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        2 => (any::<Index>(), prop_oneof![Just(0u8), Just(0x7f), Just(0x80), Just(0xff), any::<u8>()])
            .prop_map(|(at, value)| Mutation::Set { at, value }),
        2 => any::<Index>().prop_map(|at| Mutation::Truncate { at }),
        1 => prop::collection::vec(any::<u8>(), 1..16).prop_map(|bytes| Mutation::Append { bytes }),
        2 => (any::<Index>(), 0usize..8, prop::collection::vec(any::<u8>(), 0..8))
            .prop_map(|(at, remove, insert)| Mutation::Splice { at, remove, insert }),
        2 => (any::<Index>(), any::<Index>(), 1usize..24).prop_map(|(from, to, len)| Mutation::CopyWithin { from, to, len }),
    ]
}

impl Mutation {
    /// Applies the mutation to the bytes from `floor` on (the header before it stays as it is).
    fn apply(&self, bytes: &mut Vec<u8>, floor: usize) {
        let span = bytes.len().saturating_sub(floor);
        if span == 0 {
            if let Mutation::Append { bytes: extra } = self {
                bytes.extend_from_slice(extra);
            }
            return;
        }
        let pick = |i: &Index| floor + i.index(span);
        match self {
            Mutation::Flip { at, bit } => bytes[pick(at)] ^= 1 << bit,
            Mutation::Set { at, value } => bytes[pick(at)] = *value,
            Mutation::Truncate { at } => bytes.truncate(pick(at)),
            Mutation::Append { bytes: extra } => bytes.extend_from_slice(extra),
            Mutation::Splice { at, remove, insert } => {
                let start = pick(at);
                let end = (start + remove).min(bytes.len());
                bytes.splice(start..end, insert.iter().copied());
            }
            Mutation::CopyWithin { from, to, len } => {
                let (from, to) = (pick(from), pick(to));
                let len = (*len).min(bytes.len() - from).min(bytes.len() - to);
                bytes.copy_within(from..from + len, to);
            }
        }
    }
}

/// What opening `mutated` must answer after one mutation of `good`, where that can be told from
/// the mutation alone.
fn expected_error(good: &[u8], mutated: &[u8]) -> Option<SnapshotError> {
    if mutated.len() != good.len() {
        if mutated.len() < good.len() && mutated[..] == good[..mutated.len()] {
            // A cut.
            return Some(match mutated.len() {
                0 => SnapshotError::NotASnapshot,
                // Until the length field is there, only the header's size is known.
                at if at < 16 => SnapshotError::Truncated { at, expected: HEADER_LEN },
                at => SnapshotError::Truncated { at, expected: good.len() },
            });
        }
        if mutated.len() > good.len() && mutated[..good.len()] == good[..] {
            return Some(SnapshotError::TrailingBytes { length: mutated.len(), expected: good.len() });
        }
        return None;
    }
    let differs = |range: std::ops::Range<usize>| mutated[range.clone()] != good[range];
    if differs(0..8) {
        return Some(SnapshotError::NotASnapshot);
    }
    if differs(8..10) {
        return Some(SnapshotError::UnsupportedVersion { found: u16::from_le_bytes([mutated[8], mutated[9]]) });
    }
    if differs(10..12) {
        return None; // the section count: some Corrupt error or other, or (rarely) the same contents
    }
    if differs(12..16) {
        let expected = u32::from_le_bytes(mutated[12..16].try_into().unwrap()) as usize;
        return Some(if expected < HEADER_LEN {
            SnapshotError::Corrupt {
                section: "header",
                detail: format!("the total length {expected} is shorter than the header itself"),
            }
        } else if expected > mutated.len() {
            SnapshotError::Truncated { at: mutated.len(), expected }
        } else {
            SnapshotError::TrailingBytes { length: mutated.len(), expected }
        });
    }
    if differs(16..mutated.len()) {
        let stored = u32::from_le_bytes(mutated[CRC_AT].try_into().unwrap());
        return Some(SnapshotError::ChecksumMismatch { stored, computed: crc_of(mutated) });
    }
    None
}

/// The sections of a snapshot that opens, in table order.
fn sections_of(bytes: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let count = usize::from(u16::from_le_bytes([bytes[10], bytes[11]]));
    (0..count)
        .map(|i| {
            let at = HEADER_LEN + 12 * i;
            let word = |k: usize| u32::from_le_bytes(bytes[at + k..at + k + 4].try_into().unwrap()) as usize;
            let (offset, len) = (word(4), word(8));
            (bytes[at..at + 4].try_into().unwrap(), bytes[offset..offset + len].to_vec())
        })
        .collect()
}

/// A valid snapshot with mutations inside one of its sections, framed anew: header, table,
/// length and checksum all fit, so only the section's own checks stand in the way.
fn mutated_inside_a_section() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    (good_snapshot(), any::<Index>(), prop::collection::vec(mutation(), 1..4)).prop_map(|(good, which, ms)| {
        let mut sections = sections_of(&good);
        let i = which.index(sections.len());
        for m in &ms {
            m.apply(&mut sections[i].1, 0);
        }
        (good, assemble(&sections))
    })
}

// ---- a small random valid directory -----------------------------------------------------------

const DEPARTMENT_NAMES: [&str; 8] =
    ["总部", "销售中心", "技术部", "前端组", "Platform", "华东大区", "一年级1班", "供应商"];
const MEMBER_NAMES: [&str; 8] = ["张三", "李四", "王芳", "欧阳娜娜", "Tony Wang", "赵敏", "司马光", "单"];

#[derive(Debug, Clone)]
struct DepartmentSpec {
    parent: Index,
    order: u32,
    permission: Option<&'static str>,
    hidden: bool,
    visible_to_member: Option<Index>,
    visible_to_department: Option<Index>,
    leader: Option<Index>,
    name: Index,
}

#[derive(Debug, Clone)]
struct MemberSpec {
    prefix: char,
    name: Index,
    departments: Vec<(Index, u32)>,
    with_order: bool,
    status: u8,
    gender: u8,
    followed: Option<bool>,
    pinned: bool,
    hidden: bool,
    visible_to: Option<Index>,
    /// alias, position, email, telephone, weixin_id, birthday, hire_date
    fields: [bool; 7],
    extattr: Option<u16>,
}

#[derive(Debug, Clone)]
struct DirectorySpec {
    departments: Vec<DepartmentSpec>,
    members: Vec<MemberSpec>,
    groups: Vec<Vec<Index>>,
    hidden_fields: Vec<bool>,
    viewer: Index,
}

fn directory_spec() -> impl Strategy<Value = DirectorySpec> {
    let department = (
        any::<Index>(),
        0u32..4,
        prop_oneof![3 => Just(None), 1 => Just(Some("all")), 1 => Just(Some("department")), 1 => Just(Some("subdepartment"))],
        prop::bool::weighted(0.15),
        prop::option::weighted(0.5, any::<Index>()),
        prop::option::weighted(0.5, any::<Index>()),
        prop::option::weighted(0.3, any::<Index>()),
        any::<Index>(),
    )
        .prop_map(|(parent, order, permission, hidden, visible_to_member, visible_to_department, leader, name)| DepartmentSpec {
            parent,
            order,
            permission,
            hidden,
            visible_to_member,
            visible_to_department,
            leader,
            name,
        });
    let member = (
        prop::sample::select(vec!['a', 'b', 'm', 'z', '0']),
        any::<Index>(),
        prop::collection::vec((any::<Index>(), 0u32..5), 1..4),
        any::<bool>(),
        prop_oneof![6 => Just(1u8), 1 => Just(2), 1 => Just(4), 1 => Just(5)],
        0u8..3,
        prop::option::of(any::<bool>()),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.1),
        prop::option::of(any::<Index>()),
        prop::array::uniform7(any::<bool>()),
        prop::option::of(any::<u16>()),
    )
        .prop_map(
            |(
                prefix,
                name,
                departments,
                with_order,
                status,
                gender,
                followed,
                pinned,
                hidden,
                visible_to,
                fields,
                extattr,
            )| {
                MemberSpec {
                    prefix,
                    name,
                    departments,
                    with_order,
                    status,
                    gender,
                    followed,
                    pinned,
                    hidden,
                    visible_to,
                    fields,
                    extattr,
                }
            },
        );
    (
        prop::collection::vec(department, 1..9),
        prop::collection::vec(member, 1..14),
        prop::collection::vec(prop::collection::vec(any::<Index>(), 0..5), 0..4),
        prop::collection::vec(prop::bool::weighted(0.2), PolicyField::ALL.len()),
        any::<Index>(),
    )
        .prop_map(|(departments, members, groups, hidden_fields, viewer)| DirectorySpec {
            departments,
            members,
            groups,
            hidden_fields,
            viewer,
        })
}

impl DirectorySpec {
    fn userid(&self, i: usize) -> String {
        format!("{}{i}", self.members[i].prefix)
    }

    /// The directory, and a viewer who may sign in (made so when the chosen one may not).
    fn build(&self) -> (Directory, String) {
        let n = self.departments.len();
        let m = self.members.len();
        let id = |i: usize| 100 + 7 * i as u32; // not positions, not contiguous from 1
        let departments: Vec<Value> = self
            .departments
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let mut v = json!({
                    "id": id(i),
                    "name": DEPARTMENT_NAMES[d.name.index(DEPARTMENT_NAMES.len())],
                    "parentid": if i == 0 { 0 } else { id(d.parent.index(i)) },
                    "order": d.order,
                });
                if let Some(p) = d.permission {
                    v["permission"] = json!(p);
                }
                if let Some(l) = &d.leader {
                    v["department_leader"] = json!([self.userid(l.index(m))]);
                }
                if d.hidden && i > 0 {
                    v["hidden"] = json!(true);
                    let mut to = Map::new();
                    if let Some(u) = &d.visible_to_member {
                        to.insert("userid".into(), json!([self.userid(u.index(m))]));
                    }
                    if let Some(dep) = &d.visible_to_department {
                        to.insert("department".into(), json!([id(dep.index(n))]));
                    }
                    v["visible_to"] = Value::Object(to);
                }
                v
            })
            .collect();
        let viewer = self.viewer.index(m);
        let members: Vec<Value> = self
            .members
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let userid = self.userid(i);
                let mut depts: Vec<u32> = Vec::new();
                let mut orders = Vec::new();
                for (d, o) in &s.departments {
                    let d = id(d.index(n));
                    if !depts.contains(&d) {
                        depts.push(d);
                        orders.push(*o);
                    }
                }
                let status = if i == viewer && !matches!(s.status, 1 | 4) { 1 } else { s.status };
                let mut v = json!({
                    "userid": userid,
                    "name": MEMBER_NAMES[s.name.index(MEMBER_NAMES.len())],
                    "department": depts,
                    "mobile": format!("+86138{i:08}"),
                    "gender": s.gender.to_string(),
                    "status": status,
                });
                if s.with_order {
                    v["order"] = json!(orders);
                }
                if let Some(f) = s.followed {
                    v["followed"] = json!(f);
                }
                if s.pinned {
                    v["pinned"] = json!(true);
                }
                if s.hidden {
                    v["hidden"] = json!(true);
                    if let Some(u) = &s.visible_to {
                        v["visible_to"] = json!({"userid": [self.userid(u.index(m))]});
                    }
                }
                let values = [
                    ("alias", json!(format!("A{i}"))),
                    ("position", json!("客户经理")),
                    ("email", json!(format!("{userid}@example.com"))),
                    ("telephone", json!(format!("021-6{i:07}"))),
                    ("weixin_id", json!(format!("wx_{userid}"))),
                    ("birthday", json!("1990-02-28")),
                    ("hire_date", json!("2016-04-25")),
                ];
                for (present, (key, value)) in s.fields.iter().zip(values) {
                    if *present {
                        v[key] = value;
                    }
                }
                if let Some(n) = s.extattr {
                    v["extattr"] = json!({"工号": format!("{n:06}"), "座位": "A-1"});
                }
                v
            })
            .collect();
        let groups: Vec<Value> = self
            .groups
            .iter()
            .enumerate()
            .map(|(g, members)| {
                let mut ids: Vec<String> = Vec::new();
                for u in members {
                    let id = self.userid(u.index(m));
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                json!({"id": 50 - g, "name": format!("项目组{g}"), "userid": ids})
            })
            .collect();
        let mut policy = Map::new();
        for (field, hidden) in PolicyField::ALL.iter().zip(&self.hidden_fields) {
            if *hidden {
                policy.insert(field.key().into(), json!({"visible": false}));
            }
        }
        let value = json!({
            "corp_name": "随机公司",
            "department": departments,
            "userlist": members,
            "group": groups,
            "field_policy": policy,
        });
        let dir = Directory::from_value(value.clone()).unwrap_or_else(|e| panic!("{e:#}\n{value:#}"));
        (dir, self.userid(viewer))
    }
}

/// A snapshot of a random valid directory, for the mutation properties.
fn random_base() -> impl Strategy<Value = Vec<u8>> {
    directory_spec().prop_map(|spec| {
        let (dir, viewer) = spec.build();
        let view = Organisation::new(&dir).view(&viewer).unwrap();
        snapshot::build(&dir, &view).bytes
    })
}

/// A valid snapshot: one of the fixed bases or a random one.
fn good_snapshot() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => any::<Index>().prop_map(|i| bases()[i.index(bases().len())].bytes.clone()),
        2 => random_base(),
    ]
}

// ---- the properties ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// (a) Arbitrary bytes are refused, never a panic.
    #[test]
    fn arbitrary_bytes_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let e = Snapshot::open(bytes.clone()).unwrap_err();
        message(&e);
        if bytes.first() != Some(&MAGIC[0]) {
            prop_assert_eq!(e, SnapshotError::NotASnapshot);
        }
    }

    /// (a) Bytes behind a correct magic (the first check passed, the rest random) are refused too.
    #[test]
    fn arbitrary_bytes_after_the_magic_are_refused(
        tail in prop::collection::vec(any::<u8>(), 0..2048),
        version in prop::bool::weighted(0.8),
        length in any::<bool>(),
    ) {
        let mut bytes = MAGIC.to_vec();
        bytes.extend(tail);
        if version && bytes.len() >= 10 {
            bytes[8..10].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
        }
        fix_up(&mut bytes, length);
        // With the length fixed, a random table can only be refused for its structure.
        let e = Snapshot::open(bytes).unwrap_err();
        message(&e);
    }

    /// (b) One mutation of a valid snapshot gives the error that names it, or — if it changed
    /// nothing — the same contents.
    #[test]
    fn one_mutation_gives_the_error_that_names_it(good in good_snapshot(), m in mutation()) {
        let contents = open_and_read(&good, &good).unwrap();
        let mut bytes = good.clone();
        m.apply(&mut bytes, 0);
        match open_and_read(&bytes, &good) {
            Ok(read) => {
                prop_assert_eq!(read, contents, "a mutation opened to other contents");
            }
            Err(e) => {
                message(&e);
                prop_assert!(bytes != good, "the unchanged snapshot was refused: {}", e);
                if let Some(expected) = expected_error(&good, &bytes) {
                    prop_assert_eq!(&e, &expected);
                }
                if let SnapshotError::Truncated { at, expected } = e {
                    prop_assert_eq!(at, bytes.len());
                    prop_assert!(expected > at);
                    prop_assert_eq!(e.to_string(), format!("snapshot truncated at byte {at} of {expected}"));
                }
            }
        }
    }

    /// (b) Several mutations: an error, or the same contents.
    #[test]
    fn mutations_never_open_to_other_contents(good in good_snapshot(), ms in prop::collection::vec(mutation(), 1..5)) {
        let contents = open_and_read(&good, &good).unwrap();
        let mut bytes = good.clone();
        for m in &ms {
            m.apply(&mut bytes, 0);
        }
        match open_and_read(&bytes, &good) {
            Ok(read) => prop_assert_eq!(read, contents),
            Err(e) => {
                message(&e);
                prop_assert!(bytes != good);
            }
        }
    }

    /// (c) Mutations behind the header with the length and checksum recomputed reach the
    /// structural checks: the answer is a Corrupt error, or a snapshot every accessor can read.
    /// The mutations reach every section, the index included, and opening is tested on all of
    /// them; a snapshot that opened is searched too unless its `FST ` section is no longer the
    /// builder's (the fst crate's limit: see the module doc).
    #[test]
    fn mutations_behind_a_good_checksum_never_panic(
        good in good_snapshot(),
        ms in prop::collection::vec(mutation(), 1..5),
        fix_length in prop::bool::weighted(0.9),
    ) {
        let mut bytes = good.clone();
        for m in &ms {
            m.apply(&mut bytes, 20);
        }
        fix_up(&mut bytes, fix_length);
        match open_and_read(&bytes, &good) {
            Ok(_) => {}
            Err(e) => {
                message(&e);
                if fix_length && bytes.len() >= HEADER_LEN {
                    prop_assert!(matches!(e, SnapshotError::Corrupt { .. }), "{:?}", e);
                }
            }
        }
    }

    /// (c) Mutations inside one section, framed anew: a Corrupt error that names a section, or a
    /// snapshot every accessor can read (and, unless the index itself was mutated, search).
    #[test]
    fn mutations_inside_a_section_never_panic((good, bytes) in mutated_inside_a_section()) {
        match open_and_read(&bytes, &good) {
            Ok(read) => {
                // The class key and etag are the assembler's, so compare the records only.
                if sections_of(&bytes) == sections_of(&good) {
                    let records = |dump: &str| dump.lines().skip(1).map(str::to_owned).collect::<Vec<_>>();
                    prop_assert_eq!(records(&read), records(&open_and_read(&good, &good).unwrap()));
                }
            }
            Err(e) => {
                message(&e);
                // A mutation in one section may be caught by another's check: a label flag
                // flipped in DEPT by READ's count.
                prop_assert!(
                    matches!(e, SnapshotError::Corrupt { section, .. } if SECTION_NAMES.contains(&section)),
                    "{:?}", e
                );
            }
        }
    }

    /// (c) Mutations of the section table and counts (not covered by the checksum's range, or
    /// behind a recomputed one).
    #[test]
    fn section_table_damage_never_panics(good in good_snapshot(), ms in prop::collection::vec(mutation(), 1..4)) {
        let mut bytes = good.clone();
        let table_end = (HEADER_LEN + 12 * usize::from(u16::from_le_bytes([good[10], good[11]]))).min(good.len());
        let mut table = bytes[10..table_end].to_vec();
        for m in &ms {
            if let Mutation::Flip { .. } | Mutation::Set { .. } | Mutation::CopyWithin { .. } = m {
                m.apply(&mut table, 0);
            }
        }
        // Keep the length and checksum fields out of it.
        table[2..10].copy_from_slice(&bytes[12..20]);
        bytes[10..table_end].copy_from_slice(&table);
        fix_up(&mut bytes, true);
        if let Err(e) = open_and_read(&bytes, &good) {
            message(&e);
            prop_assert!(matches!(e, SnapshotError::Corrupt { .. }), "{:?}", e);
        }
    }

    /// (c) A hostile writer's well-framed snapshots: never a panic, opening, reading or
    /// searching (their index is one of the two embedded fsts).
    #[test]
    fn hostile_records_never_panic(bytes in hostile_snapshot()) {
        if let Err(e) = open_and_read(&bytes, &[]) {
            message(&e);
            prop_assert!(matches!(e, SnapshotError::Corrupt { .. }), "{:?}", e);
        }
    }

    /// (d) What a random valid directory's snapshot reads back is what the view says; every
    /// member is found by account and by name.
    #[test]
    fn snapshots_read_back_what_the_view_says(spec in directory_spec()) {
        let (dir, viewer) = spec.build();
        let view = Organisation::new(&dir).view(&viewer).unwrap();
        let built = snapshot::build(&dir, &view);
        let s = Snapshot::open(built.bytes.clone()).unwrap();
        read_everything(&s, true);

        prop_assert_eq!(s.as_bytes(), &built.bytes[..]);
        prop_assert_eq!(s.class_key(), &built.class_key[..]);
        prop_assert_eq!(s.directory_etag(), &view.directory_etag[..]);
        prop_assert_eq!(s.corp_name(), dir.corp_name.as_str());
        prop_assert_eq!(s.format_version(), FORMAT_VERSION);
        prop_assert_eq!(s.department_count(), view.departments.len());
        prop_assert_eq!(s.member_count(), view.members.len());
        prop_assert_eq!(s.group_count(), view.groups.len());

        let shows = |f: PolicyField| view.visible_fields.contains(&f);
        let userid_at = |v: usize| dir.userlist[view.members[v].member].userid.as_str();

        // Members are stored in their static rank order, not the view's: where each view member
        // is stored, by the account lookup. Every one is found, each at its own position.
        let n = view.members.len();
        let mut position = Vec::with_capacity(n);
        for v in 0..n {
            let found = s.find_member(userid_at(v));
            prop_assert!(found.is_some(), "{} is not found by account", userid_at(v));
            position.push(found.unwrap());
        }
        let mut sorted = position.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "the account lookup is not a permutation");
        // The static rank: pinned first, then the sort number in the first department (then
        // pinyin order and account, which this test does not recompute).
        let rank = |p: usize| {
            let r = s.member(p);
            (!r.pinned, r.departments.first().map_or(0, |&(_, order)| order))
        };
        for p in 1..n {
            prop_assert!(rank(p - 1) <= rank(p), "members {} and {} are out of rank order", p - 1, p);
        }
        let positions = |views: &[usize]| views.iter().map(|&v| position[v]).collect::<Vec<_>>();

        for (i, vd) in view.departments.iter().enumerate() {
            let d = &dir.department[vd.department];
            let r = s.department(i);
            prop_assert_eq!(r.id, d.id);
            prop_assert_eq!(r.name, d.name.as_str());
            prop_assert_eq!(r.parent, vd.parent);
            prop_assert_eq!(r.order, d.order);
            prop_assert_eq!(r.is_label, vd.role == DepartmentRole::PathLabel);
            prop_assert_eq!(r.headcount, vd.headcount);
            prop_assert_eq!(&r.leaders, &positions(&vd.leaders));
            if r.is_label {
                prop_assert!(r.leaders.is_empty());
            }
            let info = s.department_info(i);
            prop_assert_eq!(info.parentid, vd.parent.map(|p| dir.department[view.departments[p].department].id));
            prop_assert_eq!(info.leaders, vd.leaders.iter().map(|&v| userid_at(v)).collect::<Vec<_>>());
        }

        for (v, vm) in view.members.iter().enumerate() {
            let m = &dir.userlist[vm.member];
            let i = position[v];
            let r = s.member(i);
            prop_assert_eq!(r.userid, m.userid.as_str());
            prop_assert_eq!(r.name, m.name.as_str());
            prop_assert_eq!(r.gender, if shows(PolicyField::Gender) { m.gender } else { Gender::Unknown });
            prop_assert_eq!(r.disabled, m.status == tongxunlu::model::Status::Disabled);
            prop_assert_eq!(r.followed, m.is_followed());
            prop_assert_eq!(r.pinned, m.pinned);
            let fields: Vec<(TextField, &str)> = TextField::ALL
                .into_iter()
                .filter(|&f| shows(PolicyField::Text(f)))
                .filter_map(|f| m.text(f).map(|v| (f, v)))
                .collect();
            prop_assert_eq!(&r.fields, &fields);
            prop_assert_eq!(&r.departments, &vm.memberships);
            let extattr: Vec<(&str, &str)> = if shows(PolicyField::Extattr) {
                m.extattr.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
            } else {
                Vec::new()
            };
            prop_assert_eq!(&r.extattr, &extattr);
            let info = s.member_info(i);
            let memberships: Vec<(u32, &str, u32)> = vm
                .memberships
                .iter()
                .map(|&(p, order)| {
                    let d = &dir.department[view.departments[p].department];
                    (d.id, d.name.as_str(), order)
                })
                .collect();
            prop_assert_eq!(info.departments.iter().map(|d| (d.id, d.name, d.order)).collect::<Vec<_>>(), memberships);
            // Every membership is in a listed department, with the member's own sort number.
            for &(p, order) in &vm.memberships {
                let d = &dir.department[view.departments[p].department];
                prop_assert_eq!(view.departments[p].role, DepartmentRole::Listed);
                prop_assert_eq!(order, m.order_in(d.id));
            }

            // Search finds the member by name and by account, at the member's position; the
            // name's readings are there to match against.
            prop_assert!(!s.member_syllables(i).is_empty(), "{} has no syllables", m.name);
            let hits = s.search(&m.name, &SearchOptions::default());
            prop_assert!(
                hits.iter().any(|h| h.kind == ResultKind::Member && h.position == i && h.field == Field::Name),
                "search({:?}) does not find {} at {}: {:?}", m.name, m.userid, i, hits
            );
            let hits = s.search(&m.userid, &SearchOptions::default());
            prop_assert!(
                hits.iter().any(|h| h.kind == ResultKind::Member && h.position == i && h.field == Field::Account),
                "search({:?}) does not find the account at {}: {:?}", m.userid, i, hits
            );
        }

        for (i, vg) in view.groups.iter().enumerate() {
            let g = &dir.group[vg.group];
            let r = s.group(i);
            prop_assert_eq!(r.id, g.id);
            prop_assert_eq!(r.name, g.name.as_str());
            prop_assert_eq!(&r.members, &positions(&vg.members));
            prop_assert_eq!(s.group_info(i).members, vg.members.iter().map(|&v| userid_at(v)).collect::<Vec<_>>());
        }

        // Members the view leaves out are not found, by account or by search, and nobody is
        // listed twice.
        for m in &dir.userlist {
            let visible = view.members.iter().any(|vm| dir.userlist[vm.member].userid == m.userid);
            prop_assert_eq!(s.find_member(&m.userid).is_some(), visible, "{}", m.userid);
            if !visible {
                let hits = s.search(&m.userid, &SearchOptions { limit: 100, ..SearchOptions::default() });
                prop_assert!(
                    hits.iter().all(|h| h.kind != ResultKind::Member || s.member(h.position).userid != m.userid),
                    "a hidden member found by account"
                );
            }
        }
        prop_assert!(s.find_member(&viewer).is_some(), "the viewer sees themself");

        let stats = s.stats();
        let labels = view.departments.iter().filter(|d| d.role == DepartmentRole::PathLabel).count();
        prop_assert_eq!(stats.labels, labels);
        prop_assert_eq!(stats.departments, view.departments.len() - labels);
        prop_assert_eq!(stats.members, view.members.len());
        prop_assert_eq!(stats.groups, view.groups.len());
        prop_assert_eq!(stats.bytes, built.bytes.len());
        prop_assert_eq!(stats.class_key, built.class_key_hex());

        // Building again gives the same bytes.
        prop_assert_eq!(snapshot::build(&dir, &view).bytes, built.bytes);
    }
}

/// The generators above are only worth their cases if much of what they make gets past the
/// checks to the accessors; this keeps them honest.
#[test]
fn the_generators_reach_behind_the_checks() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut rate = |strategy: &dyn Fn(&mut TestRunner) -> Vec<u8>| {
        let opened = (0..300).filter(|_| open_and_read(&strategy(&mut runner), &[]).is_ok()).count();
        opened as f64 / 300.0
    };
    let consistent = rate(&|r| consistent_snapshot().new_tree(r).unwrap().current());
    let sloppy = rate(&|r| sloppy_snapshot().new_tree(r).unwrap().current());
    let inside = rate(&|r| mutated_inside_a_section().new_tree(r).unwrap().current().1);
    eprintln!("opened: consistent {consistent:.2}, sloppy {sloppy:.2}, mutated inside a section {inside:.2}");
    assert!(consistent > 0.8, "consistent hostile snapshots open only {consistent:.2} of the time");
    assert!(sloppy < 0.5, "sloppy hostile snapshots open {sloppy:.2} of the time");
    assert!(inside > 0.05, "mutations inside a section open only {inside:.2} of the time");
    // And the consistent ones get search results out of the probe index, so that the engine's
    // checks of what it reads there are exercised.
    let mut runner = TestRunner::deterministic();
    let searched = (0..300)
        .filter(|_| {
            let bytes = consistent_snapshot().new_tree(&mut runner).unwrap().current();
            Snapshot::open(bytes)
                .is_ok_and(|s| PROBE_QUERIES.iter().any(|q| !s.search(q, &SearchOptions::default()).is_empty()))
        })
        .count();
    eprintln!("consistent snapshots with search hits: {searched}/300");
    assert!(searched > 100, "only {searched} of 300 consistent snapshots give any search hit");
}

/// Writes the fuzz targets' seed corpus: the base snapshots, snapshots of random valid
/// directories, hostile but consistent snapshots, and a few edge cases. Run by `fuzz/seed.sh`
/// (corpus folders are not committed), which sets `TONGXUNLU_FUZZ_CORPUS`.
#[test]
#[ignore = "writes files; run by fuzz/seed.sh"]
fn write_fuzz_seed_corpus() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let Some(root) = std::env::var_os("TONGXUNLU_FUZZ_CORPUS") else {
        panic!("set TONGXUNLU_FUZZ_CORPUS to the fuzz corpus folder (fuzz/corpus)");
    };
    let mut seeds: Vec<Vec<u8>> = bases().iter().map(|b| b.bytes.clone()).collect();
    let mut runner = TestRunner::deterministic();
    for _ in 0..16 {
        seeds.push(random_base().new_tree(&mut runner).unwrap().current());
    }
    for _ in 0..16 {
        seeds.push(consistent_snapshot().new_tree(&mut runner).unwrap().current());
    }
    seeds.push(MAGIC.to_vec());
    seeds.push(assemble(&[]));
    seeds.push(assemble(&empty_directory()));
    let (records, parts) = hand_written();
    seeds.push(with_search(&records, &parts));
    for target in ["open_snapshot", "open_snapshot_fixed_checksum"] {
        let dir = std::path::Path::new(&root).join(target);
        std::fs::create_dir_all(&dir).unwrap();
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i:03}.txl")), seed).unwrap();
        }
    }
    eprintln!("wrote {} seeds for each target under {}", seeds.len(), std::path::Path::new(&root).display());
}
