//! Updates by difference (docs/snapshot.md#differences): a patch made by `delta::diff` turns its
//! base into exactly its result — for snapshots of a directory before and after members join,
//! leave, move and change, and for arbitrary byte strings — and every damaged, cut, hostile or
//! misdirected patch is a clean `DeltaError`, never a panic, a huge allocation or the wrong bytes.
//!
//! The hostile patches are written here by hand from the layout in the docs, with a writer of
//! their own (`Patch`), so that the reader is tested against the documentation rather than
//! against its own writer. Their proptest regressions are in delta.proptest-regressions.

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use sha2::{Digest, Sha256};
use tongxunlu::model::Directory;
use tongxunlu::sample::{generate, Preset, SampleSpec};
use tongxunlu::snapshot::delta::{
    self, apply, apply_checked, diff, result_limit, Damage, DeltaError, PATCH_MAGIC, PATCH_VERSION,
};
use tongxunlu::snapshot::{self as snap};
use tongxunlu::visibility::Organisation;

/// The header's fixed part: magic and version, then two digests (the lengths are varints).
const MAGIC_LEN: usize = 8;

/// Applies `patch` both ways and checks that it makes `result`, and that what it says of itself
/// adds up.
fn assert_makes(base: &[u8], patch: &[u8], result: &[u8]) {
    let made = apply(base, patch).unwrap_or_else(|e| panic!("{e}"));
    assert!(made == result, "the patch made {} bytes that are not the result's {}", made.len(), result.len());
    assert_eq!(apply_checked(base, patch).unwrap(), made);
    let info = delta::info(patch).unwrap();
    assert_eq!(info.base_len, base.len() as u64);
    assert_eq!(info.result_len, result.len() as u64);
    assert_eq!(info.copied + info.inserted, result.len() as u64);
    assert_eq!(info.base_sha256, <[u8; 32]>::from(Sha256::digest(base)));
    assert_eq!(info.result_sha256, <[u8; 32]>::from(Sha256::digest(result)));
    assert!(result.len() as u64 <= result_limit(base.len() as u64, patch.len() as u64));
}

/// Diffs, checks the patch makes the result, returns it.
fn round_trip(base: &[u8], result: &[u8]) -> Vec<u8> {
    let patch = diff(base, result);
    assert_makes(base, &patch, result);
    assert_eq!(diff(base, result), patch, "the same inputs gave another patch");
    patch
}

/// The message of an error: one line, not empty (the CLI prints it as its one-line error).
fn message(e: &DeltaError) -> String {
    let m = e.to_string();
    assert!(!m.is_empty() && !m.contains('\n'), "{e:?} displays as {m:?}");
    m
}

/// `len` bytes that do not compress and do not repeat (a xorshift stream from `seed`).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

// ---- snapshots of a directory before and after a change ---------------------------------------

/// The viewer whose snapshots are compared: the sample's executive, who sees everyone.
const VIEWER: &str = "exec001";
const POSITIONS: [&str; 4] = ["客户经理", "高级工程师", "仓库主管", "实习生"];

/// What happens to a directory between two versions; `Index`es pick the member or department.
#[derive(Debug, Clone)]
enum Edit {
    /// A copy of a member joins, with a new account, mobile and e-mail.
    Join(Index),
    /// A member leaves (the viewer stays).
    Leave(Index),
    /// A member's first department becomes another.
    Move(Index, Index),
    /// A member gets a new mobile.
    Mobile(Index),
    /// A member gets another position.
    Position(Index, Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<Index>().prop_map(Edit::Join),
        any::<Index>().prop_map(Edit::Leave),
        (any::<Index>(), any::<Index>()).prop_map(|(m, d)| Edit::Move(m, d)),
        any::<Index>().prop_map(Edit::Mobile),
        (any::<Index>(), any::<Index>()).prop_map(|(m, p)| Edit::Position(m, p)),
    ]
}

