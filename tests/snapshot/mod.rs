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
//! holds what they all use: the format's constants, two embedded fsts, reading a snapshot through
//! every accessor, and the valid base snapshots.
//!
//! One limit, documented at `check_index` in src/search/tables.rs: the opener checks only the
//! header and footer of the `FST ` section (walking millions of keys would cost more than the
//! rest of opening), and the fst crate assumes a well-formed index, so *searching* a snapshot
//! whose index was deliberately malformed behind a matching checksum may panic inside the fst
//! crate. Opening is tested on every input here; searching runs on every snapshot that opened
//! whose `FST ` section is a well-formed fst — one a builder wrote, or the two embedded below —
//! whatever a hostile writer put in every other section (see [`read_everything`]).
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
const AZBR: [u8; 4] = *b"AZBR";
const READ: [u8; 4] = *b"READ";
const CHAR: [u8; 4] = *b"CHAR";
const WORD: [u8; 4] = *b"WORD";
const FST: [u8; 4] = *b"FST ";
const POST: [u8; 4] = *b"POST";
const SEARCH_TAGS: [[u8; 4]; 6] = [AZBR, READ, CHAR, WORD, FST, POST];
/// Every section name an opening error may give (besides the header and section table).
const SECTION_NAMES: [&str; 10] = ["META", "DEPT", "MEMB", "GRUP", "AZBR", "READ", "CHAR", "WORD", "FST ", "POST"];
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
/// it reads out of the index. Families 6–10 (accounts, WeChat ids, e-mails, phones) were written
/// up to format 4; the engine now derives those lookups from the records and ignores such keys,
/// as it ignores any family it does not read. With `one(t) = t << 1 | 1` and
/// `list(offset) = offset << 1`:
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
            let contents = open_and_read(&bytes, &bytes).unwrap_or_else(|e| panic!("{what} does not open: {e}"));
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
