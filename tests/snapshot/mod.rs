//! Opening a snapshot never panics and never hangs, whatever the bytes (docs/snapshot.md), and what opens
//! reads back exactly what the view let through.
//!
//! - Named tests for the errors a person meets: empty input, the magic alone, another version,
//!   trailing bytes, a checksum mismatch, a cut file ([`header`]); and for every section, the
//!   record and search sections alike, being missing or breaking its own rules
//!   ([`section_table`], [`records`], [`search_sections`]).
//! - (a) arbitrary bytes give an error, never a panic ([`props`]);
//! - (b) a valid snapshot, mutated (bits flipped, cut, extended, spliced), gives the error that
//!   names the damage, or — when the mutation changed nothing — the same contents ([`props`]);
//! - (c) the same with the checksum (and the length) recomputed after the mutation, and snapshots
//!   a hostile writer framed correctly around random records and search sections, so that the
//!   structural checks behind the checksum are what is tested: opening never panics, and every
//!   accessor of a snapshot that opened works for every record ([`props`]);
//! - (d) round trip: a random valid directory and viewer, built, opened and read back, equal what
//!   the view says, and every member is found by account and by name ([`round_trip`]).
//! - Updates by difference: a patch between two builds makes the new one exactly, and a
//!   damaged or hostile patch is a clean error ([`delta`]).
//!
//! The snapshots these start from: files written by hand ([`assemble`]), a hostile writer's
//! ([`hostile`]), mutations of valid ones ([`mutation`]), and random valid directories
//! ([`round_trip`]); [`fuzz_seeds`] writes the fuzz targets' seed corpus from them. This file
//! holds what they all use: the format's constants, reading a snapshot through every accessor,
//! and the valid base snapshots.
//!
//! Since format 7 no index is read from the file: the name index and the A–Z bar's order are
//! derived by the engine from the `READ` and `WORD` sections and the records, all checked when
//! opening or where they are read (src/search/names.rs). So there is no well-formed-index limit
//! any more: every snapshot that opens, whatever a hostile writer or a mutation put in it, is
//! searched and browsed here too (see [`read_everything`]), and must never panic doing so.
//!
//! Signed files ([`signature`]): the signature block and its Ed25519 signature, verified against
//! RFC vectors and openssl, and what the opener does with a block, whole or damaged.
//!
//! The cargo-fuzz targets in `fuzz/` drive the same two entry points for longer.

mod assemble;
mod delta;
mod fuzz_seeds;
mod header;
mod hostile;
mod mutation;
mod props;
mod records;
mod round_trip;
mod search_sections;
mod section_table;
mod signature;

use std::fmt::Write as _;
use std::sync::OnceLock;

use serde_json::json;
use tongxunlu::fields::TextField;
use tongxunlu::model::Directory;
use tongxunlu::search::{ResultKind, SearchOptions};
use tongxunlu::snapshot::{self, Snapshot, SnapshotError};
use tongxunlu::visibility::Organisation;

/// The header is this long; a file shorter than that cannot say how long it should be.
const HEADER_LEN: usize = 44;
/// Bytes 16..20 hold the checksum of everything from byte 20 on: the low 32 bits of its XXH3-64.
const CHECKSUM_AT: std::ops::Range<usize> = 16..20;
const LENGTH_AT: std::ops::Range<usize> = 12..16;

/// The tags of the record sections and of the search sections, in the order the builder writes
/// them.
const META: [u8; 4] = *b"META";
const DEPT: [u8; 4] = *b"DEPT";
const MEMB: [u8; 4] = *b"MEMB";
const GRUP: [u8; 4] = *b"GRUP";
const READ: [u8; 4] = *b"READ";
const CHAR: [u8; 4] = *b"CHAR";
const WORD: [u8; 4] = *b"WORD";
const SEARCH_TAGS: [[u8; 4]; 3] = [READ, CHAR, WORD];
/// Every section name an opening error may give (besides the header and section table).
const SECTION_NAMES: [&str; 7] = ["META", "DEPT", "MEMB", "GRUP", "READ", "CHAR", "WORD"];
/// The sections format 6 and earlier shipped and the engine no longer reads: the A–Z bar's
/// order, the name index (an fst) and its postings lists. A file that still holds them opens;
/// they are skipped like any tag the engine does not know.
const SHIPPED_BEFORE_FORMAT_7: [[u8; 4]; 3] = [*b"AZBR", *b"FST ", *b"POST"];
/// The letters of the A–Z bar: A–Z, then `#`.
const BAR_LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ#";

