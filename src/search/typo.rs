//! One typo (docs/search.md): a Latin query of five letters or more still finds a name when one edit —
//! a letter inserted, deleted or replaced, or two neighbours swapped — turns it into the start of
//! the name's reading ("wagnfang" and "wangfagn" find 王芳). Such matches rank last.
//!
//! The rule is the optimal-string-alignment distance (Levenshtein with adjacent swaps) between the
//! query and a *prefix* of the reading's letters, the syllable separators left out: at most 1 —
//! and unless the prefix is the whole name, the edit is not the last letter typed. That letter is
//! the one being typed: "zhangw" is someone typing 张伟, and dropping or replacing its `w` would
//! make it the start of every 张 (张帆平 as "zhang" and an extra `w`), or the end of every name
//! whose last syllable is zhang (彭文长). The last two letters swapped are a typo all the same
//! ("wangfagn" finds 王芳华), and a query within one edit of the whole name is one whatever the
//! edit ("wangfangg" finds 王芳).
//!
//! [`TypoAutomaton`] walks the index with it, bit-parallel like the reading automaton: a mask of
//! the query positions reachable with no edit, another with one, and the mask of two bytes back
//! for swaps. [`typo_align`] is the same rule applied to one name, for highlights; a property test
//! holds the two together.

use fst::Automaton;

use super::automaton::MAX_LETTERS;
use super::index::{SECONDARY_READING, SYLLABLE_SEPARATOR};
use super::matcher::{Alignment, How, Syllable};

/// Queries shorter than this are not matched with a typo: too many names are one edit away.
pub(crate) const MIN_TYPO_LETTERS: usize = 5;

/// A query of letters compiled for walking keys of one family with one edit allowed.
#[derive(Debug, Clone)]
pub(crate) struct TypoAutomaton {
    family: u8,
    /// Whether the family's keys start where names start, so that a key is a whole name:
    /// matched with an edit of the query's last letter when the query covers it whole.
    from_start: bool,
    len: u32,
    /// For each letter a–z: the positions where the query has that letter.
    letters: [u64; 26],
}

/// Where the query stands after the bytes of a key read so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypoWalk {
    Family,
    Letters {
        /// Query positions reached with no edit.
        exact: u64,
        /// Query positions reached with one edit.
        edited: u64,
        /// `exact` before the previous letter of the key, and that letter: for swaps.
        exact_before: u64,
        previous: u8,
        /// The whole query was reached with its last letter typed as the key has it (or swapped
        /// with the one before): every key below matches.
        done: bool,
    },
    Dead,
}

impl TypoAutomaton {
    /// None when the query is shorter than [`MIN_TYPO_LETTERS`], too long, or not all letters.
    /// `from_start`: the family's keys are read from a name's start (see the field).
    pub(crate) fn new(family: u8, from_start: bool, query: &str) -> Option<TypoAutomaton> {
        if query.len() < MIN_TYPO_LETTERS || query.len() > MAX_LETTERS || !query.bytes().all(|b| b.is_ascii_lowercase())
        {
            return None;
        }
        let mut letters = [0u64; 26];
        for (i, byte) in query.bytes().enumerate() {
            letters[usize::from(byte - b'a')] |= 1 << i;
        }
        Some(TypoAutomaton { family, from_start, len: query.len() as u32, letters })
    }

    fn done_bit(&self) -> u64 {
        1 << self.len
    }

    fn within(&self, mask: u64) -> u64 {
        mask & ((self.done_bit() << 1) - 1)
    }

    fn typed(&self, byte: u8) -> u64 {
        if byte.is_ascii_lowercase() {
            self.letters[usize::from(byte - b'a')]
        } else {
            0
        }
    }
}

impl Automaton for TypoAutomaton {
    type State = TypoWalk;

    fn start(&self) -> TypoWalk {
        TypoWalk::Family
    }

    fn is_match(&self, state: &TypoWalk) -> bool {
        match *state {
            // Not done: a whole name matches if it ends here, within one edit of the whole query.
            TypoWalk::Letters { exact, edited, done, .. } => {
                done || (self.from_start && (exact | edited) & self.done_bit() != 0)
            }
            TypoWalk::Family | TypoWalk::Dead => false,
        }
    }

    fn can_match(&self, state: &TypoWalk) -> bool {
        !matches!(state, TypoWalk::Dead)
    }

    fn will_always_match(&self, state: &TypoWalk) -> bool {
        matches!(state, TypoWalk::Letters { done: true, .. })
    }

