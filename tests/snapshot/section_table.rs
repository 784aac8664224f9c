//! The section table: every section, the search sections too, is required and named when
//! missing; empty sections open as an empty directory; and sections that overlap, repeat, leave
//! the file or end past 4 GiB are refused, in one line.

use tongxunlu::search::SearchOptions;
use tongxunlu::snapshot::{Snapshot, SnapshotError};

use super::assemble::*;
use super::*;

#[test]
fn missing_sections_are_named() {
    // No sections at all: a well-formed header, table and checksum, and nothing else.
    let bytes = assemble(&[]);
    let e = Snapshot::open(bytes).unwrap_err();
    assert_eq!(e, SnapshotError::Corrupt { section: "META", detail: "the section is missing".into() });
    assert_eq!(message(&e), "snapshot corrupted: META: the section is missing");
    // Each section missing from an otherwise complete (empty) snapshot, the search sections too.
    let all = empty_directory();
    assert_eq!(all.iter().map(|(t, _)| *t).collect::<Vec<_>>(), [META, DEPT, MEMB, GRUP, READ, CHAR, WORD]);
    assert_eq!(all.len(), SECTION_NAMES.len());
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
    let mut sections = complete(vec![(META, meta("空")), (DEPT, Vec::new()), (MEMB, Vec::new()), (GRUP, Vec::new())]);
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
        ("a repeated search tag", |b| b[T + 12 * 6..T + 12 * 6 + 4].copy_from_slice(b"READ")),
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
    for tag in [META, WORD, *b"XTRA"] {
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
/// and a tag holding a line break must not break the one-line error the CLI prints (docs/cli.md), nor
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
