//! The name index: sorted keys with their targets, and a postings area. The engine derives it
//! from a snapshot's readings ([`super::names`]) and keeps it in a [`KeyTable`].
//!
//! Every way of finding something by name (docs/search.md) becomes a *family* of keys; a key's
//! first byte names its family, so one table holds them all and a search walks only its
//! family's keys:
//!
//! | family | key (after the family byte) | target |
//! |---|---|---|
//! | `NAME_START` / `NAME_INFIX` | the normalised name from its first / a later syllable | member |
//! | `READING_START` / `READING_INFIX` | the readings of the name's syllables from the first / a later one, joined by `'`: the first reading of each (a surname's surname reading, a heteronym's most common one) | member |
//! | the same, ending in [`SECONDARY_READING`] | the same, one key per other combination of heteronym readings (`zhang'yue` for 张乐) | member |
//! | `ALIAS` | the alias's words as readings, from each word | member |
//! | `DEPARTMENT_*`, `GROUP_*` | as the four name families | department / group |
//! | `FIRST_READING` | every prefix of each reading of a name's first syllable, and whether it is the whole reading and the syllable's first (see [`first_reading_key`]) | member |
//!
//! A key's value is either one target (`target << 1 | 1`, the common case: most names are
//! unique) or the offset of a postings list (`offset << 1`): a varint count, then the targets in
//! increasing order as varint gaps. Targets are positions in the snapshot; members are stored in
//! their static ranking order, so a smaller position ranks higher.
//!
//! [`KeyTable`]: super::keys::KeyTable

use crate::snapshot::format::Reader;

/// The key families. Each is the first byte of its keys.
pub(crate) mod family {
    pub const NAME_START: u8 = 1;
    pub const NAME_INFIX: u8 = 2;
    pub const READING_START: u8 = 3;
    pub const READING_INFIX: u8 = 4;
    pub const ALIAS: u8 = 5;
    // 6–10 were accounts, WeChat ids, e-mails and phone digits up to format 4: since format 5
    // they are derived from the records (see `search::lookup`).
    pub const DEPARTMENT_NAME_START: u8 = 11;
    pub const DEPARTMENT_NAME_INFIX: u8 = 12;
    pub const DEPARTMENT_READING_START: u8 = 13;
    pub const DEPARTMENT_READING_INFIX: u8 = 14;
    pub const GROUP_NAME_START: u8 = 15;
    pub const GROUP_NAME_INFIX: u8 = 16;
    pub const GROUP_READING_START: u8 = 17;
    pub const GROUP_READING_INFIX: u8 = 18;
    /// Members by how the first reading of their name begins: see [`super::first_reading_key`].
    pub const FIRST_READING: u8 = 19;
}

/// The key of a `FIRST_READING` list: the members whose name goes on past its first syllable,
/// and whose first syllable has a reading that `prefix` begins (`complete`: that is the whole
/// reading; `secondary`: not the syllable's first). A query of letters that ends inside a name's
/// first syllable ("z", "zhan", "wang") matches every name in these lists alike — by pinyin,
/// from the start, partial unless complete — and ranks them by position, which is the order a
/// list holds them in: the page is their first few, where walking the reading keys would go
/// through every name that begins so (tens of thousands for "z" at 200,000 members).
pub(crate) fn first_reading_key(prefix: &[u8], complete: bool, secondary: bool) -> Vec<u8> {
    // The class ends the key: a byte below any letter, so prefixes never collide.
    let class = u8::from(complete) | u8::from(secondary) << 1;
    [prefix, &[class]].concat()
}

/// Ends the reading keys that read some heteronym other than its first way: they match alike,
/// and rank below the first readings among matches otherwise equal. (A mark at the end rather
/// than a family of their own, so that a walk goes down the shared syllables once.)
pub(crate) const SECONDARY_READING: u8 = 0x01;

/// Separates the syllables of a reading key, as in "xi'an".
pub(crate) const SYLLABLE_SEPARATOR: u8 = b'\'';