    fn accept(&self, state: &TypoWalk, byte: u8) -> TypoWalk {
        match *state {
            // The first query letter may be the extra one.
            TypoWalk::Family if byte == self.family => {
                TypoWalk::Letters { exact: 1, edited: 0b10, exact_before: 0, previous: 0, done: false }
            }
            TypoWalk::Family | TypoWalk::Dead => TypoWalk::Dead,
            TypoWalk::Letters { done: true, .. } => *state,
            // Separators are not letters of the reading, nor is the mark of a secondary one.
            TypoWalk::Letters { .. } if byte == SYLLABLE_SEPARATOR || byte == SECONDARY_READING => *state,
            TypoWalk::Letters { .. } if !byte.is_ascii_lowercase() => TypoWalk::Dead,
            TypoWalk::Letters { exact, edited, exact_before, previous, .. } => {
                let here = self.typed(byte);
                let next_exact = self.within((exact & here) << 1);
                // The moves that end on a query letter typed as the key has it: a match after the
                // edit, or this letter and the one before typed the other way round...
                let as_typed = ((edited & here) << 1) | ((exact_before & here & (self.typed(previous) >> 1)) << 2);
                // ...and those that make the edit there.
                let edit_here = (exact << 1)  // this letter typed wrong
                    | exact                   // this letter not typed
                    | (next_exact << 1); // a letter typed that is not there
                let next_edited = self.within(as_typed | edit_here);
                // Reaching the end of the query by an edit of its last letter matches only a whole
                // name that ends there (see `is_match`); the letter as typed, any key that goes on.
                let done = (next_exact | self.within(as_typed)) & self.done_bit() != 0;
                if next_exact | next_edited == 0 {
                    TypoWalk::Dead
                } else {
                    TypoWalk::Letters {
                        exact: next_exact,
                        edited: next_edited,
                        exact_before: exact,
                        previous: byte,
                        done,
                    }
                }
            }
        }
    }
}

/// The optimal-string-alignment distance between `a` and `b`, when it is at most 1.
pub(crate) fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[common..], &b[common..]);
    match (a.len(), b.len()) {
        (0, _) | (_, 0) => a.len().max(b.len()) <= 1,
        (x, y) if x == y => a[1..] == b[1..] || (x >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..]),
        (x, y) if x > y => a[1..] == *b,
        _ => b[1..] == *a,
    }
}

/// The length of the shortest prefix of `reading` that `query` matches with one typo, if any:
/// within one edit of it, and the whole name (a whole reading `from_start`) or one the last letter
/// typed ends as typed (see the module doc).
pub(crate) fn typo_prefix(query: &[u8], reading: &[u8], from_start: bool) -> Option<usize> {
    let shortest = query.len().saturating_sub(1);
    (shortest..=query.len() + 1).filter(|&n| n <= reading.len()).find(|&n| {
        let prefix = &reading[..n];
        within_one_edit(query, prefix) && ((from_start && n == reading.len()) || last_letter_as_typed(query, prefix))
    })
}

/// Whether one edit can turn `query` into `prefix` and leave its last letter as typed: the two
/// end alike, or in the same two letters swapped.
fn last_letter_as_typed(query: &[u8], prefix: &[u8]) -> bool {
    match (query, prefix) {
        ([.., q], [.., p]) if q == p => true,
        ([head @ .., q1, q2], [same @ .., p1, p2]) => q1 == p2 && q2 == p1 && head == same,
        _ => false,
    }
}