/// A 150-member company sample, built once.
fn sample() -> &'static (Directory, Vec<u8>) {
    static SAMPLE: OnceLock<(Directory, Vec<u8>)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = generate(&SampleSpec { members: 150, seed: 5, preset: Preset::Company });
        let bytes = build(&dir);
        (dir, bytes)
    })
}

fn build(dir: &Directory) -> Vec<u8> {
    let view = Organisation::new(dir).view(VIEWER).unwrap_or_else(|e| panic!("{e}"));
    snap::build(dir, &view).bytes
}

/// `dir` after `edits`, each applied as the directory file's rules allow (unique accounts,
/// mobiles and e-mails; a member who leaves is dropped from every list that names them).
fn edited(dir: &Directory, edits: &[Edit]) -> Directory {
    let mut dir = dir.clone();
    for (n, edit) in edits.iter().enumerate() {
        let count = dir.userlist.len();
        match edit {
            Edit::Join(m) => {
                let mut member = dir.userlist[m.index(count)].clone();
                member.userid = format!("joined{n}");
                member.mobile = Some(format!("1990000{n:04}"));
                member.email = Some(format!("joined{n}@example.com"));
                member.pinned = false;
                dir.userlist.push(member);
            }
            Edit::Leave(m) => {
                let gone = dir.userlist[m.index(count)].userid.clone();
                if gone == VIEWER {
                    continue;
                }
                dir.userlist.retain(|member| member.userid != gone);
                let keep = |list: &mut Vec<String>| list.retain(|account| *account != gone);
                for department in &mut dir.department {
                    keep(&mut department.department_leader);
                    department.visible_to.iter_mut().for_each(|v| keep(&mut v.userid));
                }
                for member in &mut dir.userlist {
                    member.visible_to.iter_mut().for_each(|v| keep(&mut v.userid));
                }
                for group in &mut dir.group {
                    keep(&mut group.userid);
                }
            }
            Edit::Move(m, d) => {
                let to = dir.department[d.index(dir.department.len())].id;
                let member = &mut dir.userlist[m.index(count)];
                if !member.department.contains(&to) {
                    member.department[0] = to;
                }
            }
            Edit::Mobile(m) => dir.userlist[m.index(count)].mobile = Some(format!("1980000{n:04}")),
            Edit::Position(m, p) => {
                dir.userlist[m.index(count)].position = Some(POSITIONS[p.index(POSITIONS.len())].to_owned())
            }
        }
    }
    dir.validate().unwrap_or_else(|e| panic!("the edits made an invalid directory: {e}"));
    dir
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The page ends with exactly the bytes a fresh build of the edited directory gives.
    #[test]
    fn a_patch_between_two_builds_makes_the_new_build(edits in prop::collection::vec(edit(), 1..12)) {
        let (dir, old) = sample();
        let new = build(&edited(dir, &edits));
        let patch = round_trip(old, &new);
        // A page holding the new snapshot already gets a patch of nothing but a copy.
        let unchanged = round_trip(&new, &new);
        prop_assert!(unchanged.len() < 100, "{} bytes to say nothing changed", unchanged.len());
        prop_assert!(snap::Snapshot::open(apply(old, &patch).unwrap()).is_ok());
    }
}

#[test]
fn patches_between_snapshots_of_different_viewers_and_kinds_apply_too() {
    let school = generate(&SampleSpec { members: 80, seed: 2, preset: Preset::School });
    let view = Organisation::new(&school).view("teacher001").unwrap();
    let teacher = snap::build(&school, &view).bytes;
    let (_, exec) = sample();
    round_trip(exec, &teacher);
    round_trip(&teacher, exec);
}

// ---- arbitrary byte strings -------------------------------------------------------------------

/// A change to a byte string: at a place chosen by the `Index`, bytes inserted, removed or
/// replaced.
#[derive(Debug, Clone)]
enum Change {
    Insert(Index, Vec<u8>),
    Remove(Index, usize),
    Replace(Index, Vec<u8>),
}