/// The targets a key's value stands for (or, since the engine gathers from them alike, the
/// members a derived lookup of [`super::lookup`] holds).
pub(crate) enum Targets<'a> {
    One(u32),
    List {
        reader: Reader<'a>,
        left: usize,
        previous: u32,
    },
    /// Members of a derived table ([`super::lookup`]), in increasing order.
    Positions(std::slice::Iter<'a, u32>),
}

impl<'a> Targets<'a> {
    /// Decodes a value; `postings` is the postings area. Values are checked when a snapshot is
    /// opened, so decoding cannot fail afterwards; a bad value yields no targets.
    pub(crate) fn of(value: u64, postings: &'a [u8]) -> Targets<'a> {
        if value & 1 == 1 {
            return Targets::One((value >> 1) as u32);
        }
        let offset = (value >> 1) as usize;
        let mut reader = Reader::new(postings.get(offset..).unwrap_or_default());
        let left = reader.count().unwrap_or(0);
        Targets::List { reader, left, previous: 0 }
    }

    /// The `count` targets of a postings list without its count: varint gaps.
    pub(crate) fn of_gaps(gaps: &'a [u8], count: usize) -> Targets<'a> {
        Targets::List { reader: Reader::new(gaps), left: count, previous: 0 }
    }

    /// Some positions of a derived table, in increasing order.
    pub(crate) fn of_positions(positions: &'a [u32]) -> Targets<'a> {
        Targets::Positions(positions.iter())
    }
}

impl Targets<'_> {
    /// How many targets are left, known before any is read.
    pub(crate) fn len(&self) -> usize {
        match self {
            Targets::One(_) => 1,
            Targets::List { left, .. } => *left,
            Targets::Positions(positions) => positions.len(),
        }
    }
}

impl Iterator for Targets<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        match self {
            Targets::One(target) => {
                let target = *target;
                *self = Targets::List { reader: Reader::new(&[]), left: 0, previous: 0 };
                Some(target)
            }
            Targets::List { reader, left, previous } => {
                if *left == 0 {
                    return None;
                }
                *left -= 1;
                let gap = reader.index().ok()? as u32;
                *previous = previous.checked_add(gap)?;
                Some(*previous)
            }
            Targets::Positions(positions) => positions.next().copied(),
        }
    }
}

pub(crate) use writing::{IndexBuilder, KeyNumbers};

mod writing {
    use std::collections::hash_map::RandomState;
    use std::hash::BuildHasher;

    use super::super::keys::KeyTable;
    use crate::snapshot::format::push_varint;

    /// Distinct byte strings, each stored once in one buffer and numbered as first met.
    #[derive(Default)]
    pub(crate) struct KeyNumbers {
        /// The keys back to back: key `n` ends at `ends[n]` and starts where key `n - 1` ends.
        bytes: Vec<u8>,
        ends: Vec<u32>,
        /// The key numbers by hash: an open-addressing table (linear probing, at most three
        /// quarters full, `1 << bits` long). A slot holds its key's [`hash`] and number + 1
        /// (0 for an empty slot). A key's first slot is the top `bits` bits of its hash, so
        /// the slots are in hash order and doubling the table moves them in one sweep, without
        /// reading a key: at a million keys, a rehash that reads every key and writes slots at
        /// random cost a fifth of a second.
        slots: Vec<(u32, u32)>,
        bits: u32,
        /// Mixed into every hash, and different for every table: the keys come from the
        /// directory, and a fixed hash would let someone who knows it pick names that collide.
        seed: u64,
    }

    impl KeyNumbers {
        /// The number of `family` followed by `key`, numbering it if it is new.
        pub(crate) fn number(&mut self, family: u8, key: &[u8]) -> u32 {
            if 4 * (self.ends.len() + 1) > 3 * self.slots.len() {
                self.grow();
            }
            // The key is appended, looked up, and taken back off if it was there already.
            let start = self.bytes.len();
            self.bytes.push(family);
            self.bytes.extend_from_slice(key);
            let tag = hash(self.seed, &self.bytes[start..]);
            let mask = self.slots.len() - 1;
            let mut slot = (tag >> (32 - self.bits)) as usize;
            while self.slots[slot].1 != 0 {
                let (other, number) = (self.slots[slot].0, self.slots[slot].1 - 1);
                if other == tag && self.get(number) == &self.bytes[start..] {
                    self.bytes.truncate(start);
                    return number;
                }
                slot = (slot + 1) & mask;
            }
            let number = u32::try_from(self.ends.len()).expect("fewer than 2^32 distinct keys");
            self.ends.push(u32::try_from(self.bytes.len()).expect("keys of fewer than 4 GiB"));
            self.slots[slot] = (tag, number + 1);
            number
        }

