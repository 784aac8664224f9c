//! The automaton that walks reading keys: "each character matched by a non-empty prefix of one
//! of its readings" (SPEC §4).
//!
//! A reading key is a run of syllables separated by `'`: 张三 is `zhang'san`. The query is a
//! run of letters with no syllable boundaries in it: "zhangsan", "zs", "zhangs" and "zhsan" must
//! all match `zhang'san`. Reading the key byte by byte, the query may be in three kinds of place:
//!
//! - **B**: at the start of a syllable, having consumed `j` letters of the query;
//! - **M**: inside a syllable, having matched the syllable's first letters against query letters
//!   up to `j`;
//! - **S**: skipping the rest of a syllable whose prefix (at least one letter) matched.
//!
//! The query can be in several places at once (in "zhzh" against `zhang'zhang`, after `zh` it has
//! consumed two letters, or one letter and skipped), so each kind is a set of query positions,
//! kept as a 64-bit mask, and a key byte moves all of them at once with shifts and ands — the
//! bit-parallel simulation of a small NFA. The whole query consumed at any point is a match: the
//! rest of the key does not matter, and the fst can hand over every key below without asking.
//!
//! A Chinese character in a mixed query ("张s", "zhang三") stands for one whole syllable read one
//! of its readings: it is spelled out as the reading's letters with two constraints, that its
//! first letter starts a syllable and that the syllable ends right after its last letter (the
//! letter after it must start a new syllable too). Whether the character itself is the one in
//! the name is checked afterwards, on the few candidates such queries have.

use fst::Automaton;

use super::index::SYLLABLE_SEPARATOR;

/// The longest query (in letters) the automaton takes; longer queries match nothing.
pub(crate) const MAX_LETTERS: usize = 63;

/// A query compiled for walking reading keys of one key family.
#[derive(Debug, Clone)]
pub(crate) struct ReadingAutomaton {
    family: u8,
    len: u32,
    /// For each letter a–z: the positions where the query has that letter.
    letters: [u64; 26],
    /// Positions whose letter must start a syllable.
    starts_syllable: u64,
    /// Positions (letters consumed) at which the current syllable must end.
    ends_syllable: u64,
}

/// One piece of a reading query: letters typed, or a character's reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Letters(&'a str),
    /// The reading of a Chinese character: a whole syllable.
    Syllable(&'a str),
}

impl ReadingAutomaton {
    /// Compiles the pieces of a query for keys of `family`; None when the query is too long or
    /// holds something other than ASCII letters.
    pub(crate) fn new(family: u8, pieces: &[Piece<'_>]) -> Option<ReadingAutomaton> {
        let mut letters = [0u64; 26];
        let (mut starts_syllable, mut ends_syllable) = (0u64, 0u64);
        let mut len = 0usize;
        let mut after_syllable = false;
        for piece in pieces {
            let (text, whole) = match *piece {
                Piece::Letters(text) => (text, false),
                Piece::Syllable(text) => (text, true),
            };
            for (i, byte) in text.bytes().enumerate() {
                if !byte.is_ascii_lowercase() || len >= MAX_LETTERS {
                    return None;
                }
                letters[usize::from(byte - b'a')] |= 1 << len;
                if (whole && i == 0) || (after_syllable && i == 0) {
                    starts_syllable |= 1 << len;
                }
                len += 1;
            }
            if whole && !text.is_empty() {
                ends_syllable |= 1 << len;
            }
            after_syllable = whole;
        }
        (len > 0).then_some(ReadingAutomaton { family, len: len as u32, letters, starts_syllable, ends_syllable })
    }

    fn done_bit(&self) -> u64 {
        1 << self.len
    }
}

/// Where the query stands after the bytes of a key read so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Walk {
    /// The family byte is still to come.
    Family,
    Syllables {
        at_start: u64,
        matching: u64,
        skipping: u64,
        done: bool,
    },
    Dead,
}

impl Automaton for ReadingAutomaton {
    type State = Walk;

    fn start(&self) -> Walk {
        Walk::Family
    }

    fn is_match(&self, state: &Walk) -> bool {
        // The end of the key ends its last syllable too.
        matches!(*state, Walk::Syllables { matching, done, .. } if done || matching & self.done_bit() != 0)
    }

    fn can_match(&self, state: &Walk) -> bool {
        !matches!(state, Walk::Dead)
    }

