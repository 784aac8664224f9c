//! The automaton that walks reading keys: "each character matched by a non-empty prefix of one
//! of its readings" (docs/search.md).
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
//! rest of the key does not matter.
//!
//! Unless the caller wants only *exact* matches — the query ending in the key's last syllable —
//! which it may decide halfway through a walk ([`ReadingAutomaton::exact_only`]): once a page is
//! full of exact matches, the keys that run on past where the query ended ("zhang'wei'hua" for
//! "zhangw", thousands of them at 200,000 members) cannot make it, and the walk stops going down
//! into them. So the walk keeps following the query past a match, to know whether it could still
//! end in a later syllable ("zh" ends in zhang's h, and in hua's h of `zhang'hua`).
//!
//! A Chinese character in a mixed query ("张s", "zhang三") stands for one whole syllable read one
//! of its readings: it is spelled out as the reading's letters with two constraints, that its
//! first letter starts a syllable and that the syllable ends right after its last letter (the
//! letter after it must start a new syllable too). Whether the character itself is the one in
//! the name is checked afterwards, on the few candidates such queries have.
//!
//! **Fuzzy pinyin** (模糊音, docs/search.md) widens what a syllable of the key accepts, for queries of
//! letters only: an initial `zh`/`ch`/`sh` may be typed without its `h` and `z`/`c`/`s` with one
//! added, `l` and `n` stand for each other at the start of a syllable, and a final `ang`/`eng`/
//! `ing` may be typed without its `g`, `an`/`en`/`in` with one added. The walk keeps the last two
//! bytes of the key's syllable and its length so far to know where it is, and realises the rules
//! as moves that consume a key byte without a query letter (the key's `h` or `g`), or a query
//! letter without a key byte (the query's `h` after the initial, its `g` at the syllable's end).
//! It accepts exactly what [`super::matcher::align`] accepts with every syllable's readings
//! widened to their fuzzy spellings ([`super::matcher::fuzzy_spellings`]); a property test holds
//! the two to that.
//!
//! Dependencies run one way: this machine implements the rule of [`super::matcher`] and uses its
//! vocabulary ([`How`]); the rule knows nothing of the machine.

use std::cell::Cell;

use fst::Automaton;

use super::index::{SECONDARY_READING, SYLLABLE_SEPARATOR};
use super::matcher::How;

/// The longest query (in letters) the automaton takes; longer queries match nothing.
pub(crate) const MAX_LETTERS: usize = 63;

