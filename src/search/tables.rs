//! Reading the search sections of a snapshot: checking them when it is opened, and handing out
//! what queries need. Opening checks what makes reading them safe; the contents of `READ`
//! records are checked where they are read (the module doc of [`crate::snapshot`] says why).
//!
//! | section | holds |
//! |---|---|
//! | `READ` | one record per member, then per listed department, then per group: each syllable's character start and length in the displayed name, and its readings as word numbers |
//! | `CHAR` | per Chinese character of the searchable names, sorted: the character and its readings |
//! | `WORD` | the reading strings (a–z), numbered in order |
//!
//! The name index and the A–Z bar's order are derived from these when first needed
//! ([`super::names`]).

use std::borrow::Cow;
use std::ops::Range;

use super::matcher::Syllable;
use crate::snapshot::format::{record_starts, Malformed, Reader};
use crate::snapshot::records::{Memberships, Records, Structure};
use crate::snapshot::SnapshotError;
use crate::text::normalize::normalized;
use crate::text::syllables::SYLLABLES;

pub(crate) const TAG_READINGS: [u8; 4] = *b"READ";
pub(crate) const TAG_CHARS: [u8; 4] = *b"CHAR";
pub(crate) const TAG_WORDS: [u8; 4] = *b"WORD";

/// A–Z, then `#` for names that file under no letter.
pub(crate) const LETTER_BUCKETS: usize = 27;

/// What the opener learnt about the search sections.
pub(crate) struct SearchTables {
    /// Record starts in `READ` (length prefix included), and the section end.
    readings: Vec<u32>,
    /// For each department position: its `READ` record number, if it is searchable.
    department_readings: Vec<Option<u32>>,
    /// The first `READ` record of the groups.
    groups_from: u32,
    chars: Vec<(char, Vec<u32>)>,
    /// The words of `WORD`, which the engine numbers after [`SYLLABLES`].
    words: Vec<Range<usize>>,
    /// Departments: the end of each one's subtree (preorder), and the members directly in each
    /// (`direct_members[starts[d]..starts[d + 1]]`).
    pub(crate) subtree_end: Vec<u32>,
    pub(crate) direct_member_starts: Vec<u32>,
    pub(crate) direct_members: Vec<u32>,
    /// The departments of each member, for their closeness to the viewer
    /// ([`super::closeness`]).
    pub(crate) memberships: Memberships,
    /// The closeness levels of the viewer searched as last.
    pub(crate) last_viewer: super::closeness::LastViewer,
    /// What is derived from the records rather than stored, built as queries need it.
    pub(crate) lookups: super::lookup::Lookups,
    /// What is derived from the names' readings: the name index and the A–Z bar.
    pub(crate) derived: super::names::Derived,
}

impl SearchTables {
    /// Checks the search sections of a snapshot whose records are open, against the records
    /// and what checking them learnt (`structure`), which they keep.
    pub(crate) fn open(records: &Records, structure: Structure) -> Result<SearchTables, SnapshotError> {
        let Structure { departments, memberships } = structure;
        let bytes = records.bytes();
        let section = |tag, name| records.container().section(tag, name);
        let members = records.member_count();

        let words_range = section(TAG_WORDS, "WORD")?;
        let mut words = Vec::new();
        let mut r = Reader::new(&bytes[words_range.clone()]);
        while !r.is_empty() {
            let word = r.str().map_err(|e| SnapshotError::corrupt("WORD", e.to_string()))?;
            if word.is_empty() || !word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                return Err(SnapshotError::corrupt(
                    "WORD",
                    format!("word {} is not a reading of a–z and 0–9", SYLLABLES.len() + words.len()),
                ));
            }
            let end = words_range.start + r.position();
            words.push(end - word.len()..end);
        }