    fn will_always_match(&self, state: &Walk) -> bool {
        matches!(state, Walk::Syllables { done: true, .. })
    }

    fn accept(&self, state: &Walk, byte: u8) -> Walk {
        match *state {
            Walk::Family if byte == self.family => {
                Walk::Syllables { at_start: 1, matching: 0, skipping: 0, done: false }
            }
            Walk::Family | Walk::Dead => Walk::Dead,
            Walk::Syllables { done: true, .. } => *state,
            Walk::Syllables { at_start, matching, skipping, .. } => {
                let (at_start, matching, skipping) = if byte == SYLLABLE_SEPARATOR {
                    (matching | skipping, 0, 0)
                } else if byte.is_ascii_lowercase() {
                    let here = self.letters[usize::from(byte - b'a')];
                    let matched = (at_start & here) | (matching & here & !self.starts_syllable);
                    (0, matched << 1, (matching & !self.ends_syllable) | skipping)
                } else {
                    return Walk::Dead;
                };
                let bit = self.done_bit();
                let done = (at_start | skipping | (matching & !self.ends_syllable)) & bit != 0;
                if at_start | matching | skipping == 0 {
                    Walk::Dead
                } else {
                    Walk::Syllables { at_start, matching, skipping, done }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: u8 = 3;

    fn matches(pieces: &[Piece<'_>], key: &str) -> bool {
        let automaton = ReadingAutomaton::new(F, pieces).unwrap();
        let mut state = automaton.start();
        for byte in std::iter::once(F).chain(key.bytes()) {
            state = automaton.accept(&state, byte);
        }
        automaton.is_match(&state)
    }

    fn letters(query: &str, key: &str) -> bool {
        matches(&[Piece::Letters(query)], key)
    }

    #[test]
    fn each_syllable_is_matched_by_a_prefix_of_its_reading() {
        for query in ["zhangsan", "zs", "zhangs", "zhsan", "z", "zhang", "zsa"] {
            assert!(letters(query, "zhang'san"), "{query}");
        }
        for query in ["hangsan", "san", "zsx", "zz", "zhangsanx", "zan"] {
            assert!(!letters(query, "zhang'san"), "{query}");
        }
    }

    #[test]
    fn the_query_may_end_anywhere_in_the_key() {
        assert!(letters("ouy", "ou'yang'na'na"));
        assert!(letters("oyn", "ou'yang'na'na"));
        assert!(!letters("oynnn", "ou'yang'na'na"));
    }

    #[test]
    fn ambiguous_splits_are_all_followed() {
        // "zhzh": z|h? no — zh|zh over zhang'zhang; and "xian" over xi'an as well as xian.
        assert!(letters("zhzh", "zhang'zhang"));
        assert!(letters("xian", "xi'an"));
        assert!(letters("xian", "xian"));
        assert!(letters("xa", "xi'an"));
    }

    #[test]
    fn a_character_is_a_whole_syllable() {
        // 张s: 张 is zhang, a whole syllable, then s starts the next.
        let zhang_s = [Piece::Syllable("zhang"), Piece::Letters("s")];
        assert!(matches(&zhang_s, "zhang'san"));
        assert!(!matches(&zhang_s, "zhangs'an"));
        // zhang三: letters, then san as a whole syllable that must start a syllable.
        let zhang_san = [Piece::Letters("zhang"), Piece::Syllable("san")];
        assert!(matches(&zhang_san, "zhang'san"));
        assert!(!matches(&zhang_san, "zhang'sang"));
        assert!(!matches(&zhang_san, "zhangsan"));
        // 西 then "an": the letters after a character start a new syllable.
        let xi_an = [Piece::Syllable("xi"), Piece::Letters("an")];
        assert!(matches(&xi_an, "xi'an"));
        assert!(!matches(&xi_an, "xian"));
    }

    #[test]
    fn other_families_and_bytes_do_not_match() {
        let automaton = ReadingAutomaton::new(F, &[Piece::Letters("a")]).unwrap();
        assert_eq!(automaton.accept(&automaton.start(), F + 1), Walk::Dead);
        assert!(ReadingAutomaton::new(F, &[Piece::Letters("a1")]).is_none());
        assert!(ReadingAutomaton::new(F, &[Piece::Letters(&"a".repeat(64))]).is_none());
    }
}