/// A query compiled for walking reading keys of one key family.
#[derive(Debug, Clone)]
pub(crate) struct ReadingAutomaton {
    family: u8,
    len: u32,
    /// For each letter a–z and digit 0–9 ([`slot`]): the positions where the query has it.
    letters: [u64; SLOTS],
    /// Positions whose letter must start a syllable.
    starts_syllable: u64,
    /// Positions (letters consumed) at which the current syllable must end.
    ends_syllable: u64,
    /// Whether fuzzy pinyin is allowed (letters-only queries).
    fuzzy: bool,
    /// Whether only keys the query ends in the last syllable of are still wanted.
    exact_only: Cell<bool>,
    /// Whether a query used up inside the first of several syllables is left to the
    /// `FIRST_READING` lists (see [`ReadingAutomaton::first_syllable_listed`]).
    first_syllable_listed: bool,
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
    /// holds something other than lower-case ASCII letters and digits.
    pub(crate) fn new(family: u8, pieces: &[Piece<'_>]) -> Option<ReadingAutomaton> {
        let mut letters = [0u64; SLOTS];
        let (mut starts_syllable, mut ends_syllable) = (0u64, 0u64);
        let mut len = 0usize;
        let mut after_syllable = false;
        for piece in pieces {
            let (text, whole) = match *piece {
                Piece::Letters(text) => (text, false),
                Piece::Syllable(text) => (text, true),
            };
            for (i, byte) in text.bytes().enumerate() {
                let slot = slot(byte).filter(|_| len < MAX_LETTERS)?;
                letters[slot] |= 1 << len;
                if i == 0 && (whole || after_syllable) {
                    starts_syllable |= 1 << len;
                }
                len += 1;
            }
            if whole && !text.is_empty() {
                ends_syllable |= 1 << len;
            }
            after_syllable = whole;
        }
        (len > 0).then_some(ReadingAutomaton {
            family,
            len: len as u32,
            letters,
            starts_syllable,
            ends_syllable,
            fuzzy: false,
            exact_only: Cell::new(false),
            first_syllable_listed: false,
        })
    }

    /// The same query, for a walk that leaves to the `FIRST_READING` lists the keys it matches
    /// only by ending inside their first syllable, when the key goes on ("zhan" in `zhang'san`):
    /// those lists hand them out in rank order, and this walk then goes down no further than
    /// the first syllable for them. It still matches such a key by any other way ("zs" as
    /// `z`·`s`), and a key of one syllable ("zhan" for a name that is `zhang` alone).
    pub(crate) fn first_syllable_listed(self) -> ReadingAutomaton {
        debug_assert!(!self.fuzzy, "the lists hold exact readings");
        ReadingAutomaton { first_syllable_listed: true, ..self }
    }

    /// From now on, accept only keys whose last syllable the query ends in, and stop walking
    /// down keys that cannot be such (the walk may be under way: the fst asks the automaton
    /// afresh at every byte).
    pub(crate) fn exact_only(&self) {
        self.exact_only.set(true);
    }

    /// Whether fuzzy pinyin can match anything more than exact pinyin for these letters: only
    /// if they have an `h`, `l` or `n` (typed extra, swapped, or before a `g` missing or extra),
    /// or a `z`, `c` or `s` before a vowel (where the key may have an `h` between).
    pub(crate) fn fuzzy_can_add(letters: &str) -> bool {
        let bytes = letters.as_bytes();
        bytes.iter().any(|b| matches!(b, b'h' | b'l' | b'n'))
            || bytes
                .windows(2)
                .any(|w| matches!(w[0], b'z' | b'c' | b's') && matches!(w[1], b'a' | b'e' | b'i' | b'o' | b'u' | b'v'))
    }

    /// The same query of letters with fuzzy pinyin allowed.
    pub(crate) fn fuzzy(family: u8, letters: &str) -> Option<ReadingAutomaton> {
        ReadingAutomaton::new(family, &[Piece::Letters(letters)]).map(|a| ReadingAutomaton { fuzzy: true, ..a })
    }

    fn done_bit(&self) -> u64 {
        1 << self.len
    }

    /// The positions where the query has `letter`, a lower-case letter.
    fn typed(&self, letter: u8) -> u64 {
        self.letters[usize::from(letter - b'a')]
    }
}

/// How many different bytes a query may hold: the letters a–z and the digits 0–9.
const SLOTS: usize = 36;

/// Where a query byte is counted in [`ReadingAutomaton::letters`]: a–z, then 0–9. Digits are
/// typed for a name's digits, which are their own readings (张伟2, 一年级2班).
fn slot(byte: u8) -> Option<usize> {
    match byte {
        b'a'..=b'z' => Some(usize::from(byte - b'a')),
        b'0'..=b'9' => Some(26 + usize::from(byte - b'0')),
        _ => None,
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
        /// The query was used up somewhere in the key so far.
        done: bool,
        /// For fuzzy pinyin: where the key is in its current syllable.
        syllable: SyllableSoFar,
        /// For fuzzy pinyin: the query positions before the key's last `g` (after -an, -en,
        /// -in), which the `g` leaves matched if the syllable ends right after it.
        before_g: u64,
        /// For fuzzy pinyin: the positions of `matching` reached only by typing `l` for the key's
        /// initial `n` or the other way round. A swapped initial must be followed by another
        /// letter of the syllable (fuzzy pinyin is for syllables the user spells), so these may
        /// neither skip the rest of the syllable nor end the query.
        swapped: u64,
        /// A syllable separator has been read: the key is past its first syllable.
        past_first: bool,
    },
    Dead,
}

/// The length of the key's current syllable so far (saturating) and its last two bytes: all that
/// the fuzzy rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct SyllableSoFar {
    len: u8,
    last: u8,
    before_last: u8,
}

