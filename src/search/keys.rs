//! The keys of the name index in sorted order, searched by automaton.
//!
//! The index is derived on the device ([`super::names`]) and never travels, so it needs no
//! compact form: it is the distinct keys sorted, back to back in one buffer, each with its
//! value. A search runs an [`Automaton`] over them as a walk of the trie the sorted keys spell:
//! the states along the current key are kept, the next key takes over the states of the prefix
//! it shares with this one and feeds the automaton only the bytes after it, and when a prefix
//! leaves the automaton nothing to match, every key that begins with it is skipped at once (the
//! keys that share a prefix are adjacent: a galloping search finds where they end). That is the
//! walk an fst search makes, over plain arrays; building it is a sort, where writing an fst was
//! a large part of deriving the index, and the fst builder's code a large part of the browser
//! build.

use fst::Automaton;

/// Sorted distinct keys and their values.
#[derive(Default)]
pub(crate) struct KeyTable {
    /// The keys back to back: key `i` is `bytes[ends[i - 1]..ends[i]]` (from 0 for the first).
    bytes: Vec<u8>,
    ends: Vec<u32>,
    values: Vec<u64>,
    /// How many bytes key `i` shares with key `i - 1` (0 for the first), up to [`u8::MAX`]: a
    /// walk takes over that many states without comparing the keys.
    shared: Vec<u8>,
    /// For each first byte that begins a key, the end of the keys that begin with it: the first
    /// byte is a key's family, and a walk skips a family it cannot match at once.
    first_byte_ends: Vec<u32>,
}

