//! The top-k collector: candidates come in any order, each with its ranking key; the collector
//! keeps the best key per result and only the page's worth of the best results, and says
//! whether a match could still make the page at all — what lets a search skip the rest of a
//! list, a family, or a phase.

use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use super::super::closeness::Closeness;
use super::super::words::Narrowing;
use super::rank::{rank_floor, Place, Quality, WORDS_BAND};
use super::{Field, ResultKind, Searcher, Targets};

/// What orders equally good matches for one viewer: their frequent contacts, by the rank of
/// their weight, then closeness.
#[derive(Default)]
pub(super) struct Order<'g> {
    pub(super) frequent: HashMap<u32, u16>,
    pub(super) closeness: Option<Closeness<'g>>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Candidate {
    pub(super) rank: u64,
    pub(super) field: Field,
}

/// A cheap hasher for positions; the std one is built to resist attacks these keys cannot mount.
#[derive(Default)]
pub(super) struct PositionHasher(u64);

impl Hasher for PositionHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u8(&mut self, n: u8) {
        self.0 = self.0.rotate_left(5) ^ u64::from(n);
    }
}

pub(super) type Positions<V> = HashMap<(ResultKind, u32), V, BuildHasherDefault<PositionHasher>>;

/// Collects candidates, keeping the best rank per result and only the `wanted` best results.
///
/// Most candidates of a broad query ("z" at 200,000 members) cannot make the page: once it is
/// full, a candidate whose rank is not better than the worst on the page is turned away with one
/// comparison, before any hashing — and before any checking that would cost more (see
/// [`Gathered::admits`]). A result turned away and met again with a better rank is simply let in
/// then, so every result still ends with its best rank.
pub(super) struct Gathered<'g> {
    /// Set while one word of a query of several words is gathered: only the members the other
    /// words describe are let in, in [`WORDS_BAND`].
    pub(super) narrowing: Option<(Narrowing<'g>, Searcher<'g>)>,
    /// How many departments, groups and members there are, in `ResultKind` order.
    counts: [u32; 3],
    frequent: HashMap<u32, u16>,
    closeness: Option<Closeness<'g>>,
    wanted: usize,
    /// The results on the page so far.
    pub(super) best: Positions<Candidate>,
    /// The same ranks, worst on top; entries whose result has since ranked better are stale.
    ranks: BinaryHeap<(u64, (ResultKind, u32))>,
    /// The worst rank on a full page; `u64::MAX` while it is not full.
    threshold: u64,
    /// Every department that matched, page or not, with its best rank: their members follow.
    pub(super) departments: HashMap<u32, u64>,
}

impl<'g> Gathered<'g> {
    pub(super) fn new(counts: [u32; 3], order: Order<'g>, wanted: usize) -> Gathered<'g> {
        Gathered {
            narrowing: None,
            counts,
            frequent: order.frequent,
            closeness: order.closeness,
            wanted,
            best: Positions::default(),
            ranks: BinaryHeap::new(),
            threshold: u64::MAX,
            departments: HashMap::new(),
        }
    }

    pub(super) fn rank(&self, quality: Quality, kind: ResultKind, position: u32) -> u64 {
        let level = match (&self.closeness, kind) {
            (Some(closeness), ResultKind::Member) => closeness.member(position),
            (Some(closeness), ResultKind::Department) => closeness.department(position),
            _ => 0,
        };
        self.rank_at(quality, kind, position, level)
    }

    /// The rank of a match at `position` whose closeness is `level`.
    fn rank_at(&self, quality: Quality, kind: ResultKind, position: u32, level: u8) -> u64 {
        let frequency = if kind == ResultKind::Member && !self.frequent.is_empty() {
            self.frequent.get(&position).copied()
        } else {
            None
        };
        let band = if self.narrowing.is_some() { WORDS_BAND } else { quality.band };
        quality.key(band, kind, frequency.unwrap_or(u16::MAX), level, position)
    }

    /// Whether a match this good could still make the page: to skip checking a candidate that
    /// could not.
    pub(super) fn admits(&self, quality: Quality, kind: ResultKind, position: u32) -> bool {
        self.rank(quality, kind, position) < self.threshold
    }

    /// Whether a match this good, at this position or a later one, could still make the page:
    /// to stop going through targets in position order. A later position ranks lower, unless it
    /// is one of the viewer's frequent contacts, or closer to the viewer.
    pub(super) fn admits_from(&self, quality: Quality, kind: ResultKind, position: u32) -> bool {
        let closest_later = match &self.closeness {
            Some(closeness) if kind == ResultKind::Member => closeness.best_from(position),
            _ => 0,
        };
        self.rank_at(quality, kind, position, closest_later) < self.threshold
            || (kind == ResultKind::Member && self.frequent.keys().any(|&frequent| frequent > position))
    }

    /// Whether any match in this band and place could still make the page: to skip whole
    /// searches (the infix families once the page is full of matches from the start).
    pub(super) fn open_to(&self, band: u8, place: Place) -> bool {
        rank_floor(band, place) < self.threshold
    }

    /// Adds the targets of one key, all matched alike, in position order. Once one cannot make
    /// the page, no later one can (see [`Gathered::admits_from`]), and the rest of the list is
    /// not read: "zw" at 200,000 members has a thousand 张伟 behind one key. Departments are all
    /// kept, page or not: their members follow.
    pub(super) fn add_all(&mut self, quality: Quality, kind: ResultKind, targets: Targets<'_>, field: Field) {
        for p in targets {
            if kind != ResultKind::Department && !self.admits_from(quality, kind, p) {
                return;
            }
            self.add(quality, kind, p, field);
        }
    }

    pub(super) fn add(&mut self, quality: Quality, kind: ResultKind, position: u32, field: Field) {
        if position >= self.counts[kind as usize] {
            return; // a target the records do not have: see `Searcher::holds`
        }
        let rank = self.rank(quality, kind, position);
        if kind == ResultKind::Department {
            let best = self.departments.entry(position).or_insert(rank);
            *best = (*best).min(rank);
        }
        if rank >= self.threshold {
            return;
        }
        if let Some((narrowing, searcher)) = self.narrowing {
            if kind != ResultKind::Member || !narrowing.admits(&searcher, position) {
                return;
            }
        }
        let key = (kind, position);
        match self.best.get_mut(&key) {
            Some(entry) if entry.rank <= rank => return,
            Some(entry) => *entry = Candidate { rank, field },
            None => {
                self.best.insert(key, Candidate { rank, field });
            }
        }
        self.ranks.push((rank, key));
        if self.best.len() > self.wanted {
            let worst = self.pop_worst();
            self.best.remove(&worst);
        }
        if self.best.len() == self.wanted {
            self.threshold = self.peek_worst();
        }
    }

    /// Drops stale entries from the top of the heap.
    fn clean_top(&mut self) {
        while let Some(&(rank, key)) = self.ranks.peek() {
            if self.best.get(&key).is_some_and(|c| c.rank == rank) {
                return;
            }
            self.ranks.pop();
        }
    }

    fn pop_worst(&mut self) -> (ResultKind, u32) {
        self.clean_top();
        self.ranks.pop().map(|(_, key)| key).expect("a page over its size has a worst result")
    }

    fn peek_worst(&mut self) -> u64 {
        self.clean_top();
        self.ranks.peek().map_or(u64::MAX, |&(rank, _)| rank)
    }
}
