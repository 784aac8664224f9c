//! The exact rule of name matching (docs/search.md), applied to one name: does the query match, how
//! well, and which characters does it cover?
//!
//! The index finds candidates fast; this module is the definition they are checked against. It
//! decides, for a name read as syllables (张三 is 张/zhang, 三/san), whether the query — typed
//! letters and Chinese characters — matches some run of consecutive syllables, each syllable
//! taken either by its own character or by a non-empty prefix of one of its readings; and of all
//! the ways it does, which is best:
//!
//! - *where*: covering the whole name (exact) beats starting at its first syllable (prefix),
//!   which beats starting later (infix);
//! - *how*: by characters (name) beats by full readings (pinyin — the last syllable may be a
//!   prefix, as in "zhangs"), which beats by first letters (initials, "zs"), which beats any
//!   other abbreviation ("zhsan", "zhs" for 张三);
//! - *complete* beats *partial*: a query that ends with a whole reading ("wangmin" for 王敏)
//!   beats one that ends inside it (王明, whose ming it only begins).
//!
//! ```
//! use tongxunlu::search::{align, How, QueryUnit, Syllable};
//! let name = [Syllable::new("张", &["zhang"], 0..1), Syllable::new("三", &["san"], 1..2)];
//! let found = align(&QueryUnit::parse("zs"), &name).unwrap();
//! assert_eq!((found.how, found.exact, found.syllables), (How::Initials, true, 0..2));
//! let found = align(&QueryUnit::parse("zhs"), &name).unwrap();
//! assert_eq!((found.how, found.partial), (How::Abbreviation, true));
//! ```
//!
//! This module depends on no other part of search: the machines that find candidates fast
//! ([`super::automaton`] for readings, [`super::typo`] for typos) implement its rule and use its
//! types, and the engine applies it to the candidates they find.

use std::borrow::Cow;
use std::ops::Range;

/// How a name was matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum How {
    /// By the characters themselves.
    Name,
    /// By full readings, the last syllable possibly by a prefix.
    Pinyin,
    /// By the first letter of every syllable ("zs").
    Initials,
    /// By any other mix of reading prefixes ("zhsan", "zhs", "zsan").
    Abbreviation,
}

/// What the syllables matched by letters so far allow the whole match to be called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    /// Every syllable so far taken by its character.
    characters: bool,
    /// Every syllable so far taken by a whole reading (or, the last, by a prefix of one).
    readings: bool,
    /// Every syllable so far taken by one letter.
    first_letters: bool,
}

impl Shape {
    const START: Shape = Shape { characters: true, readings: true, first_letters: true };

    /// After a syllable taken by `taken` letters; `full`: they spell a whole reading; `last`:
    /// they are the query's last letters.
    fn by_letters(self, taken: usize, full: bool, last: bool) -> Shape {
        Shape {
            characters: false,
            readings: self.readings && (full || last),
            first_letters: self.first_letters && taken == 1,
        }
    }

    fn how(self) -> How {
        if self.characters {
            How::Name
        } else if self.readings {
            How::Pinyin
        } else if self.first_letters {
            How::Initials
        } else {
            How::Abbreviation
        }
    }
}

/// One syllable of a name: its text (a character, or a Latin word), its readings and the
/// characters of the displayed name it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syllable<'a> {
    /// The syllable as displayed, normalised: a Chinese character, or a Latin word or digits.
    pub text: Cow<'a, str>,
    /// Its readings (a–z, 0–9), the usual one first; a Latin word is its own reading.
    pub readings: Vec<&'a str>,
    /// The characters of the displayed name it covers.
    pub chars: Range<u32>,
}

