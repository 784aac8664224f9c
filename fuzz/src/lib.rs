//! What the fuzz targets share: open the bytes and, if they open, read every record through
//! every accessor — after a successful open nothing may panic either; and apply the bytes as a
//! patch to a fixed base.

use std::sync::OnceLock;

use tongxunlu::fields::TextField;
use tongxunlu::sample::{generate, Preset, SampleSpec};
use tongxunlu::search::{ResultKind, SearchOptions};
use tongxunlu::snapshot::{self, delta, Snapshot};
use tongxunlu::visibility::Organisation;

/// Opens `bytes`; if they open, reads everything. Returns whether they opened.
pub fn open_and_read(bytes: &[u8]) -> bool {
    match Snapshot::open(bytes.to_vec()) {
        Ok(snapshot) => {
            read_everything(&snapshot);
            true
        }
        Err(e) => {
            // The message is what the CLI and JavaScript show: one line of printable text.
            let message = e.to_string();
            assert!(!message.is_empty() && !message.chars().any(char::is_control), "{e:?} displays as {message:?}");
            false
        }
    }
}

/// Calls every accessor on every record of an opened snapshot, browses its A–Z bar and searches
/// it: the name index and the A–Z order are derived from the sections the fuzzer wrote
/// (src/search/names.rs), so deriving them and searching them must not panic either.
pub fn read_everything(s: &Snapshot) {
    let stats = s.stats();
    assert_eq!(stats.members, s.member_count());
    assert_eq!(stats.departments + stats.labels, s.department_count());
    serde_json::to_string(&stats).unwrap();
    let _ = (s.corp_name(), s.class_key(), s.directory_etag(), s.format_version(), s.as_bytes().len());
    for i in 0..s.department_count() {
        let record = s.department(i);
        if let Some(parent) = record.parent {
            assert!(parent < i, "department {i}'s parent {parent} does not come before it");
        }
        serde_json::to_string(&record).unwrap();
        serde_json::to_string(&s.department_info(i)).unwrap();
    }
    // Whether or not every member record's texts decode (a record that does not reads up to
    // its fault in every accessor below), checking them must not panic either.
    let _ = s.check_member_texts();
    for i in 0..s.member_count() {
        let record = s.member(i);
        for field in TextField::ALL {
            let _ = record.text(field);
        }
        serde_json::to_string(&record).unwrap();
        serde_json::to_string(&s.member_info(i)).unwrap();
        // A READ record is checked where it is read: one that does not decode reads as no
        // syllables.
        let _ = s.member_syllables(i);
        // A lookup by account answers a member with that account: accounts may repeat in a
        // hostile file, and the lookup lands on one of them.
        if let Some(p) = s.find_member(record.userid) {
            assert_eq!(s.member(p).userid, record.userid, "find_member({:?})", record.userid);
        }
    }
    for i in 0..s.group_count() {
        serde_json::to_string(&s.group(i)).unwrap();
        serde_json::to_string(&s.group_info(i)).unwrap();
    }
    for probe in ["", "a", "zzzz", "\u{10ffff}"] {
        if let Some(i) = s.find_member(probe) {
            assert_eq!(s.member(i).userid, probe);
        }
    }
    let mut filed = 0;
    for initial in s.initials() {
        let members = s.by_initial(initial.letter, 0, usize::MAX);
        assert_eq!(members.len(), initial.count, "letter {}", initial.letter);
        assert!(members.iter().all(|&p| p < s.member_count()));
        filed += members.len();
    }
    assert_eq!(filed, s.member_count(), "the A–Z bar files every member once");
    for query in ["a", "zs", "张", "zhang san", "1", "138", "x@", "yi'er"] {
        for hit in s.search(query, &SearchOptions::default()) {
            let count = match hit.kind {
                ResultKind::Member => s.member_count(),
                ResultKind::Department => s.department_count(),
                ResultKind::Group => s.group_count(),
            };
            assert!(hit.position < count, "{query:?} found {:?} {} of {count}", hit.kind, hit.position);
        }
    }
}

/// Rewrites the length field (bytes 12..16) and the checksum (bytes 16..20, over bytes 20..) so
/// that the header checks pass and the input reaches the section and record checks. A valid
/// snapshot is left as it is.
pub fn fix_length_and_checksum(bytes: &mut [u8]) {
    if bytes.len() < 20 {
        return;
    }
    let len = bytes.len() as u32;
    bytes[12..16].copy_from_slice(&len.to_le_bytes());
    let checksum = xxhash_rust::xxh3::xxh3_64(&bytes[20..]) as u32;
    bytes[16..20].copy_from_slice(&checksum.to_le_bytes());
}

/// The base `apply_delta` applies every input to: the snapshot of a 30-member company sample
/// (seed 1) as `exec001` sees it. tests/snapshot/fuzz_seeds.rs makes the seed patches from the
/// same base, so the two must change together.
pub fn delta_base() -> &'static [u8] {
    static BASE: OnceLock<Vec<u8>> = OnceLock::new();
    BASE.get_or_init(|| {
        let directory = generate(&SampleSpec { members: 30, seed: 1, preset: Preset::Company });
        let view = Organisation::new(&directory).view("exec001").expect("the sample's executive signs in");
        snapshot::build(&directory, &view).bytes
    })
}

/// Applies `patch` to [`delta_base`]: an error whose message is one line of text, or bytes of
/// exactly the length the patch declares, within the limit, which `apply_checked` gives too
/// unless a digest differs. Returns whether it applied.
pub fn apply_patch(patch: &[u8]) -> bool {
    let base = delta_base();
    match delta::apply(base, patch) {
        Ok(made) => {
            let info = delta::info(patch).expect("a patch that applies reads");
            assert_eq!(made.len() as u64, info.result_len);
            assert_eq!(info.copied + info.inserted, info.result_len);
            assert!(info.result_len <= delta::result_limit(base.len() as u64, patch.len() as u64));
            match delta::apply_checked(base, patch) {
                Ok(checked) => assert_eq!(checked, made),
                Err(e) => assert!(
                    matches!(e, delta::DeltaError::BaseDigest { .. } | delta::DeltaError::ResultDigest { .. }),
                    "{e}"
                ),
            }
            true
        }
        Err(e) => {
            let message = e.to_string();
            assert!(!message.is_empty() && !message.chars().any(char::is_control), "{e:?} displays as {message:?}");
            assert!(delta::info(patch).is_err() || matches!(e, delta::DeltaError::BaseLength { .. }), "{e}");
            false
        }
    }
}
