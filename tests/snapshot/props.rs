//! The properties (a)–(c): arbitrary bytes, mutated snapshots and hostile writers' snapshots give
//! an error that names the damage, or a snapshot every accessor reads — never a panic; and a check
//! that the generators get past the checks often enough to be worth their cases. Their proptest
//! regressions are in props.proptest-regressions.

use proptest::prelude::*;
use tongxunlu::search::{Field, SearchOptions};
use tongxunlu::snapshot::{Snapshot, SnapshotError, FORMAT_VERSION, MAGIC};

use super::hostile::*;
use super::mutation::*;
use super::*;

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
    /// The mutations reach every section, and a snapshot that opened is browsed and searched
    /// too: the name index and the A–Z bar it derives from mutated readings must not panic.
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

    /// (c) Mutations inside one section, framed anew: a Corrupt error that names a section, or a
    /// snapshot every accessor can read, browse and search.
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
        if let Err(e) = open_and_read(&bytes) {
            message(&e);
            prop_assert!(matches!(e, SnapshotError::Corrupt { .. }), "{:?}", e);
        }
    }

    /// (c) A hostile writer's well-framed snapshots: never a panic, opening, reading, browsing
    /// the A–Z bar or searching (the index and the bar are derived from the hostile readings).
    #[test]
    fn hostile_records_never_panic(bytes in hostile_snapshot()) {
        if let Err(e) = open_and_read(&bytes) {
            message(&e);
            prop_assert!(matches!(e, SnapshotError::Corrupt { .. }), "{:?}", e);
        }
    }
}

/// The generators ([`super::hostile`], [`super::mutation`]) are only worth their cases if much of
/// what they make gets past the checks to the accessors; this keeps them honest.
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
    // And the consistent ones get search results and letters out of the index and the A–Z bar
    // derived from their random readings, so that deriving them from nonsense is exercised.
    let mut runner = TestRunner::deterministic();
    let (mut searched, mut lettered) = (0, 0);
    for _ in 0..300 {
        let bytes = consistent_snapshot().new_tree(&mut runner).unwrap().current();
        let Ok(s) = Snapshot::open(bytes) else { continue };
        let names: Vec<String> = (0..s.member_count()).map(|m| s.member(m).name.to_owned()).collect();
        let queries = PROBE_QUERIES.iter().copied().chain(names.iter().map(String::as_str));
        // A hit on a name: the derived index's keys (accounts and phones are looked up elsewhere).
        if queries.into_iter().any(|q| s.search(q, &SearchOptions::default()).iter().any(|h| h.field == Field::Name)) {
            searched += 1;
        }
        if s.initials().iter().any(|i| i.letter != '#') {
            lettered += 1;
        }
    }
    eprintln!("consistent snapshots with hits on names: {searched}/300, with members under A–Z: {lettered}/300");
    assert!(searched > 100, "only {searched} of 300 consistent snapshots give any hit on a name");
    assert!(lettered > 75, "only {lettered} of 300 consistent snapshots file anyone under A–Z");
}
