//! Opening a snapshot never panics and never hangs, whatever the bytes (SPEC §8), and what opens
//! reads back exactly what the view let through.
//!
//! - Named tests for the errors a person meets: empty input, the magic alone, another version,
//!   trailing bytes, a checksum mismatch, a cut file.
//! - (a) arbitrary bytes give an error, never a panic;
//! - (b) a valid snapshot, mutated (bits flipped, cut, extended, spliced), gives the error that
//!   names the damage, or — when the mutation changed nothing — the same contents;
//! - (c) the same with the checksum (and the length) recomputed after the mutation, and snapshots
//!   a hostile writer framed correctly around random records, so that the structural checks
//!   behind the checksum are what is tested: opening never panics, and every accessor of a
//!   snapshot that opened works for every record;
//! - (d) round trip: a random valid directory and viewer, built, opened and read back, equal what
//!   the view says.
//!
//! The cargo-fuzz targets in `fuzz/` drive the same two entry points for longer.

#![cfg(feature = "builder")]

mod common;

use std::fmt::Write as _;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Map, Value};
use tongxunlu::fields::{Gender, TextField};
use tongxunlu::model::{Directory, PolicyField};
use tongxunlu::snapshot::{self, Snapshot, SnapshotError, FORMAT_VERSION, MAGIC};
use tongxunlu::visibility::{DepartmentRole, Organisation};

/// The header is this long; a file shorter than that cannot say how long it should be.
const HEADER_LEN: usize = 44;
/// Bytes 16..20 hold the CRC-32 of everything from byte 20 on.
const CRC_AT: std::ops::Range<usize> = 16..20;
const LENGTH_AT: std::ops::Range<usize> = 12..16;

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

/// Calls every accessor on every record and returns a full description of the contents, so that
/// two snapshots can be compared and so that a snapshot that opened is read through entirely.
fn read_everything(s: &Snapshot) -> String {
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
        writeln!(out, "M{i} {record:?} {info:?}").unwrap();
        serde_json::to_string(&record).unwrap();
        serde_json::to_string(&info).unwrap();
        for field in TextField::ALL {
            let _ = record.text(field);
        }
        // Accounts are checked to be strictly increasing, so the search must find each one.
        assert_eq!(s.find_member(record.userid), Some(i), "find_member({:?})", record.userid);
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
    out
}

/// Opens `bytes`; if they open, reads everything (which must not panic either).
fn open_and_read(bytes: &[u8]) -> Result<String, SnapshotError> {
    let snapshot = Snapshot::open(bytes.to_vec())?;
    Ok(read_everything(&snapshot))
}

/// The message of an error, which must never be empty and never span lines (the CLI prints it
/// as its one-line error).
fn message(e: &SnapshotError) -> String {
    let m = e.to_string();
    assert!(!m.is_empty() && !m.chars().any(char::is_control), "{e:?} displays as {m:?}");
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
            let contents = open_and_read(&bytes).unwrap_or_else(|e| panic!("{what} does not open: {e}"));
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

// ---- named tests: the errors a person meets ---------------------------------------------------

fn base(i: usize) -> &'static Base {
    &bases()[i]
}

