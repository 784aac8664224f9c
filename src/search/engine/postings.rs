//! Algebra over postings lists (targets in increasing position order): merging several into
//! one, and intersecting one with a sorted list.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Targets;

/// The targets of several lists, each in increasing order, merged in increasing order, each once.
pub(super) struct Union<'a> {
    lists: Vec<Targets<'a>>,
    /// The next target of each list that has one, smallest on top.
    heads: BinaryHeap<Reverse<(u32, usize)>>,
    last: Option<u32>,
}

impl<'a> Union<'a> {
    pub(super) fn new(mut lists: Vec<Targets<'a>>) -> Union<'a> {
        let heads = lists.iter_mut().enumerate().filter_map(|(i, list)| Some(Reverse((list.next()?, i)))).collect();
        Union { lists, heads, last: None }
    }
}

impl Iterator for Union<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        loop {
            let Reverse((target, i)) = self.heads.pop()?;
            if let Some(next) = self.lists[i].next() {
                self.heads.push(Reverse((next, i)));
            }
            if self.last != Some(target) {
                self.last = Some(target);
                return Some(target);
            }
        }
    }
}

/// The positions of `sorted` that `other` (increasing too) also holds.
pub(super) fn intersect(sorted: &[u32], other: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut out = Vec::new();
    let mut rest = sorted.iter().copied().peekable();
    for p in other {
        while rest.next_if(|&q| q < p).is_some() {}
        match rest.peek() {
            Some(&q) if q == p => out.push(p),
            Some(_) => {}
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersect_keeps_what_both_lists_hold() {
        assert_eq!(intersect(&[1, 3, 5, 7], [0, 3, 4, 7, 9].into_iter()), [3, 7]);
        assert_eq!(intersect(&[2, 4], [1, 3].into_iter()), Vec::<u32>::new());
        assert_eq!(intersect(&[], [1, 2].into_iter()), Vec::<u32>::new());
        assert_eq!(intersect(&[5], [5].into_iter()), [5]);
    }
}