impl SyllableSoFar {
    fn push(self, byte: u8) -> SyllableSoFar {
        SyllableSoFar { len: self.len.saturating_add(1), last: byte, before_last: self.last }
    }

    /// Just after an initial z, c or s: where a typed `h` may be extra.
    fn after_flat_initial(self) -> bool {
        self.len == 1 && matches!(self.last, b'z' | b'c' | b's')
    }

    /// Ends in -an, -en or -in: where a `g` may be missing or extra.
    fn after_front_nasal(self) -> bool {
        self.len >= 2 && self.last == b'n' && matches!(self.before_last, b'a' | b'e' | b'i')
    }
}

impl Automaton for ReadingAutomaton {
    type State = Walk;

    fn start(&self) -> Walk {
        Walk::Family
    }

    fn is_match(&self, state: &Walk) -> bool {
        match *state {
            Walk::Syllables { matching, skipping, done, syllable, before_g, swapped, .. } => {
                // The end of the key ends its last syllable too.
                let in_last_syllable =
                    (skipping | self.fuzzy_moves(matching & !swapped, syllable, before_g, None)) & self.done_bit();
                in_last_syllable != 0 || (done && !self.exact_only.get())
            }
            _ => false,
        }
    }

    fn can_match(&self, state: &Walk) -> bool {
        !matches!(state, Walk::Dead)
    }

    fn will_always_match(&self, state: &Walk) -> bool {
        matches!(state, Walk::Syllables { done: true, .. }) && !self.exact_only.get()
    }

    fn accept(&self, state: &Walk, byte: u8) -> Walk {
        match *state {
            Walk::Family if byte == self.family => Walk::Syllables {
                at_start: 1,
                matching: 0,
                skipping: 0,
                done: false,
                syllable: SyllableSoFar::default(),
                before_g: 0,
                swapped: 0,
                past_first: false,
            },
            Walk::Family | Walk::Dead => Walk::Dead,
            // The mark of a secondary reading ends the key and changes nothing of the match.
            Walk::Syllables { .. } if byte == SECONDARY_READING => *state,
            Walk::Syllables { at_start, matching, skipping, done, syllable, before_g, swapped, past_first } => {
                let bit = self.done_bit();
                let next_byte = (byte != SYLLABLE_SEPARATOR).then_some(byte);
                let matching = self.fuzzy_moves(matching, syllable, before_g, next_byte);
                // What may end the syllable here: not a swapped initial alone.
                let settled = matching & !swapped;
                // A query used up by the end of a syllable ended before the next one: it is
                // `done`, and the next syllable starts without it.
                let ended = byte == SYLLABLE_SEPARATOR && (settled | skipping) & bit != 0;
                let (at_start, matching, skipping, syllable, before_g, swapped) = if byte == SYLLABLE_SEPARATOR {
                    ((settled | skipping) & !bit, 0, 0, SyllableSoFar::default(), 0, 0)
                } else if let Some(slot) = slot(byte) {
                    let exactly = self.letters[slot];
                    let mut here = exactly;
                    if self.fuzzy && syllable.len == 0 && matches!(byte, b'l' | b'n') {
                        here = self.typed(b'l') | self.typed(b'n');
                    }
                    let matched = (at_start & here) | (matching & here & !self.starts_syllable);
                    let swapped = (at_start & here & !exactly) << 1;
                    let mut advanced = matched << 1;
                    let mut before_g = 0;
                    if self.fuzzy && byte == b'h' && syllable.after_flat_initial() {
                        advanced |= matching; // the key's h, not typed: zang for zhang
                    }
                    if self.fuzzy && byte == b'g' && syllable.after_front_nasal() {
                        before_g = matching; // the key's g, not typed: zhan for zhang
                    }
                    (0, advanced, (settled & !self.ends_syllable) | skipping, syllable.push(byte), before_g, swapped)
                } else {
                    return Walk::Dead;
                };
                let used_up = ended || (skipping | (matching & !swapped & !self.ends_syllable)) & bit != 0;
                let done = done || (used_up && (past_first || !self.first_syllable_listed));
                let past_first = past_first || byte == SYLLABLE_SEPARATOR;
                // Past a match, every key below matches too — unless only exact ones are wanted.
                let matches_below = done && !self.exact_only.get();
                if at_start | matching | skipping | before_g == 0 && !matches_below {
                    Walk::Dead
                } else {
                    Walk::Syllables { at_start, matching, skipping, done, syllable, before_g, swapped, past_first }
                }
            }
        }
    }
}