#[test]
fn every_base_snapshot_opens_and_reads_back() {
    for b in bases() {
        let s = Snapshot::open(b.bytes.clone()).unwrap();
        assert!(s.member_count() > 0 && s.department_count() > 0, "{}", b.what);
        assert_eq!(read_everything(&s), b.contents);
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
    for version in [0u16, 2, 0x0100, u16::MAX] {
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
    let bytes = assemble(&[(*b"META", string("x")), (*b"DEPT", Vec::new()), (*b"MEMB", Vec::new())]);
    assert_eq!(
        Snapshot::open(bytes).unwrap_err(),
        SnapshotError::Corrupt { section: "GRUP", detail: "the section is missing".into() }
    );
}

#[test]
fn empty_sections_open_as_an_empty_directory() {
    let bytes = assemble(&[
        (*b"META", string("空")),
        (*b"DEPT", Vec::new()),
        (*b"MEMB", Vec::new()),
        (*b"GRUP", Vec::new()),
        (*b"XTRA", vec![1, 2, 3]), // unknown sections are skipped
    ]);
    let s = Snapshot::open(bytes).unwrap();
    assert_eq!((s.department_count(), s.member_count(), s.group_count()), (0, 0, 0));
    assert_eq!(s.corp_name(), "空");
    assert_eq!(s.find_member("a"), None);
    read_everything(&s);
}

#[test]
fn sections_that_overlap_repeat_or_leave_the_file_are_refused() {
    let meta = string("x");
    let good = assemble(&[(*b"META", meta.clone()), (*b"DEPT", vec![]), (*b"MEMB", vec![]), (*b"GRUP", vec![])]);
    Snapshot::open(good.clone()).unwrap();
    const T: usize = HEADER_LEN; // the first table entry
    type Damage = fn(&mut [u8]);
    let cases: [(&str, Damage); 5] = [
        ("a repeated tag", |b| b[T + 12..T + 16].copy_from_slice(b"META")),
        ("a section inside the table", |b| b[T + 4..T + 8].copy_from_slice(&0u32.to_le_bytes())),
        ("a section past the end", |b| b[T + 8..T + 12].copy_from_slice(&1000u32.to_le_bytes())),
        ("a huge section", |b| b[T + 8..T + 12].copy_from_slice(&u32::MAX.to_le_bytes())),
        ("more sections than fit", |b| b[10..12].copy_from_slice(&u16::MAX.to_le_bytes())),
    ];
    for (what, damage) in cases {
        let mut bytes = good.clone();
        damage(&mut bytes);
        fix_up(&mut bytes, false);
        match Snapshot::open(bytes) {
            Err(SnapshotError::Corrupt { section: "section table", .. }) => {}
            other => panic!("{what}: {other:?}"),
        }
    }
}

/// A section whose offset + length passes 2^32. On a 64-bit host the sum is simply past the end
/// of the file; where `usize` is 32 bits (wasm32, where the page runs) the same sum must not wrap
/// around into a range that starts after it ends.
#[test]
fn a_section_whose_end_passes_four_gigabytes_is_refused() {
    let mut sections = vec![(*b"META", string("x")), (*b"DEPT", vec![]), (*b"MEMB", vec![]), (*b"GRUP", vec![])];
    sections.push((*b"XTRA", vec![]));
    for tag in [*b"META", *b"XTRA"] {
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
    let dept = |parent: u64| record(&[T::U(1), T::S("总部".into()), T::U(parent), T::U(1), T::B(0), T::U(0), T::U(0)]);
    let member = |userid: &str, dept: u64| {
        record(&[T::S(userid.into()), T::S("甲".into()), T::B(0), T::B(0), T::U(1), T::U(dept), T::U(0), T::U(0)])
    };
    // (what, DEPT, MEMB, GRUP, the section the error must name)
    type Case = (&'static str, Vec<u8>, Vec<u8>, Vec<u8>, &'static str);
    let cases: Vec<Case> = vec![
        ("a parent after its child", [dept(0), dept(3)].concat(), vec![], vec![], "DEPT"),
        ("a parent that is the department itself", [dept(0), dept(2)].concat(), vec![], vec![], "DEPT"),
        ("a membership past the departments", dept(0), member("a", 1), vec![], "MEMB"),
        ("accounts out of order", dept(0), [member("b", 0), member("a", 0)].concat(), vec![], "MEMB"),
        ("a repeated account", dept(0), [member("a", 0), member("a", 0)].concat(), vec![], "MEMB"),
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
        (
            "a name that is not UTF-8",
            record(&[T::U(1), T::Raw(vec![2, 0xe5, 0xbc]), T::U(0), T::U(1), T::B(0), T::U(0), T::U(0)]),
            vec![],
            vec![],
            "DEPT",
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
        let bytes =
            assemble(&[(*b"META", string("x")), (*b"DEPT", departments), (*b"MEMB", members), (*b"GRUP", groups)]);
        match Snapshot::open(bytes) {
            Err(e @ SnapshotError::Corrupt { section: s, .. }) if s == section => {
                assert!(message(&e).contains("record "), "{what}: {e}");
            }
            other => panic!("{what}: expected a {section} error, got {other:?}"),
        }
    }
}

// ---- a hostile writer: correct framing around arbitrary records -------------------------------

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

/// A snapshot file around `sections`, with a correct header, table, length and checksum.
fn assemble(sections: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
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

fn department_record(n: u64) -> impl Strategy<Value = Vec<u8>> {
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

fn member_record(n: u64) -> impl Strategy<Value = (String, Vec<u8>)> {
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

fn group_record(n: u64) -> impl Strategy<Value = Vec<u8>> {
    let items =
        (number(50), text(), list(number(n + 1).prop_map(|m| vec![T::U(m)]))).prop_map(|(id, name, members)| {
            let mut out = vec![T::U(id), name];
            out.extend(members);
            out
        });
    maybe_damaged(items)
}

/// Whole snapshots from a hostile (or buggy) writer: framing, header and checksum are right; the
/// records are either well typed and pointing at records that exist (so that most open, and the
/// accessors get to read nonsense such as a path label with leaders, repeated ids or wrong
/// headcounts), or plausible with a sprinkling of junk (so that every check gets its turn).
fn hostile_snapshot() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![consistent_snapshot(), sloppy_snapshot()]
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
        prop::collection::vec(name(), 8),
        prop::collection::vec((any::<Index>(), 0u32..4), 0..3),
        prop::collection::vec((name(), name()), 0..3),
    );
    let group = (0u32..4, name(), prop::collection::vec(any::<Index>(), 0..4));
    (
        prop::collection::vec(department, 0..7),
        prop::collection::vec(member, 0..9),
        prop::collection::vec(group, 0..3),
        name(),
    )
        .prop_map(|(departments, mut members, groups, corp)| {
            members.sort_by(|a, b| a.0.cmp(&b.0));
            members.dedup_by(|a, b| a.0 == b.0);
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
                .flat_map(|(userid, name, flags, mask, values, memberships, extattr)| {
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
            assemble(&[(*b"META", string(&corp)), (*b"DEPT", dept), (*b"MEMB", memb), (*b"GRUP", grup)])
        })
}

fn sloppy_snapshot() -> impl Strategy<Value = Vec<u8>> {
    (0u64..6, 0u64..8).prop_flat_map(|(departments, members)| {
        (
            prop::collection::vec(department_record(departments), departments as usize),
            prop::collection::vec(member_record(members), members as usize),
            prop::collection::vec(group_record(members), 0..3),
            any::<bool>(),
            prop::collection::vec(any::<u8>(), 0..6),
            any::<bool>(),
        )
            .prop_map(|(departments, mut members, groups, sort, extra_section, reorder)| {
                if sort {
                    // Mostly pass the order check, to get to what lies behind it.
                    members.sort_by(|a, b| a.0.cmp(&b.0));
                    members.dedup_by(|a, b| a.0 == b.0);
                }
                let mut sections = vec![
                    (*b"META", string("示例")),
                    (*b"DEPT", departments.concat()),
                    (*b"MEMB", members.into_iter().flat_map(|(_, r)| r).collect()),
                    (*b"GRUP", groups.concat()),
                    (*b"XTRA", extra_section),
                ];
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
        let contents = open_and_read(&good).unwrap();
        let mut bytes = good.clone();
        m.apply(&mut bytes, 0);
        match open_and_read(&bytes) {
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
        let contents = open_and_read(&good).unwrap();
        let mut bytes = good.clone();
        for m in &ms {
            m.apply(&mut bytes, 0);
        }
        match open_and_read(&bytes) {
            Ok(read) => prop_assert_eq!(read, contents),
            Err(e) => {
                message(&e);
                prop_assert!(bytes != good);
            }
        }
    }

    /// (c) Mutations behind the header with the length and checksum recomputed reach the
    /// structural checks: the answer is a Corrupt error, or a snapshot every accessor can read.
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
        match open_and_read(&bytes) {
            Ok(_) => {}
            Err(e) => {
                message(&e);
                if fix_length && bytes.len() >= HEADER_LEN {
                    prop_assert!(matches!(e, SnapshotError::Corrupt { .. }), "{:?}", e);
                }
            }
        }
    }

    /// (c) Mutations inside one section, framed anew: a Corrupt error that names the section, or
    /// a snapshot every accessor can read.
    #[test]
    fn mutations_inside_a_section_never_panic((good, bytes) in mutated_inside_a_section()) {
        match open_and_read(&bytes) {
            Ok(read) => {
                // The class key and etag are the assembler's, so compare the records only.
                if sections_of(&bytes) == sections_of(&good) {
                    let records = |dump: &str| dump.lines().skip(1).map(str::to_owned).collect::<Vec<_>>();
                    prop_assert_eq!(records(&read), records(&open_and_read(&good).unwrap()));
                }
            }
            Err(e) => {
                message(&e);
                prop_assert!(matches!(e, SnapshotError::Corrupt { section: "META" | "DEPT" | "MEMB" | "GRUP", .. }), "{:?}", e);
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
        if let Err(e) = open_and_read(&bytes) {
            message(&e);
            prop_assert!(matches!(e, SnapshotError::Corrupt { .. }), "{:?}", e);
        }
    }

    /// (c) A hostile writer's well-framed snapshots: never a panic, opening or reading.
    #[test]
    fn hostile_records_never_panic(bytes in hostile_snapshot()) {
        if let Err(e) = open_and_read(&bytes) {
            message(&e);
            prop_assert!(matches!(e, SnapshotError::Corrupt { .. }), "{:?}", e);
        }
    }

    /// (d) What a random valid directory's snapshot reads back is what the view says.
    #[test]
    fn snapshots_read_back_what_the_view_says(spec in directory_spec()) {
        let (dir, viewer) = spec.build();
        let view = Organisation::new(&dir).view(&viewer).unwrap();
        let built = snapshot::build(&dir, &view);
        let s = Snapshot::open(built.bytes.clone()).unwrap();
        read_everything(&s);

        prop_assert_eq!(s.as_bytes(), &built.bytes[..]);
        prop_assert_eq!(s.class_key(), &built.class_key[..]);
        prop_assert_eq!(s.directory_etag(), &view.directory_etag[..]);
        prop_assert_eq!(s.corp_name(), dir.corp_name.as_str());
        prop_assert_eq!(s.format_version(), FORMAT_VERSION);
        prop_assert_eq!(s.department_count(), view.departments.len());
        prop_assert_eq!(s.member_count(), view.members.len());
        prop_assert_eq!(s.group_count(), view.groups.len());

        let shows = |f: PolicyField| view.visible_fields.contains(&f);
        let userid_at = |p: usize| dir.userlist[view.members[p].member].userid.as_str();

        for (i, vd) in view.departments.iter().enumerate() {
            let d = &dir.department[vd.department];
            let r = s.department(i);
            prop_assert_eq!(r.id, d.id);
            prop_assert_eq!(r.name, d.name.as_str());
            prop_assert_eq!(r.parent, vd.parent);
            prop_assert_eq!(r.order, d.order);
            prop_assert_eq!(r.is_label, vd.role == DepartmentRole::PathLabel);
            prop_assert_eq!(r.headcount, vd.headcount);
            prop_assert_eq!(&r.leaders, &vd.leaders);
            if r.is_label {
                prop_assert!(r.leaders.is_empty());
            }
            let info = s.department_info(i);
            prop_assert_eq!(info.parentid, vd.parent.map(|p| dir.department[view.departments[p].department].id));
            prop_assert_eq!(info.leaders, vd.leaders.iter().map(|&p| userid_at(p)).collect::<Vec<_>>());
        }

        for (i, vm) in view.members.iter().enumerate() {
            let m = &dir.userlist[vm.member];
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
            prop_assert_eq!(s.find_member(&m.userid), Some(i));
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
        }

        for (i, vg) in view.groups.iter().enumerate() {
            let g = &dir.group[vg.group];
            let r = s.group(i);
            prop_assert_eq!(r.id, g.id);
            prop_assert_eq!(r.name, g.name.as_str());
            prop_assert_eq!(&r.members, &vg.members);
            prop_assert_eq!(s.group_info(i).members, vg.members.iter().map(|&p| userid_at(p)).collect::<Vec<_>>());
        }

        // Members the view leaves out are not found, and nobody is listed twice.
        for m in &dir.userlist {
            let visible = view.members.iter().any(|vm| dir.userlist[vm.member].userid == m.userid);
            prop_assert_eq!(s.find_member(&m.userid).is_some(), visible, "{}", m.userid);
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
        let opened = (0..300).filter(|_| open_and_read(&strategy(&mut runner)).is_ok()).count();
        opened as f64 / 300.0
    };
    let consistent = rate(&|r| consistent_snapshot().new_tree(r).unwrap().current());
    let sloppy = rate(&|r| sloppy_snapshot().new_tree(r).unwrap().current());
    let inside = rate(&|r| mutated_inside_a_section().new_tree(r).unwrap().current().1);
    eprintln!("opened: consistent {consistent:.2}, sloppy {sloppy:.2}, mutated inside a section {inside:.2}");
    assert!(consistent > 0.8, "consistent hostile snapshots open only {consistent:.2} of the time");
    assert!(sloppy < 0.5, "sloppy hostile snapshots open {sloppy:.2} of the time");
    assert!(inside > 0.05, "mutations inside a section open only {inside:.2} of the time");
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
    seeds.push(assemble(&[(*b"META", string("x")), (*b"DEPT", vec![]), (*b"MEMB", vec![]), (*b"GRUP", vec![])]));
    for target in ["open_snapshot", "open_snapshot_fixed_checksum"] {
        let dir = std::path::Path::new(&root).join(target);
        std::fs::create_dir_all(&dir).unwrap();
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i:03}.txl")), seed).unwrap();
        }
    }
    eprintln!("wrote {} seeds for each target under {}", seeds.len(), std::path::Path::new(&root).display());
}
