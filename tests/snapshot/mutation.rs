//! Mutations of valid snapshots — bits flipped, bytes set, cut, extended, spliced, parts copied —
//! the error one mutation must give where that can be told from the mutation alone, and the valid
//! snapshots they start from: the bases and snapshots of random valid directories.

use proptest::prelude::*;
use proptest::sample::Index;
use tongxunlu::snapshot::{self, SnapshotError};
use tongxunlu::visibility::Organisation;

use super::assemble::assemble;
use super::round_trip::directory_spec;
use super::*;

#[derive(Debug, Clone)]
pub(super) enum Mutation {
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

pub(super) fn mutation() -> impl Strategy<Value = Mutation> {
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
    pub(super) fn apply(&self, bytes: &mut Vec<u8>, floor: usize) {
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
pub(super) fn expected_error(good: &[u8], mutated: &[u8]) -> Option<SnapshotError> {
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
        let stored = u32::from_le_bytes(mutated[CHECKSUM_AT].try_into().unwrap());
        return Some(SnapshotError::ChecksumMismatch { stored, computed: checksum_of(mutated) });
    }
    None
}

/// A valid snapshot with mutations inside one of its sections, framed anew: header, table,
/// length and checksum all fit, so only the section's own checks stand in the way.
pub(super) fn mutated_inside_a_section() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    (good_snapshot(), any::<Index>(), prop::collection::vec(mutation(), 1..4)).prop_map(|(good, which, ms)| {
        let mut sections = sections_of(&good);
        let i = which.index(sections.len());
        for m in &ms {
            m.apply(&mut sections[i].1, 0);
        }
        (good, assemble(&sections))
    })
}

/// A snapshot of a random valid directory, for the mutation properties.
pub(super) fn random_base() -> impl Strategy<Value = Vec<u8>> {
    directory_spec().prop_map(|spec| {
        let (dir, viewer) = spec.build();
        let view = Organisation::new(&dir).view(&viewer).unwrap();
        snapshot::build(&dir, &view).bytes
    })
}

/// A valid snapshot: one of the fixed bases or a random one.
pub(super) fn good_snapshot() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => any::<Index>().prop_map(|i| bases()[i.index(bases().len())].bytes.clone()),
        2 => random_base(),
    ]
}