/// The best way `query` matches a run of `syllables` with one typo: from the earliest syllable,
/// covering the whole name if it can. Each syllable is read by any of its readings (at most 16
/// combinations per start, as in the index).
pub fn typo_align(query: &str, syllables: &[Syllable<'_>]) -> Option<Alignment> {
    let query = query.as_bytes();
    if query.len() < MIN_TYPO_LETTERS {
        return None;
    }
    for start in 0..syllables.len() {
        let mut best: Option<Alignment> = None;
        for spelt in reading_combinations(&syllables[start..], 16) {
            let letters: Vec<u8> = spelt.iter().flat_map(|r| r.bytes()).collect();
            let Some(end) = typo_prefix(query, &letters, start == 0) else { continue };
            // The syllables the matched prefix reaches into.
            let mut covered = 0;
            let mut at = 0;
            while at < end {
                at += spelt[covered].len();
                covered += 1;
            }
            let exact = start == 0 && within_one_edit(query, &letters);
            let found = Alignment { syllables: start..start + covered.max(1), how: How::Pinyin, exact, partial: false };
            if best.as_ref().is_none_or(|b| !b.exact && found.exact) {
                best = Some(found);
            }
        }
        if best.is_some() {
            return best;
        }
    }
    None
}

/// Up to `limit` ways to read the syllables, one reading each.
pub(crate) fn reading_combinations<'a>(syllables: &[Syllable<'a>], limit: usize) -> Vec<Vec<&'a str>> {
    let mut out: Vec<Vec<&'a str>> = vec![Vec::new()];
    for syllable in syllables {
        let mut next = Vec::new();
        for spelt in &out {
            for reading in &syllable.readings {
                if next.len() < limit {
                    let mut spelt = spelt.clone();
                    spelt.push(*reading);
                    next.push(spelt);
                }
            }
        }
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: u8 = 4;

    fn accepts(query: &str, key: &str) -> bool {
        accepts_from(true, query, key)
    }

    fn accepts_from(from_start: bool, query: &str, key: &str) -> bool {
        let automaton = TypoAutomaton::new(F, from_start, query).unwrap();
        let mut state = automaton.start();
        for byte in std::iter::once(F).chain(key.bytes()) {
            state = automaton.accept(&state, byte);
        }
        automaton.is_match(&state)
    }

    #[test]
    fn one_edit_of_a_prefix_of_the_reading() {
        for query in ["wagnfang", "wangfagn", "wangfan", "wangfangx", "wanfang", "wangxfang", "awngfang", "angfang"] {
            assert!(accepts(query, "wang'fang"), "{query}");
        }
        // the start of the reading is enough, and the separator is not a letter
        assert!(accepts("zhnag", "zhang'san"));
        assert!(accepts("zhangsna", "zhang'san"));
        assert!(accepts("zhansgan", "zhang'san"));
        for query in ["wgnafang", "fangwang", "wanggfangg", "xwangfangx"] {
            assert!(!accepts(query, "wang'fang"), "{query}");
        }
        // The last letter typed is not the edit, but for a key the query covers whole.
        assert!(!accepts("zhangw", "zhang'fan'ping"), "w dropped or read as f: the start of every 张");
        assert!(!accepts("wangfangx", "wang'fang'hua"));
        assert!(accepts("wangfagn", "wang'fang'hua"), "the last two swapped");
        assert!(accepts("zhnagw", "zhang'wei"));
        assert!(accepts("zhangw", "zhang"), "within one edit of the whole name");
        assert!(!accepts_from(false, "zhangw", "zhang"), "within one edit of the end of a name (彭文长)");
        assert!(accepts_from(false, "zhnagw", "zhang'wei"), "a later syllable, typed with a typo");
        assert!(TypoAutomaton::new(F, true, "wagn").is_none(), "four letters are too few");
    }

    /// Keys near a query: the query with one edit or none (at a place given as a fraction of its
    /// length: a letter left out, put in, changed, or swapped with the next), then more letters,
    /// and syllable separators anywhere. Random keys alone are seldom within one edit of five
    /// letters and more, and would leave the rule's edges untried.
    fn near(query: &str, edit: u8, at: f64, letter: u8, tail: &str, separators: &[f64]) -> String {
        let mut bytes = query.as_bytes().to_vec();
        let i = (bytes.len() as f64 * at) as usize; // 0..=len-1
        match edit {
            1 => drop(bytes.remove(i)),
            2 => bytes.insert(((bytes.len() + 1) as f64 * at) as usize, letter),
            3 => bytes[i] = letter,
            4 if i + 1 < bytes.len() => bytes.swap(i, i + 1),
            _ => {}
        }
        bytes.extend_from_slice(tail.as_bytes());
        for &at in separators {
            bytes.insert((bytes.len() as f64 * at) as usize, SYLLABLE_SEPARATOR);
        }
        String::from_utf8(bytes).unwrap()
    }

    proptest::proptest! {
        /// The automaton accepts a key exactly when the rule does, for keys near the query and
        /// random ones alike.
        #[test]
        fn the_automaton_agrees_with_the_rule(
            query in "[abn]{5,8}",
            random in "[abn']{0,9}",
            edit in 0u8..5,
            at in 0.0..1.0f64,
            letter in proptest::sample::select(b"abn".to_vec()),
            tail in "[abn]{0,3}",
            separators in proptest::collection::vec(0.0..1.0f64, 0..3),
            from_start: bool,
        ) {
            let accepts = |key: &str| accepts_from(from_start, &query, key);
            for key in [random, near(&query, edit, at, letter, &tail, &separators)] {
                let letters: Vec<u8> = key.bytes().filter(|&b| b != SYLLABLE_SEPARATOR).collect();
                proptest::prop_assert_eq!(
                    accepts(&key),
                    typo_prefix(query.as_bytes(), &letters, from_start).is_some(),
                    "{} in {}", query, key
                );
                let marked = format!("{key}{}", char::from(SECONDARY_READING));
                proptest::prop_assert_eq!(accepts(&marked), accepts(&key), "a secondary reading's mark");
            }
        }
    }

    #[test]
    fn the_alignment_covers_the_syllables_reached() {
        let name = [Syllable::new("王", &["wang"], 0..1), Syllable::new("芳", &["fang"], 1..2)];
        let found = typo_align("wagnfang", &name).unwrap();
        assert_eq!((found.syllables, found.exact), (0..2, true));
        let found = typo_align("wagnf", &name).unwrap();
        assert_eq!((found.syllables, found.exact), (0..2, false));
        let longer = [name[0].clone(), name[1].clone(), Syllable::new("华", &["hua"], 2..3)];
        assert_eq!(typo_align("fnaghu", &longer).map(|a| a.syllables), Some(1..3), "from a later syllable");
        assert_eq!(typo_align("fangx", &name), None, "the end of the name and an extra letter");
        assert_eq!(typo_align("wangfangx", &name).map(|a| a.exact), Some(true), "the whole name and an extra letter");
        assert_eq!(typo_align("xxxxx", &name), None);
    }
}