// ---- helpers ----------------------------------------------------------------------------------

fn checksum_of(bytes: &[u8]) -> u32 {
    xxhash_rust::xxh3::xxh3_64(&bytes[20..]) as u32
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
    let checksum = checksum_of(bytes);
    bytes[CHECKSUM_AT].copy_from_slice(&checksum.to_le_bytes());
}

/// Queries every search gets besides the names and accounts of the snapshot's own members: names
/// by characters, by pinyin, by initials and mixed, aliases, phones, e-mails, departments and
/// groups — one at least for each kind of key the derived index holds, and then some.
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
/// Browses the A–Z bar, checking that it files every member exactly once (whatever the names'
/// readings: the bar is derived from them). With `search`, also searches for the names and
/// accounts of the first members and for [`PROBE_QUERIES`], checking that every hit is a record
/// that exists.
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
        // A lookup by account answers a member with that account: the records are its only source.
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
    // The A–Z bar: the letters in bar order, each with members, their counts what browsing the
    // letter lists, and every member filed under exactly one letter, once.
    let initials = s.initials();
    let letters: Vec<char> = initials.iter().map(|i| i.letter).collect();
    assert!(letters.windows(2).all(|w| BAR_LETTERS.find(w[0]) < BAR_LETTERS.find(w[1])), "{initials:?}");
    let mut filed = vec![0usize; s.member_count()];
    for initial in &initials {
        assert!(BAR_LETTERS.contains(initial.letter) && initial.count > 0, "{initials:?}");
        let all = s.by_initial(initial.letter, 0, usize::MAX);
        assert_eq!(all.len(), initial.count, "{initial:?}");
        assert_eq!(s.by_initial(initial.letter.to_ascii_lowercase(), 0, usize::MAX), all, "{initial:?}");
        // Paging takes slices of the same list.
        assert_eq!(s.by_initial(initial.letter, 1, 2), all.iter().skip(1).take(2).copied().collect::<Vec<_>>());
        assert!(s.by_initial(initial.letter, usize::MAX, usize::MAX).is_empty(), "{initial:?}");
        for &p in &all {
            assert!(p < s.member_count(), "{initial:?}: a position past the members: {p}");
            filed[p] += 1;
        }
        writeln!(out, "A{} {all:?}", initial.letter).unwrap();
    }
    assert!(filed.iter().all(|&n| n == 1), "members filed other than once on the A–Z bar: {filed:?}");
    for letter in BAR_LETTERS.chars().filter(|l| !letters.contains(l)).chain(['?', '张', '\0']) {
        assert!(s.by_initial(letter, 0, usize::MAX).is_empty(), "{letter:?}");
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

/// Opens `bytes`; if they open, reads, browses and searches everything (which must not panic
/// either).
fn open_and_read(bytes: &[u8]) -> Result<String, SnapshotError> {
    let snapshot = Snapshot::open(bytes.to_vec())?;
    Ok(read_everything(&snapshot, true))
}

/// The message of an error, which must never be empty and never span lines (the CLI prints it
/// as its one-line error).
fn message(e: &SnapshotError) -> String {
    let m = e.to_string();
    assert!(!m.is_empty(), "{e:?} displays as nothing");
    assert!(!m.chars().any(char::is_control), "{e:?} displays as {m:?}");
    m
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
        let company = crate::util::company();
        add("company/ceo".into(), &company, "ceo");
        add("company/pack1".into(), &company, "pack1");
        let school = crate::util::school();
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

fn base(i: usize) -> &'static Base {
    &bases()[i]
}