fn change() -> impl Strategy<Value = Change> {
    let bytes = prop::collection::vec(any::<u8>(), 1..40);
    prop_oneof![
        (any::<Index>(), bytes.clone()).prop_map(|(i, b)| Change::Insert(i, b)),
        (any::<Index>(), 1usize..200).prop_map(|(i, n)| Change::Remove(i, n)),
        (any::<Index>(), bytes).prop_map(|(i, b)| Change::Replace(i, b)),
    ]
}

fn changed(base: &[u8], changes: &[Change]) -> Vec<u8> {
    let mut out = base.to_vec();
    for change in changes {
        let at = |i: &Index, len: usize| i.index(len + 1);
        match change {
            Change::Insert(i, bytes) => {
                let at = at(i, out.len());
                out.splice(at..at, bytes.iter().copied());
            }
            Change::Remove(i, n) => {
                let at = at(i, out.len());
                out.drain(at..(at + n).min(out.len()));
            }
            Change::Replace(i, bytes) => {
                let at = at(i, out.len());
                let end = (at + bytes.len()).min(out.len());
                out.splice(at..end, bytes.iter().copied());
            }
        }
    }
    out
}

/// A base with the structure of real files: runs of noise, of one repeated byte, and of a short
/// repeated pattern, so that blocks repeat and matches can be found in several places.
fn base() -> impl Strategy<Value = Vec<u8>> {
    let part = prop_oneof![
        (1usize..3000, any::<u64>()).prop_map(|(n, seed)| noise(n, seed)),
        (1usize..500, any::<u8>()).prop_map(|(n, b)| vec![b; n]),
        (1usize..600, prop::collection::vec(any::<u8>(), 1..9)).prop_map(|(n, p)| p.repeat(n)),
    ];
    prop::collection::vec(part, 0..6).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any two byte strings, unrelated: the patch makes the result.
    #[test]
    fn any_two_byte_strings(base in prop::collection::vec(any::<u8>(), 0..3000), result in prop::collection::vec(any::<u8>(), 0..3000)) {
        round_trip(&base, &result);
    }

    /// A result made from its base by insertions, removals and replacements anywhere — the
    /// start, the middle, the end — and a result repeating pieces of the base.
    #[test]
    fn a_base_and_its_edits(base in base(), changes in prop::collection::vec(change(), 0..8)) {
        let result = changed(&base, &changes);
        round_trip(&base, &result);
        round_trip(&result, &base);
        let twice = [&result[..], &base[..], &base[..]].concat();
        round_trip(&base, &twice);
    }

    /// A byte flipped anywhere in a patch: an error, or — where `apply` cannot tell (a digest)
    /// — the same bytes; `apply_checked` gives the result or an error, never other bytes.
    #[test]
    fn a_flipped_byte_is_an_error_or_harmless(base in base(), changes in prop::collection::vec(change(), 1..4), at in any::<Index>(), mask in 1u8..=255) {
        let result = changed(&base, &changes);
        let mut patch = diff(&base, &result);
        let at = at.index(patch.len());
        patch[at] ^= mask;
        match apply(&base, &patch) {
            Ok(made) => {
                // A digest is not apply's to check; a flipped literal byte makes another byte.
                if digests(&base, &result).iter().any(|d| d.contains(&at)) {
                    prop_assert!(made == result, "byte {} of a digest flipped made other bytes", at);
                }
            }
            Err(e) => { message(&e); }
        }
        match apply_checked(&base, &patch) {
            Ok(made) => prop_assert!(made == result),
            Err(e) => { message(&e); }
        }
    }

    /// Arbitrary bytes after a valid header, and arbitrary bytes as a whole: errors, never a panic.
    #[test]
    fn arbitrary_bytes_are_refused_or_make_something_small(
        base in prop::collection::vec(any::<u8>(), 0..200),
        ops in prop::collection::vec(any::<u8>(), 0..400),
        result_len in prop_oneof![0u64..1000, any::<u64>()],
    ) {
        let mut patch = Patch::new(&base, result_len);
        patch.bytes.extend_from_slice(&ops);
        match apply(&base, &patch.bytes) {
            Ok(made) => prop_assert_eq!(made.len() as u64, result_len),
            Err(e) => { message(&e); }
        }
        if let Err(e) = apply(&base, &ops) {
            message(&e);
        }
    }
}