        /// How many keys are numbered.
        pub(crate) fn len(&self) -> usize {
            self.ends.len()
        }

        /// Key `number`, family byte first.
        pub(crate) fn get(&self, number: u32) -> &[u8] {
            let n = number as usize;
            let start = if n == 0 { 0 } else { self.ends[n - 1] };
            &self.bytes[start as usize..self.ends[n] as usize]
        }

        /// Lets go of the hash table, for a caller that numbers no more keys.
        fn freeze(&mut self) {
            self.slots = Vec::new();
        }

        /// Doubles the table (or makes the first one) and moves every slot over.
        fn grow(&mut self) {
            if self.slots.is_empty() {
                self.bits = 10;
                self.seed = RandomState::new().hash_one(0u8);
            } else {
                self.bits += 1;
            }
            let old = std::mem::replace(&mut self.slots, vec![(0, 0); 1 << self.bits]);
            let mask = self.slots.len() - 1;
            for (tag, number) in old.into_iter().filter(|&(_, number)| number != 0) {
                let mut slot = (tag >> (32 - self.bits)) as usize;
                while self.slots[slot].1 != 0 {
                    slot = (slot + 1) & mask;
                }
                self.slots[slot] = (tag, number);
            }
        }
    }

    /// Collects (key, target) pairs and writes the sorted keys and the postings area.
    ///
    /// There are many more pairs than keys: at 200,000 members, about two million pairs and
    /// three hundred thousand distinct keys (300 first-reading prefixes alone hold 670,000
    /// pairs). So each distinct key is stored once ([`KeyNumbers`]); a pair is two numbers;
    /// only the distinct keys are sorted, and the pairs are then put in key order by counting,
    /// which is linear. (Sorting the pairs themselves, each with a key allocated of its own, was
    /// half the build's time and most of its memory.)
    #[derive(Default)]
    pub(crate) struct IndexBuilder {
        keys: KeyNumbers,
        /// (key number, target), in the order they were added.
        pairs: Vec<(u32, u32)>,
        /// Targets that share all their keys, kept as one list of keys and one of targets
        /// rather than as a pair each: the members who bear a name, and the name's keys (a
        /// third of the pairs at 200,000 members). Each entry is where its keys end in
        /// `shared_keys` and its targets in `shared_targets`.
        shared: Vec<(usize, usize)>,
        shared_keys: Vec<u32>,
        shared_targets: Vec<u32>,
    }

    impl IndexBuilder {
        /// The number of a key, numbering it if it is new: for a caller that adds one key to
        /// many targets (the keys of a name, for every member who bears it).
        pub(crate) fn key(&mut self, family: u8, key: &[u8]) -> u32 {
            self.keys.number(family, key)
        }

        /// Adds every one of `targets` to every key numbered in `keys`.
        pub(crate) fn add_to_all(&mut self, keys: &[u32], targets: impl IntoIterator<Item = u32>) {
            self.shared_keys.extend_from_slice(keys);
            self.shared_targets.extend(targets);
            self.shared.push((self.shared_keys.len(), self.shared_targets.len()));
        }

        /// The (keys, targets) given to [`Self::add_to_all`].
        fn shared(&self) -> impl Iterator<Item = (&[u32], &[u32])> {
            let mut start = (0, 0);
            self.shared.iter().map(move |&end| {
                let (keys, targets) = std::mem::replace(&mut start, end);
                (&self.shared_keys[keys..end.0], &self.shared_targets[targets..end.1])
            })
        }

        pub(crate) fn add(&mut self, family: u8, key: &[u8], target: u32) {
            let key = self.key(family, key);
            self.pairs.push((key, target));
        }