        let department_count = departments.len();
        let mut department_readings = vec![None; department_count];
        let mut next = members as u32;
        for (d, &(_, is_label)) in departments.iter().enumerate() {
            if !is_label {
                department_readings[d] = Some(next);
                next += 1;
            }
        }
        let groups_from = next;
        // Only the framing of `READ` is checked here: decoding a record per member, department
        // and group took 15–20 ms of a browser's open at 200,000 members.
        // [`Self::read_syllables`] checks a record when it is read, and the engine gives a name
        // whose record does not decode no readings.
        let readings_range = section(TAG_READINGS, "READ")?;
        let expected = groups_from as usize + records.group_count();
        let readings = record_starts(bytes, readings_range, "READ", expected)?;
        if readings.len() - 1 != expected {
            return Err(SnapshotError::corrupt(
                "READ",
                format!("{} records where {expected} are expected", readings.len() - 1),
            ));
        }
        let mut tables = SearchTables {
            readings,
            department_readings,
            groups_from,
            chars: Vec::new(),
            words,
            subtree_end: Vec::new(),
            direct_member_starts: Vec::new(),
            direct_members: Vec::new(),
            memberships,
            last_viewer: Default::default(),
            lookups: Default::default(),
            derived: Default::default(),
        };

        let chars_range = section(TAG_CHARS, "CHAR")?;
        let char_records = record_starts(bytes, chars_range, "CHAR", 0)?;
        for (i, start) in char_records.windows(2).enumerate() {
            let mut r = Reader::new(&bytes[start[0] as usize..start[1] as usize]);
            let decoded = (|| {
                r.index()?; // the record's length
                let c = u32::try_from(r.uint()?).ok().and_then(char::from_u32).ok_or(Malformed::NotACharacter)?;
                let readings = (0..r.count()?)
                    .map(|_| {
                        r.index().and_then(|w| {
                            if w < tables.word_count() {
                                Ok(w as u32)
                            } else {
                                Err(Malformed::WordOutOfRange)
                            }
                        })
                    })
                    .collect::<Result<Vec<u32>, Malformed>>()?;
                if !r.is_empty() {
                    return Err(Malformed::LeftOver);
                }
                Ok::<_, Malformed>((c, readings))
            })()
            .map_err(|e| SnapshotError::in_record("CHAR", i, e))?;
            if tables.chars.last().is_some_and(|(last, _)| *last >= decoded.0) {
                return Err(SnapshotError::in_record("CHAR", i, Malformed::CharactersOutOfOrder));
            }
            tables.chars.push(decoded);
        }