impl KeyTable {
    /// Appends a key, which must sort after every key before it.
    pub(crate) fn push(&mut self, key: &[u8], value: u64) {
        debug_assert!(self.ends.is_empty() || self.key(self.ends.len() - 1) < key, "keys are pushed in order");
        let shared = match self.ends.len() {
            0 => 0,
            n => common_prefix(self.key(n - 1), key),
        };
        self.shared.push(u8::try_from(shared).unwrap_or(u8::MAX));
        self.bytes.extend_from_slice(key);
        self.ends.push(u32::try_from(self.bytes.len()).expect("keys of fewer than 4 GiB"));
        self.values.push(value);
        if let Some(&first) = key.first() {
            if self.first_byte_ends.is_empty() {
                self.first_byte_ends = vec![0; 256];
            }
            self.first_byte_ends[usize::from(first)] = self.ends.len() as u32;
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    fn key(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    /// The value of `key`, if it is in the table.
    pub(crate) fn get(&self, key: &[u8]) -> Option<u64> {
        let i = self.first_at_least(0, key);
        (i < self.len() && self.key(i) == key).then(|| self.values[i])
    }

    /// Every key, in order (for the tests that audit the index).
    #[cfg(feature = "internals")]
    pub(crate) fn keys(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).map(|i| self.key(i))
    }

    /// Calls `f(key, value)` for every key that begins with `prefix`, in key order.
    pub(crate) fn each_with_prefix(&self, prefix: &[u8], mut f: impl FnMut(&[u8], u64)) {
        let start = self.first_at_least(0, prefix);
        let count = self.partition(start, |k| k.starts_with(prefix));
        for i in start..start + count {
            f(self.key(i), self.values[i]);
        }
    }

    /// The first key at or after `from` that is not below `key`.
    fn first_at_least(&self, from: usize, key: &[u8]) -> usize {
        from + self.partition(from, |k| k < key)
    }

    /// How many keys from `from` on satisfy `below` (which holds for a prefix of them). The run
    /// is found by galloping — steps of 1, 2, 4… from `from`, then a binary search in the last
    /// step — since the runs a search skips are mostly short, and their keys near.
    fn partition(&self, from: usize, below: impl Fn(&[u8]) -> bool) -> usize {
        let mut low = from;
        let mut step = 1;
        while low + step < self.len() && below(self.key(low + step)) {
            low += step;
            step *= 2;
        }
        // below(key(low)) holds unless low == from; the run ends within low..=low + step.
        let mut high = (low + step).min(self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if below(self.key(mid)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low - from
    }

    /// Calls `f(key, value)` for every key the automaton matches, in key order.
    pub(crate) fn search<A: Automaton>(&self, automaton: &A, mut f: impl FnMut(&[u8], u64)) {
        // `states[d]`: the state after the first `d` bytes of the last key walked.
        let mut states = vec![automaton.start()];
        let mut previous: &[u8] = &[];
        let mut i = 0;
        while i < self.len() {
            let key = self.key(i);
            // What this key shares with the one before it is what it shares with the last key
            // walked, even after a skip: the keys skipped all began as that one did, further
            // than this one does.
            let shared = match self.shared[i] {
                u8::MAX => common_prefix(previous, key),
                shared => usize::from(shared),
            };
            states.truncate(shared + 1);
            let mut dead_at = None;
            for d in shared..=key.len() {
                if !automaton.can_match(&states[d]) {
                    dead_at = Some(d);
                    break;
                }
                if d < key.len() {
                    let next = automaton.accept(&states[d], key[d]);
                    states.push(next);
                }
            }
            match dead_at {
                None => {
                    if automaton.is_match(&states[key.len()]) {
                        f(key, self.values[i]);
                    }
                    i += 1;
                }
                // A family the automaton does not walk: on to the next.
                Some(1) => i = self.first_byte_ends[usize::from(key[0])] as usize,
                Some(d) => {
                    // Nothing that begins with key[..d] can match: skip to the first key that
                    // does not.
                    let prefix = &key[..d];
                    i += self.partition(i, |k| k.starts_with(prefix));
                }
            }
            previous = key;
        }
    }
}

/// How many bytes `a` and `b` begin with alike.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use fst::automaton::{Str, Subsequence};

    use super::*;

    fn table(keys: &std::collections::BTreeSet<Vec<u8>>) -> KeyTable {
        let mut table = KeyTable::default();
        for (i, key) in keys.iter().enumerate() {
            table.push(key, i as u64);
        }
        table
    }

    /// What a search must find: every key the automaton accepts when fed all of it.
    fn accepted<A: Automaton>(automaton: &A, keys: &std::collections::BTreeSet<Vec<u8>>) -> Vec<(Vec<u8>, u64)> {
        let accepts = |key: &[u8]| {
            let mut state = automaton.start();
            for &b in key {
                state = automaton.accept(&state, b);
            }
            automaton.is_match(&state)
        };
        keys.iter().enumerate().filter(|(_, k)| accepts(k)).map(|(i, k)| (k.clone(), i as u64)).collect()
    }

    fn searched<A: Automaton>(table: &KeyTable, automaton: &A) -> Vec<(Vec<u8>, u64)> {
        let mut found = Vec::new();
        table.search(automaton, |key, value| found.push((key.to_vec(), value)));
        found
    }

    #[test]
    fn a_prefix_search_skips_what_cannot_match_and_finds_the_rest() {
        let keys = ["a", "ab", "abc", "abd", "b", "ba", "bab", "c"].map(|k| k.as_bytes().to_vec()).into();
        let table = table(&keys);
        let found = searched(&table, &Str::new("ab").starts_with());
        assert_eq!(found, [(b"ab".to_vec(), 1), (b"abc".to_vec(), 2), (b"abd".to_vec(), 3)]);
        assert_eq!(table.get(b"bab"), Some(6));
        assert_eq!(table.get(b"bb"), None);
        assert!(searched(&KeyTable::default(), &Str::new("")).is_empty());
        let mut prefixed = Vec::new();
        table.each_with_prefix(b"ab", |key, value| prefixed.push((key.to_vec(), value)));
        assert_eq!(prefixed, found);
    }

    /// Keys that share more than a byte can count: the walk compares them instead.
    #[test]
    fn keys_that_share_long_prefixes_are_walked_alike() {
        let long = |tail: &str| [vec![b'a'; 300], tail.as_bytes().to_vec()].concat();
        let keys = [long(""), long("b"), long("bc"), long("c"), vec![b'b']].into();
        let table = table(&keys);
        let query = String::from_utf8(long("b")).unwrap();
        let prefix = Str::new(&query).starts_with();
        assert_eq!(searched(&table, &prefix), accepted(&prefix, &keys));
        assert_eq!(searched(&table, &prefix).len(), 2);
        let subsequence = Subsequence::new("ac");
        assert_eq!(searched(&table, &subsequence), accepted(&subsequence, &keys));
    }

    proptest::proptest! {
        /// The walk over sorted keys finds exactly what feeding each key to the automaton finds,
        /// for automata that prune early (a prefix) and late (a subsequence).
        #[test]
        fn search_finds_what_the_automaton_accepts(
            keys in proptest::collection::btree_set(proptest::collection::vec(b'a'..=b'd', 0..6), 0..60),
            query in proptest::collection::vec(b'a'..=b'd', 0..4),
        ) {
            let table = table(&keys);
            let query = String::from_utf8(query).unwrap();
            let prefix = Str::new(&query).starts_with();
            proptest::prop_assert_eq!(searched(&table, &prefix), accepted(&prefix, &keys));
            let exact = Str::new(&query);
            proptest::prop_assert_eq!(searched(&table, &exact), accepted(&exact, &keys));
            let subsequence = Subsequence::new(&query);
            proptest::prop_assert_eq!(searched(&table, &subsequence), accepted(&subsequence, &keys));
            for (i, key) in keys.iter().enumerate() {
                proptest::prop_assert_eq!(table.get(key), Some(i as u64));
            }
            let mut prefixed = Vec::new();
            table.each_with_prefix(query.as_bytes(), |key, value| prefixed.push((key.to_vec(), value)));
            proptest::prop_assert_eq!(prefixed, accepted(&prefix, &keys));
        }
    }
}