#[test]
fn empty_and_identical_inputs() {
    for (base, result) in [(&b""[..], &b""[..]), (b"", b"abc"), (b"abc", b""), (b"abc", b"abc")] {
        round_trip(base, result);
    }
    let big = noise(1 << 20, 1);
    let same = round_trip(&big, &big);
    assert!(same.len() < 100, "an unchanged megabyte took {} bytes", same.len());
    let empty = round_trip(&big, b"");
    assert!(empty.len() < 100);
    // Nothing to copy from: the result is given literally, with a few bytes of framing.
    let fresh = round_trip(b"", &big);
    assert!(fresh.len() < big.len() + 100);
}

#[test]
fn a_result_that_repeats_the_base_more_than_a_patch_may_declare_is_given_literally() {
    let base = noise(10_000, 8);
    // Twice the base and a little: copies, within the limit.
    let twice = [&base[..], &base[..], b"and a bit"].concat();
    let patch = round_trip(&base, &twice);
    assert!(patch.len() < 200, "{} bytes", patch.len());
    // Five times: a patch of copies would declare more than twice the base and itself, so the
    // result comes literally, and the patch is longer than it.
    let five = base.repeat(5);
    let patch = round_trip(&base, &five);
    let info = delta::info(&patch).unwrap();
    assert_eq!((info.copies, info.inserted), (0, five.len() as u64));
}

#[test]
fn one_changed_byte_costs_a_few_bytes_wherever_it_is() {
    let base = noise(1 << 20, 2);
    for at in [0, 1, 31, 32, 1000, base.len() / 2, base.len() - 33, base.len() - 1] {
        let mut result = base.clone();
        result[at] ^= 0x5a;
        let patch = round_trip(&base, &result);
        // The header, and at most two copies around a short literal.
        assert!(patch.len() < 90 + 80, "byte {at}: {} bytes", patch.len());
    }
}

#[test]
fn insertions_and_removals_at_the_start_middle_and_end_shift_nothing_else() {
    let base = noise(200_000, 3);
    let extra = noise(100, 4);
    for at in [0, 77_777, base.len()] {
        let inserted = [&base[..at], &extra[..], &base[at..]].concat();
        let patch = round_trip(&base, &inserted);
        assert!(patch.len() < 80 + extra.len() + 40, "insert at {at}: {} bytes", patch.len());
        let removed = [&base[..at.saturating_sub(100)], &base[at..]].concat();
        let patch = round_trip(&base, &removed);
        assert!(patch.len() < 80 + 40, "remove before {at}: {} bytes", patch.len());
    }
}

/// The section `tag` of a snapshot.
fn section(bytes: &[u8], tag: &[u8; 4]) -> Vec<u8> {
    let snapshot = snap::Snapshot::open(bytes.to_vec()).unwrap_or_else(|e| panic!("{e}"));
    let found = snapshot.sections().into_iter().find(|(t, _)| t == tag).map(|(_, bytes)| bytes.to_vec());
    found.unwrap_or_else(|| panic!("no {} section", String::from_utf8_lossy(tag)))
}

/// Reading numbers do not follow the members' ranking: pinning people (or moving them, or
/// changing their sort numbers) reorders the members but must leave the words and their
/// numbers as they were, or every readings record after them would change.
#[test]
fn reordering_members_renumbers_no_reading() {
    let (dir, old) = sample();
    let mut pinned = dir.clone();
    for member in pinned.userlist.iter_mut().rev().filter(|m| !m.pinned && m.userid != VIEWER).take(8) {
        member.pinned = true;
    }
    let new = build(&pinned);
    assert_ne!(section(old, b"MEMB"), section(&new, b"MEMB"), "pinning reorders the members");
    assert!(section(old, b"WORD") == section(&new, b"WORD"), "pinning eight members renumbered the readings");
}