/// How a letters-only query matches one reading key (see [`ReadingAutomaton::judge`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyMatch {
    /// Some way of matching covers every syllable of the key.
    pub(crate) exact: bool,
    pub(crate) how: How,
    /// The query ends inside a reading rather than with it.
    pub(crate) partial: bool,
}

impl ReadingAutomaton {
    /// How a query of letters matches a reading key it accepts, from the key's first syllable:
    /// the best match by [`super::matcher::align`]'s order — exact before not, then by [`How`],
    /// then complete before partial — without building the key's syllables. For a key that
    /// starts at a later syllable of a name (not `from_start`), every match is infix, and
    /// covering the rest of the key makes none better. It runs the query over the key once more
    /// in three ways at once: any way (an abbreviation), the *pure* ways that never skip the
    /// rest of a syllable (full pinyin), and the ways that take one letter of each syllable
    /// (initials).
    pub(crate) fn judge(&self, key: &[u8], from_start: bool) -> Option<KeyMatch> {
        debug_assert!(!self.fuzzy && self.starts_syllable == 0 && self.ends_syllable == 0);
        let bit = self.done_bit();
        let last_syllable = key.iter().rposition(|&b| b == SYLLABLE_SEPARATOR).map_or(0, |i| i + 1);
        let (mut at_start, mut matching, mut skipping) = (1u64, 0u64, 0u64);
        let (mut pure_at_start, mut pure_matching) = (1u64, 0u64);
        let (mut initials_at_start, mut initials_matching) = (1u64, 0u64);
        // completed[in the last syllable][how: pinyin, initials, abbreviation][partial]
        let mut completed = [[[false; 2]; 3]; 2];
        let mut first_of_syllable = true;
        for (i, &byte) in key.iter().enumerate() {
            if byte == SYLLABLE_SEPARATOR {
                (at_start, matching, skipping) = (matching | skipping, 0, 0);
                (pure_at_start, pure_matching) = (pure_matching, 0);
                (initials_at_start, initials_matching) = (initials_matching, 0);
                first_of_syllable = true;
                continue;
            }
            let here = slot(byte).map_or(0, |slot| self.letters[slot]);
            skipping |= matching;
            matching = ((at_start | matching) & here) << 1;
            pure_matching = ((pure_at_start | pure_matching) & here) << 1;
            if first_of_syllable {
                initials_matching = (initials_at_start & here) << 1;
            }
            let reached = [pure_matching, if first_of_syllable { initials_matching } else { 0 }, matching];
            (at_start, pure_at_start, initials_at_start, first_of_syllable) = (0, 0, 0, false);
            let in_last = usize::from(i >= last_syllable);
            let partial = usize::from(key.get(i + 1).is_some_and(|&next| next != SYLLABLE_SEPARATOR));
            for (how, states) in reached.into_iter().enumerate() {
                completed[in_last][how][partial] |= states & bit != 0;
            }
        }
        const HOWS: [How; 3] = [How::Pinyin, How::Initials, How::Abbreviation];
        // Completing in the last syllable covers the whole key: exact. In the order of quality:
        for in_last in [1, 0] {
            for (h, how) in HOWS.into_iter().enumerate() {
                for partial in [0, 1] {
                    // From a later syllable, covering the key is no better: either will do.
                    let found = completed[in_last][h][partial] || (!from_start && completed[0][h][partial]);
                    if found {
                        let exact = in_last == 1 && completed[1][h][partial];
                        return Some(KeyMatch { exact, how, partial: partial == 1 });
                    }
                }
            }
        }
        None
    }

