//! The header's errors, the ones a person meets: empty input and other files, the magic alone,
//! another format version, trailing bytes, a checksum mismatch and a cut file, each with its
//! one-line message.

use tongxunlu::snapshot::{Snapshot, SnapshotError, FORMAT_VERSION, MAGIC};

use super::*;

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
        let expected = if version < FORMAT_VERSION {
            format!("snapshot format {version} is no longer read; rebuild it")
        } else {
            format!("snapshot format {version} is newer than this engine reads (format {FORMAT_VERSION}); update the engine")
        };
        assert_eq!(message(&e), expected);
    }
}

/// Format 6 shipped the name index, its postings and the A–Z order (`FST `, `POST`, `AZBR`),
/// which format 7 derives instead; format 8 moved a member's memberships to the front of its
/// record and stores an e-mail address at the snapshot's domain empty. A file of either older
/// format, whose header says so, is refused by number with the advice to rebuild it, whatever
/// sections it holds.
#[test]
fn a_format_6_or_7_snapshot_is_no_longer_read() {
    assert_eq!(FORMAT_VERSION, 8);
    let mut sections = sections_of(&base(0).bytes);
    sections.extend(SHIPPED_BEFORE_FORMAT_7.map(|tag| (tag, Vec::new())));
    for old in [6u16, 7] {
        for mut bytes in [base(0).bytes.clone(), super::assemble::assemble(&sections)] {
            Snapshot::open(bytes.clone()).unwrap();
            bytes[8..10].copy_from_slice(&old.to_le_bytes());
            let e = Snapshot::open(bytes).unwrap_err();
            assert_eq!(e, SnapshotError::UnsupportedVersion { found: old });
            assert_eq!(message(&e), format!("snapshot format {old} is no longer read; rebuild it"));
        }
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
    let stored = u32::from_le_bytes(good[CHECKSUM_AT].try_into().unwrap());
    let mut bytes = good.clone();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    let computed = checksum_of(&bytes);
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