/// The mechanism is efficient when changes are local: 1% of a megabyte changed in a hundred
/// places costs about that much of patch, far under the 5% the product allows a 1% change.
#[test]
fn local_changes_of_one_percent_cost_about_one_percent() {
    let base = noise(1 << 20, 5);
    let mut result = Vec::with_capacity(base.len());
    let piece = base.len() / 100;
    for (i, chunk) in base.chunks(piece).enumerate() {
        // Each piece gets about 1% of its bytes replaced, inserted or removed.
        let n = piece / 100;
        match i % 3 {
            0 => result.extend_from_slice(
                &[&chunk[..50], &noise(n, i as u64)[..], &chunk[50 + n.min(chunk.len() - 50)..]].concat(),
            ),
            1 => result.extend_from_slice(&[&chunk[..50], &noise(n, i as u64)[..], &chunk[50..]].concat()),
            _ => result.extend_from_slice(&[&chunk[..50], &chunk[(50 + n).min(chunk.len())..]].concat()),
        }
    }
    let patch = round_trip(&base, &result);
    let share = patch.len() as f64 / result.len() as f64;
    assert!(share < 0.015, "1% changed in 100 places: a patch of {:.2}% of the result", 100.0 * share);
}

// ---- hostile patches --------------------------------------------------------------------------

/// A patch written by hand, from the layout in the docs.
struct Patch {
    bytes: Vec<u8>,
}

impl Patch {
    /// The header for `base` and a result of `result_len` bytes (whose digest is of nothing).
    fn new(base: &[u8], result_len: u64) -> Patch {
        Patch::declaring(base.len() as u64, &Sha256::digest(base), result_len)
    }

    /// A header that declares a base of `base_len` bytes with digest `base_digest`.
    fn declaring(base_len: u64, base_digest: &[u8], result_len: u64) -> Patch {
        let mut patch = Patch { bytes: PATCH_MAGIC.to_vec() };
        patch.bytes.push(PATCH_VERSION);
        patch.uint(base_len);
        patch.bytes.extend_from_slice(base_digest);
        patch.uint(result_len);
        patch.bytes.extend_from_slice(&Sha256::digest(b""));
        patch
    }