    /// The fuzzy moves due before the key's next byte (None: the syllable ends), which consume
    /// a typed letter the key does not have, or settle a key letter that was not typed.
    fn fuzzy_moves(&self, mut matching: u64, syllable: SyllableSoFar, before_g: u64, next: Option<u8>) -> u64 {
        if !self.fuzzy {
            return matching;
        }
        let typed = |letter: u8| self.typed(letter);
        if syllable.after_flat_initial() && next != Some(b'h') {
            matching |= (matching & typed(b'h')) << 1; // a typed h the key lacks: zhan for zan
        }
        if next.is_none() {
            if syllable.after_front_nasal() {
                matching |= (matching & typed(b'g')) << 1; // a typed g the key lacks: lang for lan
            }
            matching |= before_g;
        }
        matching
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: u8 = 3;

    /// Whether the automaton accepts the key (family byte first), asked for exact matches only
    /// from its `exact_from`-th byte on (the family byte is byte 0) if that is given.
    fn walk(automaton: &ReadingAutomaton, key: &str, exact_from: Option<usize>) -> bool {
        let mut state = automaton.start();
        for (i, byte) in std::iter::once(F).chain(key.bytes()).enumerate() {
            if exact_from == Some(i) {
                automaton.exact_only();
            }
            state = automaton.accept(&state, byte);
        }
        if exact_from.is_some() {
            automaton.exact_only(); // also when asked only after the last byte
        }
        automaton.is_match(&state)
    }

    fn matches(pieces: &[Piece<'_>], key: &str) -> bool {
        walk(&ReadingAutomaton::new(F, pieces).unwrap(), key, None)
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

    fn fuzzy(query: &str, key: &str) -> bool {
        walk(&ReadingAutomaton::fuzzy(F, query).unwrap(), key, None)
    }

    #[test]
    fn fuzzy_pinyin_pairs() {
        for query in ["zangsan", "zhangshan", "zansan", "zhansan", "zs", "zhs", "zhanshan", "zans"] {
            assert!(fuzzy(query, "zhang'san"), "{query}");
        }
        for query in ["liling", "nining", "lin", "nin", "li", "nl", "nili"] {
            assert!(fuzzy(query, "ning'lin"), "{query}");
        }
        // Never on a lone initial: "ylh" does not find 杨宁欢, nor "ln" 宁林.
        for (query, key) in [("ln", "ning'lin"), ("l", "ning'lin"), ("ylh", "yang'ning'huan"), ("yangl", "yang'ning")] {
            assert!(!fuzzy(query, key), "{query} {key}");
        }
        assert!(fuzzy("chenqi", "cen'qi") && fuzzy("cengqi", "chen'qi"));
        // the g is dropped or added only at the end of a syllable, the h only after the initial
        assert!(!fuzzy("anela", "angela"));
        assert!(!fuzzy("zhh", "zhang"));
        assert!(!fuzzy("zangx", "zhang'san"));
        assert!(!letters("zangsan", "zhang'san"), "the exact automaton stays exact");
    }

    #[test]
    fn from_a_later_syllable_covering_the_key_is_no_better() {
        // "sh" covers sheng'hai by initials (s·h), and begins sheng by pinyin.
        let automaton = ReadingAutomaton::new(F, &[Piece::Letters("sh")]).unwrap();
        let judged = |from_start| automaton.judge(b"sheng'hai", from_start).map(|k| (k.exact, k.how, k.partial));
        assert_eq!(judged(true), Some((true, How::Initials, true)), "宋胜海 from its start: the whole name");
        assert_eq!(
            judged(false).map(|(_, how, partial)| (how, partial)),
            Some((How::Pinyin, true)),
            "胜海 inside 宋胜海"
        );
    }

    fn syllable_keys() -> impl proptest::strategy::Strategy<Value = Vec<&'static str>> {
        const POOL: [&str; 24] = [
            "zhang", "zan", "san", "shan", "lin", "ning", "chen", "cen", "an", "ang", "en", "eng", "li", "ni", "zi",
            "zhi", "ci", "chi", "nan", "lang", "sheng", "sen", "angela", "zhukov",
        ];
        proptest::collection::vec(proptest::sample::select(&POOL[..]), 1..4)
    }

    proptest::proptest! {
        /// The automaton accepts a key exactly when the matcher aligns the query with the key's
        /// syllables from the first one on, exactly and with fuzzy pinyin alike.
        #[test]
        fn the_automaton_agrees_with_the_matcher(
            key in syllable_keys(),
            query in "[zhcsnlaegiuo]{1,7}",
            switch_at in 0usize..24,
        ) {
            use crate::search::matcher::{align, align_fuzzy, QueryUnit, Syllable};
            let syllables: Vec<Syllable<'_>> =
                key.iter().enumerate().map(|(i, r)| Syllable::new("", &[*r], i as u32..i as u32 + 1)).collect();
            let joined = key.join("'");
            let units = QueryUnit::parse(&query);
            let from_start = |a: Option<crate::search::matcher::Alignment>| a.is_some_and(|a| a.syllables.start == 0);
            proptest::prop_assert_eq!(letters(&query, &joined), from_start(align(&units, &syllables)), "exact");
            let marked = format!("{joined}{}", char::from(SECONDARY_READING));
            proptest::prop_assert_eq!(letters(&query, &marked), letters(&query, &joined), "a secondary reading's mark");
            // Asked for exact matches only, even from halfway through the key: those whose last
            // syllable the query ends in.
            let exact = align(&units, &syllables).is_some_and(|a| a.syllables.start == 0 && a.exact);
            let automaton = ReadingAutomaton::new(F, &[Piece::Letters(&query)]).unwrap();
            let switch_at = switch_at.min(joined.len() + 1);
            proptest::prop_assert_eq!(walk(&automaton, &joined, Some(switch_at)), exact, "exact only");
            proptest::prop_assert_eq!(fuzzy(&query, &joined), from_start(align_fuzzy(&units, &syllables)), "fuzzy");
            if !ReadingAutomaton::fuzzy_can_add(&query) {
                proptest::prop_assert_eq!(fuzzy(&query, &joined), letters(&query, &joined), "fuzzy adds nothing");
            }
            let judge = |from_start| ReadingAutomaton::new(F, &[Piece::Letters(&query)]).unwrap().judge(joined.as_bytes(), from_start);
            let aligned = align(&units, &syllables).filter(|a| a.syllables.start == 0)
                .map(|a| KeyMatch { exact: a.exact, how: a.how, partial: a.partial });
            proptest::prop_assert_eq!(judge(true), aligned, "judge");
            // From a later syllable: the best by how and partial alone, as align finds it when a
            // syllable nothing matches follows, so that no match covers the key.
            let unmatched = Syllable::new("", &[], syllables.len() as u32..syllables.len() as u32 + 1);
            let infix = align(&units, &[syllables.clone(), vec![unmatched]].concat())
                .filter(|a| a.syllables.start == 0)
                .map(|a| (a.how, a.partial));
            proptest::prop_assert_eq!(judge(false).map(|k| (k.how, k.partial)), infix, "judge from a later syllable");
        }
    }

    #[test]
    fn other_families_and_bytes_do_not_match() {
        let automaton = ReadingAutomaton::new(F, &[Piece::Letters("a")]).unwrap();
        assert_eq!(automaton.accept(&automaton.start(), F + 1), Walk::Dead);
        assert!(ReadingAutomaton::new(F, &[Piece::Letters("a.")]).is_none());
        assert!(ReadingAutomaton::new(F, &[Piece::Letters("a1")]).is_some(), "digits are typed for digits");
        assert!(ReadingAutomaton::new(F, &[Piece::Letters(&"a".repeat(64))]).is_none());
    }
}