        /// The keys in order with their values, and the postings they point into.
        pub(crate) fn finish(mut self) -> (KeyTable, Vec<u8>) {
            self.keys.freeze();
            let keys = &self.keys;
            // The key numbers in key order (the table takes them so). Most comparisons are
            // decided by the first eight bytes, compared as one number; only keys that share
            // them are compared in full.
            let mut sorted: Vec<(u64, u32)> = (0..keys.len() as u32)
                .map(|n| {
                    let mut head = [0; 8];
                    let key = keys.get(n);
                    let len = key.len().min(8);
                    head[..len].copy_from_slice(&key[..len]);
                    (u64::from_be_bytes(head), n)
                })
                .collect();
            crate::search::sort::sort_pairs(&mut sorted, &|a, b| keys.get(a).cmp(keys.get(b)));
            let order: Vec<u32> = sorted.into_iter().map(|(_, number)| number).collect();
            // Counting sort of the targets by their key's rank: the targets of the key of rank r
            // are `targets[start[r]..start[r + 1]]`. (u32 throughout: these arrays are as long
            // as the keys or the pairs, millions.)
            let mut rank = vec![0u32; order.len()];
            for (r, &number) in order.iter().enumerate() {
                rank[number as usize] = r as u32;
            }
            let mut start = vec![0u32; order.len() + 1];
            for &(key, _) in &self.pairs {
                start[rank[key as usize] as usize + 1] += 1;
            }
            for (keys, targets) in self.shared() {
                for &key in keys {
                    start[rank[key as usize] as usize + 1] += targets.len() as u32;
                }
            }
            for r in 0..order.len() {
                start[r + 1] = start[r].checked_add(start[r + 1]).expect("fewer than 2^32 pairs");
            }
            let mut targets = vec![0u32; start[order.len()] as usize];
            let mut next = start.clone();
            for &(key, target) in &self.pairs {
                let r = rank[key as usize] as usize;
                targets[next[r] as usize] = target;
                next[r] += 1;
            }
            for (keys, shared) in self.shared() {
                for &key in keys {
                    let r = rank[key as usize] as usize;
                    let at = next[r] as usize;
                    targets[at..at + shared.len()].copy_from_slice(shared);
                    next[r] += shared.len() as u32;
                }
            }
            drop((std::mem::take(&mut self.pairs), std::mem::take(&mut self.shared_targets), next, rank));

            let mut table = KeyTable::default();
            let mut postings = Vec::new();
            for (r, &number) in order.iter().enumerate() {
                // A key's targets in increasing order, each once (a member can give the same
                // key twice: a phone run that repeats, two readings that spell alike).
                let list = &mut targets[start[r] as usize..start[r + 1] as usize];
                if list.is_empty() {
                    continue; // numbered by `key` but given no target
                }
                list.sort_unstable();
                let distinct = 1 + list.windows(2).filter(|w| w[0] != w[1]).count();
                let value = if distinct == 1 {
                    (u64::from(list[0]) << 1) | 1
                } else {
                    let offset = postings.len() as u64;
                    push_varint(&mut postings, distinct as u64);
                    let mut previous = 0;
                    for (i, &target) in list.iter().enumerate() {
                        if i == 0 || target != previous {
                            push_varint(&mut postings, u64::from(target - previous));
                            previous = target;
                        }
                    }
                    offset << 1
                };
                table.push(self.keys.get(number), value);
            }
            (table, postings)
        }
    }

    /// The hash of a key, 32 bits: FxHash's word-at-a-time mixing, then SplitMix64's finaliser
    /// so that the top bits the table indexes by depend on every byte. (Keys come from the
    /// organisation's own directory and are hashed millions of times; std's SipHash, made to
    /// resist chosen collisions, costs several times more, most of all in WebAssembly.)
    fn hash(seed: u64, key: &[u8]) -> u32 {
        let mut h: u64 = seed ^ key.len() as u64;
        for word in key.chunks(8) {
            let mut bytes = [0; 8];
            bytes[..word.len()].copy_from_slice(word);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(bytes)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((h ^ (h >> 31)) >> 32) as u32
    }
}