impl<'a> Syllable<'a> {
    /// A syllable that owns its text, for tests and examples.
    #[cfg(any(test, feature = "internals"))]
    pub fn new(text: &str, readings: &[&'a str], chars: Range<u32>) -> Syllable<'a> {
        Syllable { text: Cow::Owned(text.to_owned()), readings: readings.to_vec(), chars }
    }
}

/// One unit of a query: a typed letter, or a Chinese character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryUnit {
    /// A lower-case ASCII letter, accents folded away (è is typed e), or a digit: a name's
    /// digits and Latin words are their own readings (张伟2, Tony2, 一年级2班).
    Letter(u8),
    /// A Chinese character, matched by the syllable that is that character.
    Han(char),
}

impl QueryUnit {
    /// [`Self::try_parse`], with no units for a query it refuses.
    #[cfg(any(test, feature = "internals"))]
    pub fn parse(query: &str) -> Vec<QueryUnit> {
        Self::try_parse(query).unwrap_or_default()
    }

    /// Splits an already normalised query into units; spaces and `'` are dropped (they only
    /// separate syllables), and None is returned for anything that is neither a lower-case
    /// ASCII letter (after folding accents and tone marks) or digit nor a Chinese character. A `ü` (with
    /// a tone mark or not) after l or n is the `v` readings write it as (lü, nüe); anywhere
    /// else it is u, as pinyin writes it after j, q, x and y and as Latin names are read.
    pub(crate) fn try_parse(query: &str) -> Option<Vec<QueryUnit>> {
        let mut previous = ' ';
        query
            .chars()
            .filter(|c| !matches!(c, ' ' | '\''))
            .map(|c| {
                let umlaut = matches!(c, 'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ');
                let folded =
                    if umlaut && matches!(previous, 'l' | 'n') { 'v' } else { crate::text::normalize::fold_accent(c) };
                previous = folded;
                folded
            })
            .map(|c| {
                if c.is_ascii_lowercase() || c.is_ascii_digit() {
                    Some(QueryUnit::Letter(c as u8))
                } else if crate::text::normalize::is_han(c) {
                    Some(QueryUnit::Han(c))
                } else {
                    None
                }
            })
            .collect()
    }
}

/// The best way a query matches a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alignment {
    /// The syllables covered.
    pub syllables: Range<usize>,
    /// How the covered syllables were matched.
    pub how: How,
    /// The query covers every syllable of the name.
    pub exact: bool,
    /// The query's last letters only begin the reading of the last syllable they match.
    pub partial: bool,
}

impl Alignment {
    /// The character ranges of the displayed name the match covers, merged where adjacent.
    pub fn char_ranges(&self, syllables: &[Syllable<'_>]) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for s in &syllables[self.syllables.clone()] {
            match out.last_mut() {
                Some(last) if last.1 == s.chars.start => last.1 = s.chars.end,
                _ => out.push((s.chars.start, s.chars.end)),
            }
        }
        out
    }

    /// Where the match stands: 0 exact, 1 prefix, 2 infix.
    pub fn place(&self) -> u8 {
        match (self.exact, self.syllables.start) {
            (true, _) => 0,
            (false, 0) => 1,
            _ => 2,
        }
    }
}

