//! One sort for the browser build's numbered things.
//!
//! The standard library's sort compiles to a quicksort of its own for each element type and
//! comparison it is used with, several kilobytes each of the module the page downloads. So the
//! sorts that order numbered things by a number — keys by their first bytes, results by their
//! rank, a department's members by their sort number — share this one: pairs of a 64-bit key and a
//! 32-bit number, ties broken by a comparison of the numbers that the caller passes (called only
//! on ties, so it may cost more than the key's).

use std::cmp::Ordering;

/// Sorts `pairs` by their key, and pairs of equal keys by `tie` of their numbers.
pub(crate) fn sort_pairs(pairs: &mut [(u64, u32)], tie: &dyn Fn(u32, u32) -> Ordering) {
    pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| tie(a.1, b.1)));
}