    fn uint(&mut self, mut value: u64) -> &mut Patch {
        while value >= 0x80 {
            self.bytes.push(value as u8 | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
        self
    }

    /// Copy `len` bytes from `offset` bytes after the end of the last copy.
    fn copy(&mut self, offset: i64, len: u64) -> &mut Patch {
        self.uint(len << 1).uint(((offset << 1) ^ (offset >> 63)) as u64)
    }

    fn insert(&mut self, bytes: &[u8]) -> &mut Patch {
        self.uint(((bytes.len() as u64) << 1) | 1);
        self.bytes.extend_from_slice(bytes);
        self
    }

    fn end(&mut self) -> Vec<u8> {
        self.uint(0);
        self.bytes.clone()
    }
}

fn corrupt_at(base: &[u8], patch: &[u8]) -> (usize, Damage) {
    match apply(base, patch) {
        Err(e @ DeltaError::Corrupt { at, what }) => {
            message(&e);
            assert!(at <= patch.len(), "{e}: past the patch's {} bytes", patch.len());
            (at, what)
        }
        other => panic!("expected a corrupt patch, got {other:?}"),
    }
}

#[test]
fn a_hand_written_patch_applies() {
    let base = b"0123456789abcdefghij";
    // "abc", then "XY", then "0123", then "ghij" (6 past the end of "0123"), then "01" again.
    let patch = Patch::new(base, 15).copy(10, 3).insert(b"XY").copy(-13, 4).copy(12, 4).copy(-20, 2).end();
    assert_eq!(apply(base, &patch).unwrap(), b"abcXY0123ghij01");
    let info = delta::info(&patch).unwrap();
    assert_eq!((info.copies, info.insertions, info.copied, info.inserted), (4, 1, 13, 2));
}

#[test]
fn every_truncation_of_a_patch_is_refused() {
    let base = noise(5000, 6);
    let result = [&base[..2500], b"changed", &base[2507..]].concat();
    let patch = round_trip(&base, &result);
    for len in 0..patch.len() {
        let cut = &patch[..len];
        let e = apply(&base, cut).unwrap_err();
        message(&e);
        if len >= MAGIC_LEN {
            assert!(
                matches!(e, DeltaError::Corrupt { what: Damage::EndsEarly | Damage::ResultShort, .. }),
                "{len}: {e}"
            );
        }
        assert!(delta::info(cut).is_err());
    }
}

#[test]
fn a_patch_that_claims_a_huge_result_is_refused_before_anything_is_allocated() {
    // 4 GB from nothing, in a patch of a few dozen bytes.
    let patch = Patch::new(b"", 1 << 32).end();
    let (at, what) = corrupt_at(b"", &patch);
    assert_eq!(at, MAGIC_LEN + 1 + 32);
    assert_eq!(what, Damage::ResultTooLarge { declared: 1 << 32, limit: 2 * patch.len() as u64 });
    // Copies that would make it, each a few bytes, refused the same way: a result may not be
    // more than twice the base and patch together.
    let base = vec![7u8; 1000];
    let mut patch = Patch::new(&base, 100_000);
    for n in 0..100 {
        patch.copy(if n == 0 { 0 } else { -1000 }, 1000);
    }
    let patch = patch.end();
    assert!(matches!(corrupt_at(&base, &patch).1, Damage::ResultTooLarge { declared: 100_000, .. }));
    // A varint longer than 64 bits.
    let mut patch = Patch::new(b"", 0);
    patch.bytes.truncate(patch.bytes.len() - 33);
    patch.bytes.extend_from_slice(&[0xff; 10]);
    patch.bytes.push(0x7f);
    assert_eq!(corrupt_at(b"", &patch.bytes).1, Damage::NumberTooLong);
    // The largest length that is not refused for its size must still be made by the operations
    // (both lengths below take two bytes, so the patches are as long).
    let limit = result_limit(base.len() as u64, Patch::new(&base, 2000).end().len() as u64);
    assert_eq!(corrupt_at(&base, &Patch::new(&base, limit).end()).1, Damage::ResultShort);
    assert!(matches!(corrupt_at(&base, &Patch::new(&base, limit + 1).end()).1, Damage::ResultTooLarge { .. }));
}

#[test]
fn a_header_that_declares_an_enormous_base_cannot_make_the_sums_overflow() {
    // What `info` checks without a base: copies within the declared length, whose lengths add
    // up past 64 bits.
    for (base_len, result_len, copy) in [(1u64 << 62, 1u64 << 63, 1u64 << 62), (u64::MAX, u64::MAX, 1 << 62)] {
        let mut patch = Patch::declaring(base_len, &[0; 32], result_len);
        patch.copy(0, copy);
        for _ in 0..4 {
            patch.copy(-(copy as i64), copy);
        }
        let patch = patch.end();
        let e = delta::info(&patch).unwrap_err();
        assert!(matches!(e, DeltaError::Corrupt { what: Damage::ResultOverrun, .. }), "{e}");
        assert!(matches!(apply(b"small", &patch), Err(DeltaError::BaseLength { .. })));
    }
}

#[test]
fn copies_outside_the_base_are_refused() {
    let base = b"0123456789";
    for (offset, len) in [(0, 11), (5, 6), (10, 1), (-1, 1), (i64::MIN, 1), (i64::MAX, 1), (0, u64::MAX >> 1)] {
        let patch = Patch::new(base, len.min(20)).copy(offset, len).end();
        let (at, what) = corrupt_at(base, &patch);
        assert_eq!(what, Damage::CopyOutsideBase, "copy {len} from {offset}");
        assert_eq!(at, Patch::new(base, len.min(20)).bytes.len());
    }
    // The offset is from the end of the previous copy, so a second copy can run off the end.
    let patch = Patch::new(base, 8).copy(4, 4).copy(2, 4).end();
    assert_eq!(corrupt_at(base, &patch).1, Damage::CopyOutsideBase);
}

#[test]
fn operations_that_do_not_make_the_declared_length_are_refused() {
    let base = b"0123456789";
    let over = Patch::new(base, 5).copy(0, 4).insert(b"ab").end();
    assert_eq!(corrupt_at(base, &over).1, Damage::ResultOverrun);
    let short = Patch::new(base, 5).copy(0, 4).end();
    assert_eq!(corrupt_at(base, &short), (short.len() - 1, Damage::ResultShort));
    let empty_insert = Patch::new(base, 0).uint(1).end();
    assert_eq!(corrupt_at(base, &empty_insert).1, Damage::EmptyInsertion);
    let mut after = Patch::new(base, 4).copy(0, 4).end();
    after.push(0);
    assert_eq!(corrupt_at(base, &after), (after.len() - 1, Damage::BytesAfterEnd));
    // An insertion longer than what is left of the patch.
    let big = vec![0; 1 << 20];
    let long = Patch::new(&big, 1 << 20).uint(((1 << 20) << 1) | 1).end();
    assert_eq!(corrupt_at(&big, &long).1, Damage::EndsEarly);
}

#[test]
fn a_patch_for_another_base_says_so() {
    let base = noise(10_000, 7);
    let result = [&base[..3000], b"new", &base[3000..]].concat();
    let patch = round_trip(&base, &result);
    // Another length: even `apply` knows.
    let e = apply(&base[1..], &patch).unwrap_err();
    assert_eq!(e, DeltaError::BaseLength { expected: base.len() as u64, found: base.len() - 1 });
    assert_eq!(message(&e), "patch was made from a base of 10000 bytes, not from this one of 9999");
    // The same length, other bytes: `apply` makes something, `apply_checked` refuses.
    let mut other = base.clone();
    other[5000] ^= 1;
    assert!(apply(&other, &patch).is_ok());
    let e = apply_checked(&other, &patch).unwrap_err();
    assert!(matches!(e, DeltaError::BaseDigest { .. }), "{e}");
    assert!(message(&e).starts_with("patch was made from another base (SHA-256 "), "{e}");
    // A declared result digest that is not the result's.
    let mut wrong = patch.clone();
    wrong[digests(&base, &result)[1].start] ^= 0x80;
    assert!(matches!(apply_checked(&base, &wrong), Err(DeltaError::ResultDigest { .. })));
    assert_eq!(apply(&base, &wrong).unwrap(), result);
}

#[test]
fn other_files_and_versions_are_refused_by_their_first_bytes() {
    let patch = diff(b"abc", b"abd");
    assert_eq!(apply(b"abc", b"\x89TXL\r\n\x1a\n").unwrap_err(), DeltaError::NotAPatch);
    assert_eq!(apply(b"abc", b"PK\x03\x04").unwrap_err(), DeltaError::NotAPatch);
    let mut newer = patch.clone();
    newer[7] = PATCH_VERSION + 1;
    let e = apply(b"abc", &newer).unwrap_err();
    assert_eq!(e, DeltaError::UnsupportedVersion { found: PATCH_VERSION + 1 });
    assert_eq!(message(&e), "patch format version 2 is not supported (this engine reads version 1)");
    assert_eq!(corrupt_at(b"abc", b""), (0, Damage::EndsEarly));
    assert_eq!(corrupt_at(b"abc", &patch[..7]), (7, Damage::EndsEarly));
}

fn varint_len(value: u64) -> usize {
    (64 - value.leading_zeros() as usize).div_ceil(7).max(1)
}

/// Where the base's and the result's digests are in a patch from `base` to `result`.
fn digests(base: &[u8], result: &[u8]) -> [std::ops::Range<usize>; 2] {
    let base_digest = MAGIC_LEN + varint_len(base.len() as u64);
    let result_digest = base_digest + 32 + varint_len(result.len() as u64);
    [base_digest..base_digest + 32, result_digest..result_digest + 32]
}