/// The best alignment of `units` with a run of `syllables`, if there is one.
pub fn align(units: &[QueryUnit], syllables: &[Syllable<'_>]) -> Option<Alignment> {
    align_with(units, syllables, Spelling::Exact)
}

/// Where a query typed as text — characters with digits or signs, "销售1部" — starts a run of
/// syllables (names are found by such text from the start of a syllable): the syllables it
/// covers, the last perhaps in part.
///
/// ```
/// use tongxunlu::search::{align_text, Syllable};
/// let name = [Syllable::new("销", &["xiao"], 0..1), Syllable::new("12", &["12"], 1..3), Syllable::new("部", &["bu"], 3..4)];
/// assert_eq!(align_text("销1", &name).map(|a| a.syllables), Some(0..2));
/// assert_eq!(align_text("12部", &name).map(|a| (a.syllables, a.exact)), Some((1..3, false)));
/// assert!(align_text("销12部", &name).unwrap().exact);
/// ```
pub fn align_text(text: &str, syllables: &[Syllable<'_>]) -> Option<Alignment> {
    (0..syllables.len()).find_map(|start| {
        let mut spelt = String::new();
        for (end, syllable) in syllables.iter().enumerate().skip(start) {
            spelt.push_str(&syllable.text);
            if spelt.len() >= text.len() {
                let exact = start == 0 && end + 1 == syllables.len() && spelt.len() == text.len();
                return spelt.starts_with(text).then_some(Alignment {
                    syllables: start..end + 1,
                    how: How::Name,
                    exact,
                    partial: false,
                });
            }
        }
        None
    })
}

/// The best alignment with fuzzy pinyin allowed (模糊音: each reading also matched by its fuzzy
/// spellings, zhang by zang, zhan and zan).
pub fn align_fuzzy(units: &[QueryUnit], syllables: &[Syllable<'_>]) -> Option<Alignment> {
    align_with(units, syllables, Spelling::Fuzzy)
}

/// A syllable's fuzzy spellings (docs/search.md), itself first: zhang → zhang, zang, zhan, zan.
pub(crate) fn fuzzy_spellings(reading: &str) -> Vec<String> {
    let initials: Vec<(String, &str)> = {
        let (initial, rest) = match reading.as_bytes() {
            [b'z' | b'c' | b's', b'h', ..] => reading.split_at(2),
            [b'z' | b'c' | b's' | b'l' | b'n', ..] => reading.split_at(1),
            _ => ("", reading),
        };
        let other = match initial {
            "zh" | "ch" | "sh" => Some(initial[..1].to_owned()),
            "z" | "c" | "s" => Some(format!("{initial}h")),
            "l" => Some("n".to_owned()),
            "n" => Some("l".to_owned()),
            _ => None,
        };
        std::iter::once(initial.to_owned()).chain(other).map(|i| (i, rest)).collect()
    };
    let mut spellings = Vec::new();
    for (initial, rest) in initials {
        let mut finals = vec![rest.to_owned()];
        let front_nasal = |s: &str| s.ends_with("an") || s.ends_with("en") || s.ends_with("in");
        if let Some(stem) = rest.strip_suffix('g').filter(|s| front_nasal(s)) {
            finals.push(stem.to_owned());
        } else if front_nasal(rest) {
            finals.push(format!("{rest}g"));
        }
        spellings.extend(finals.into_iter().map(|f| format!("{initial}{f}")));
    }
    spellings
}

/// Which spellings of a reading the typed letters are matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
    Exact,
    Fuzzy,
}

fn align_with(units: &[QueryUnit], syllables: &[Syllable<'_>], spelling: Spelling) -> Option<Alignment> {
    if units.is_empty() {
        return None;
    }
    let mut best: Option<Alignment> = None;
    for start in 0..syllables.len() {
        let mut consider = |end: usize, shape: Shape, partial: bool| {
            let candidate = Alignment {
                syllables: start..end,
                how: shape.how(),
                exact: start == 0 && end == syllables.len(),
                partial,
            };
            let better = match &best {
                None => true,
                Some(b) => candidate.quality() < b.quality(),
            };
            if better {
                best = Some(candidate);
            }
        };
        extend(units, syllables, start, Shape::START, spelling, &mut consider);
    }
    best
}

impl Alignment {
    /// What makes one alignment better than another, smaller first.
    fn quality(&self) -> (u8, How, bool) {
        (self.place(), self.how, self.partial)
    }
}

/// Consumes `units` from syllable `at` on, calling `done(end, shape, partial)` for every way the
/// units are used up.
fn extend(
    units: &[QueryUnit],
    syllables: &[Syllable<'_>],
    at: usize,
    shape: Shape,
    spelling: Spelling,
    done: &mut impl FnMut(usize, Shape, bool),
) {
    let Some(syllable) = syllables.get(at) else { return };
    match units[0] {
        QueryUnit::Han(c) => {
            let mut own = [0u8; 4];
            if syllable.text == *c.encode_utf8(&mut own) {
                next(units, 1, syllables, at, shape, false, spelling, done);
            }
        }
        QueryUnit::Letter(_) => {
            let typed = units.iter().map_while(|u| match u {
                QueryUnit::Letter(b) => Some(*b),
                QueryUnit::Han(_) => None,
            });
            let fuzzy: Vec<String> = match spelling {
                Spelling::Exact => Vec::new(),
                Spelling::Fuzzy => syllable.readings.iter().flat_map(|r| fuzzy_spellings(r)).collect(),
            };
            // A fuzzy spelling is matched only by a syllable the user spells, two letters or
            // more: "ylh" must not find 杨宁欢 through l for n.
            let readings = |taken: usize| {
                let fuzzy = fuzzy.iter().filter(move |_| taken >= 2);
                syllable.readings.iter().copied().chain(fuzzy.map(String::as_str))
            };
            // How many typed letters each reading begins with. Every length up to the longest is
            // the start of some reading, so the typed letters may take any of them.
            let common = |reading: &str| reading.bytes().zip(typed.clone()).take_while(|(a, b)| a == b).count();
            let longest = readings(2).map(common).max().unwrap_or(0);
            for taken in 1..=longest {
                if readings(taken).all(|r| common(r) < taken) {
                    continue;
                }
                let full = readings(taken).any(|r| r.len() == taken && common(r) == taken);
                let last = taken == units.len();
                next(units, taken, syllables, at, shape.by_letters(taken, full, last), !full, spelling, done);
            }
        }
    }
}

/// Goes on after syllable `at` took `used` units; `partial`: they only began its reading.
#[allow(clippy::too_many_arguments)]
fn next(
    units: &[QueryUnit],
    used: usize,
    syllables: &[Syllable<'_>],
    at: usize,
    shape: Shape,
    partial: bool,
    spelling: Spelling,
    done: &mut impl FnMut(usize, Shape, bool),
) {
    if used == units.len() {
        done(at + 1, shape, partial);
    } else {
        extend(&units[used..], syllables, at + 1, shape, spelling, done);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zhang_san() -> Vec<Syllable<'static>> {
        vec![Syllable::new("张", &["zhang"], 0..1), Syllable::new("三", &["san"], 1..2)]
    }

    fn found(query: &str) -> Option<(u8, How, Range<usize>)> {
        align(&QueryUnit::parse(query), &zhang_san()).map(|a| (a.place(), a.how, a.syllables))
    }

    #[test]
    fn the_ways_of_spec_section_4() {
        assert_eq!(found("zhangsan"), Some((0, How::Pinyin, 0..2)));
        assert_eq!(found("zhangs"), Some((0, How::Pinyin, 0..2)));
        assert_eq!(found("zs"), Some((0, How::Initials, 0..2)));
        assert_eq!(found("zhsan"), Some((0, How::Abbreviation, 0..2)));
        assert_eq!(found("zhs"), Some((0, How::Abbreviation, 0..2)));
        assert_eq!(found("zsan"), Some((0, How::Abbreviation, 0..2)));
        assert_eq!(found("zhang"), Some((1, How::Pinyin, 0..1)));
        assert_eq!(found("san"), Some((2, How::Pinyin, 1..2)));
        assert_eq!(found("张三"), Some((0, How::Name, 0..2)));
        assert_eq!(found("三"), Some((2, How::Name, 1..2)));
        assert_eq!(found("张s"), Some((0, How::Pinyin, 0..2)));
        assert_eq!(found("zhang三"), Some((0, How::Pinyin, 0..2)));
        assert_eq!(found("zhang san"), Some((0, How::Pinyin, 0..2)));
        assert_eq!(found("zsx"), None);
        assert_eq!(found("三张"), None);
        assert_eq!(found("hang"), None);
    }

    #[test]
    fn heteronyms_match_by_every_reading_and_highlights_follow_syllables() {
        let name = vec![
            Syllable::new("欧", &["ou"], 0..1),
            Syllable::new("阳", &["yang"], 1..2),
            Syllable::new("乐", &["le", "yue"], 2..3),
        ];
        for query in ["ouyangle", "ouyangyue", "oyy", "oyl", "yue", "le"] {
            assert!(align(&QueryUnit::parse(query), &name).is_some(), "{query}");
        }
        let a = align(&QueryUnit::parse("yangyue"), &name).unwrap();
        assert_eq!(a.char_ranges(&name), [(1, 3)]);
        assert_eq!(a.place(), 2);
    }
}