        tables.tree(members, &departments);
        Ok(tables)
    }

    /// Subtree ends and the members directly in each department, for "a department's members
    /// follow it" (docs/search.md).
    fn tree(&mut self, members: usize, departments: &[(Option<usize>, bool)]) {
        let n = departments.len();
        let mut end: Vec<u32> = (1..=n as u32).collect();
        for d in (0..n).rev() {
            if let Some(p) = departments[d].0 {
                end[p] = end[p].max(end[d]);
            }
        }
        let memberships = || (0..members).flat_map(|m| self.memberships.of(m).iter().map(move |&d| (d, m as u32)));
        let (starts, direct) = group_by_counting(n, memberships);
        self.subtree_end = end;
        self.direct_member_starts = starts;
        self.direct_members = direct;
    }

    /// The syllables of a `READ` record, checked here rather than when opening, their text
    /// taken from the displayed `name`.
    pub(crate) fn read_syllables<'b>(
        &self,
        bytes: &'b [u8],
        record: u32,
        name: &'b str,
    ) -> Result<Vec<Syllable<'b>>, Malformed> {
        let range = self.readings.get(record as usize..record as usize + 2).ok_or(Malformed::NoSuchRecord)?;
        let mut r = Reader::new(&bytes[range[0] as usize..range[1] as usize]);
        r.index()?; // the record's length
        let mut chars = CharCursor::new(name);
        let n = r.count()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            // `index` answers at most u32::MAX.
            let start = r.index()? as u32;
            let end = start.checked_add(r.index()? as u32).ok_or(Malformed::CharacterRangeOutOfRange)?;
            let readings = (0..r.count()?)
                .map(|_| {
                    let w = r.index()?;
                    if w < self.word_count() {
                        Ok(self.word(bytes, w))
                    } else {
                        Err(Malformed::WordOutOfRange)
                    }
                })
                .collect::<Result<Vec<&str>, Malformed>>()?;
            let text = chars.slice(start, end).map_or(Cow::Borrowed(""), normalized);
            out.push(Syllable { text, readings, chars: start..end });
        }
        if !r.is_empty() {
            return Err(Malformed::LeftOver);
        }
        Ok(out)
    }

    /// How many words there are: the syllables of the table, then those of `WORD`.
    fn word_count(&self) -> usize {
        SYLLABLES.len() + self.words.len()
    }

    /// Reading word `w` (a number below [`Self::word_count`]). Words are checked to be ASCII
    /// when opening, so the conversion cannot fail.
    fn word<'b>(&self, bytes: &'b [u8], w: usize) -> &'b str {
        match w.checked_sub(SYLLABLES.len()) {
            None => SYLLABLES[w],
            Some(w) => std::str::from_utf8(&bytes[self.words[w].clone()]).unwrap_or_default(),
        }
    }

    pub(crate) fn member_record(&self, member: usize) -> u32 {
        member as u32
    }

    pub(crate) fn department_record(&self, department: usize) -> Option<u32> {
        self.department_readings.get(department).copied().flatten()
    }

    pub(crate) fn group_record(&self, group: usize) -> u32 {
        self.groups_from + group as u32
    }

    /// The readings a Chinese character has in the snapshot's names.
    pub(crate) fn char_readings<'b>(&self, bytes: &'b [u8], c: char) -> Vec<&'b str> {
        match self.chars.binary_search_by_key(&c, |(k, _)| *k) {
            Ok(i) => self.chars[i].1.iter().map(|&w| self.word(bytes, w as usize)).collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// Slices of a string by character ranges, for ranges that mostly come in order (the syllables
/// of a name): each slice goes on from where the last one ended instead of from the start.
struct CharCursor<'a> {
    text: &'a str,
    /// The character number and byte offset of the last slice's end.
    at: (u32, usize),
}

impl<'a> CharCursor<'a> {
    fn new(text: &'a str) -> CharCursor<'a> {
        CharCursor { text, at: (0, 0) }
    }

    /// Characters `start..end`, or None when the text is shorter.
    fn slice(&mut self, start: u32, end: u32) -> Option<&'a str> {
        if start < self.at.0 {
            self.at = (0, 0);
        }
        let from = self.skip(start - self.at.0)?;
        let to = self.skip(end.checked_sub(start)?)?;
        Some(&self.text[from..to])
    }

    /// Moves `n` characters on; the byte offset reached.
    fn skip(&mut self, n: u32) -> Option<usize> {
        let (count, offset) = &mut self.at;
        for _ in 0..n {
            *offset += self.text[*offset..].chars().next()?.len_utf8();
            *count += 1;
        }
        Some(*offset)
    }
}

/// Items grouped by a number below `groups`, each group's items in the order `pairs` gives
/// them: group `g`'s are `items[starts[g]..starts[g + 1]]`; returns `(starts, items)`. Made by
/// counting, in two passes over `pairs` (`(group, item)`), which is linear.
pub(crate) fn group_by_counting<I: Iterator<Item = (u32, u32)>>(
    groups: usize,
    pairs: impl Fn() -> I,
) -> (Vec<u32>, Vec<u32>) {
    let mut starts = vec![0u32; groups + 1];
    for (g, _) in pairs() {
        starts[g as usize + 1] += 1;
    }
    for g in 0..groups {
        starts[g + 1] += starts[g];
    }
    let mut fill = starts.clone();
    let mut items = vec![0u32; starts[groups] as usize];
    for (g, item) in pairs() {
        items[fill[g as usize] as usize] = item;
        fill[g as usize] += 1;
    }
    (starts, items)
}
