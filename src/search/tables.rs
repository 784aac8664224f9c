//! Reading the search sections of a snapshot: checking them when it is opened, and handing out
//! what queries need. Opening checks what makes reading them safe; the contents of `READ`
//! records and the index's structure are checked where they are read (the module doc of
//! [`crate::snapshot`] says why).
//!
//! | section | holds |
//! |---|---|
//! | `AZBR` | the A–Z bar: 27 counts (A–Z, `#`), then member positions grouped by letter, each group in pinyin order (u32 each) |
//! | `READ` | one record per member, then per listed department, then per group: each syllable's character start and length in the displayed name, and its readings as word numbers |
//! | `CHAR` | per Chinese character of the searchable names, sorted: the character and its readings |
//! | `WORD` | the reading strings (a–z), numbered in order |
//! | `FST ` | the index: an fst map (see [`super::index`]) |
//! | `POST` | the postings lists the index points into |

use std::borrow::Cow;
use std::ops::Range;

use super::matcher::Syllable;
use crate::snapshot::format::{record_starts, u32_at, Malformed, Reader};
use crate::snapshot::records::{Records, Structure};
use crate::snapshot::SnapshotError;
use crate::text::normalize::normalized;

pub(crate) const TAG_LETTERS: [u8; 4] = *b"AZBR";
pub(crate) const TAG_READINGS: [u8; 4] = *b"READ";
pub(crate) const TAG_CHARS: [u8; 4] = *b"CHAR";
pub(crate) const TAG_WORDS: [u8; 4] = *b"WORD";
pub(crate) const TAG_INDEX: [u8; 4] = *b"FST ";
pub(crate) const TAG_POSTINGS: [u8; 4] = *b"POST";

/// A–Z, then `#` for names that file under no letter.
pub(crate) const LETTER_BUCKETS: usize = 27;

/// What the opener learnt about the search sections.
pub(crate) struct SearchTables {
    /// Where each letter's members start in the `AZBR` positions, and where the last ends.
    pub(crate) letter_starts: [u32; LETTER_BUCKETS + 1],
    pub(crate) letter_positions: usize,
    /// Record starts in `READ` (length prefix included), and the section end.
    readings: Vec<u32>,
    /// For each department position: its `READ` record number, if it is searchable.
    department_readings: Vec<Option<u32>>,
    /// The first `READ` record of the groups.
    groups_from: u32,
    chars: Vec<(char, Vec<u32>)>,
    words: Vec<Range<usize>>,
    pub(crate) index: Range<usize>,
    pub(crate) postings: Range<usize>,
    /// Departments: the end of each one's subtree (preorder), and the members directly in each
    /// (`direct_members[starts[d]..starts[d + 1]]`).
    pub(crate) subtree_end: Vec<u32>,
    pub(crate) direct_member_starts: Vec<u32>,
    pub(crate) direct_members: Vec<u32>,
    /// What is derived from the records rather than stored, built as queries need it.
    pub(crate) lookups: super::lookup::Lookups,
}

impl SearchTables {
    /// Checks the search sections of a snapshot whose records are open, against the records
    /// and what checking them learnt (`structure`).
    pub(crate) fn open(records: &Records, structure: &Structure) -> Result<SearchTables, SnapshotError> {
        let bytes = records.bytes();
        let section = |tag, name| records.container().section(tag, name);
        let members = records.member_count();

        let letters = section(TAG_LETTERS, "AZBR")?;
        let mut all = u32s(bytes, letters.clone())
            .ok_or_else(|| SnapshotError::corrupt("AZBR", "its length is not a whole number of u32s"))?;
        if all.len() != LETTER_BUCKETS + members {
            return Err(SnapshotError::corrupt("AZBR", format!("{} entries for {members} members", all.len())));
        }
        let mut letter_starts = [0u32; LETTER_BUCKETS + 1];
        for (b, count) in all.by_ref().take(LETTER_BUCKETS).enumerate() {
            letter_starts[b + 1] = letter_starts[b].saturating_add(count);
        }
        if letter_starts[LETTER_BUCKETS] as usize != members {
            return Err(SnapshotError::corrupt("AZBR", "the letter counts do not add up to the members"));
        }
        check_permutation(all, members, "AZBR")?;

        let words_range = section(TAG_WORDS, "WORD")?;
        let mut words = Vec::new();
        let mut r = Reader::new(&bytes[words_range.clone()]);
        while !r.is_empty() {
            let word = r.str().map_err(|e| SnapshotError::corrupt("WORD", e.to_string()))?;
            if word.is_empty() || !word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                return Err(SnapshotError::corrupt(
                    "WORD",
                    format!("word {} is not a reading of a–z and 0–9", words.len()),
                ));
            }
            let end = words_range.start + r.position();
            words.push(end - word.len()..end);
        }

        let department_count = structure.departments.len();
        let mut department_readings = vec![None; department_count];
        let mut next = members as u32;
        for (d, &(_, is_label)) in structure.departments.iter().enumerate() {
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
        let readings = record_starts(bytes, readings_range, "READ")?;
        let expected = groups_from as usize + records.group_count();
        if readings.len() - 1 != expected {
            return Err(SnapshotError::corrupt(
                "READ",
                format!("{} records where {expected} are expected", readings.len() - 1),
            ));
        }
        let mut tables = SearchTables {
            letter_starts,
            letter_positions: letters.start + 4 * LETTER_BUCKETS,
            readings,
            department_readings,
            groups_from,
            chars: Vec::new(),
            words,
            index: 0..0,
            postings: 0..0,
            subtree_end: Vec::new(),
            direct_member_starts: Vec::new(),
            direct_members: Vec::new(),
            lookups: Default::default(),
        };

        let chars_range = section(TAG_CHARS, "CHAR")?;
        let char_records = record_starts(bytes, chars_range, "CHAR")?;
        for (i, start) in char_records.windows(2).enumerate() {
            let mut r = Reader::new(&bytes[start[0] as usize..start[1] as usize]);
            let decoded = (|| {
                r.index()?; // the record's length
                let c = u32::try_from(r.uint()?).ok().and_then(char::from_u32).ok_or(Malformed::NotACharacter)?;
                let readings = (0..r.count()?)
                    .map(|_| {
                        r.index().and_then(|w| {
                            if w < tables.words.len() {
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

        tables.index = section(TAG_INDEX, "FST ")?;
        tables.postings = section(TAG_POSTINGS, "POST")?;
        tables.check_index(bytes)?;
        tables.tree(members, structure);
        Ok(tables)
    }

    /// Checks the index's own header and footer. Walking every key here would cost more than
    /// the rest of opening together (millions of keys at 200,000 members), so the index's
    /// structure is trusted once the file's checksum matched — the fst crate assumes well-formed
    /// input and may panic on an index crafted to be malformed — while everything read out of it
    /// is checked where it is used: families by the searches that ask for them, targets against
    /// the record counts, postings by a bounds-checked reader.
    fn check_index(&self, bytes: &[u8]) -> Result<(), SnapshotError> {
        let fst = &bytes[self.index.clone()];
        let bad = |detail: String| Err(SnapshotError::corrupt("FST ", detail));
        // The footer, read here because the fst crate converts its numbers to usize, which
        // panics on wasm32 for values past 4 GiB: the format version, the root node's address
        // (the last node written: 21 bytes before the end — root address, key count, checksum)
        // and the number of keys.
        if fst.len() < 36 {
            return bad(format!("the index is {} bytes, shorter than an empty index", fst.len()));
        }
        let u64_at = |at: usize| u64::from_le_bytes(fst[at..at + 8].try_into().expect("eight bytes"));
        let (version, root, keys) = (u64_at(0), u64_at(fst.len() - 12), u64_at(fst.len() - 20));
        if version != 3 {
            return bad(format!("the index has fst format version {version}; this engine reads version 3"));
        }
        if root.checked_add(21) != Some(fst.len() as u64) || keys > fst.len() as u64 {
            return bad(format!("the index's footer (root {root}, {keys} keys) does not fit its {} bytes", fst.len()));
        }
        fst::Map::new(fst).map(drop).map_err(|e| SnapshotError::corrupt("FST ", format!("the index is malformed: {e}")))
    }

    /// Subtree ends and the members directly in each department, for "a department's members
    /// follow it" (docs/search.md).
    fn tree(&mut self, members: usize, structure: &Structure) {
        let n = structure.departments.len();
        let mut end: Vec<u32> = (1..=n as u32).collect();
        for d in (0..n).rev() {
            if let Some(p) = structure.departments[d].0 {
                end[p] = end[p].max(end[d]);
            }
        }
        let mut per_department = vec![0u32; n + 1];
        for &d in structure.memberships.all() {
            per_department[d as usize + 1] += 1;
        }
        for d in 0..n {
            per_department[d + 1] += per_department[d];
        }
        let mut fill = per_department.clone();
        let mut direct = vec![0u32; per_department[n] as usize];
        for m in 0..members {
            for &d in structure.memberships.of(m) {
                direct[fill[d as usize] as usize] = m as u32;
                fill[d as usize] += 1;
            }
        }
        self.subtree_end = end;
        self.direct_member_starts = per_department;
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
                    if w < self.words.len() {
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

    /// Reading word `w` (a number below the count of words). Words are checked to be ASCII
    /// when opening, so the conversion cannot fail.
    fn word<'b>(&self, bytes: &'b [u8], w: usize) -> &'b str {
        std::str::from_utf8(&bytes[self.words[w].clone()]).unwrap_or_default()
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

    /// The member position at `i` of the letter order.
    pub(crate) fn by_letter(&self, bytes: &[u8], i: usize) -> usize {
        u32_at(bytes, self.letter_positions + 4 * i) as usize
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

fn checked(p: u32, n: usize) -> Option<usize> {
    ((p as usize) < n).then_some(p as usize)
}

/// The u32s of a section, if its length is a whole number of them.
fn u32s(bytes: &[u8], range: Range<usize>) -> Option<impl ExactSizeIterator<Item = u32> + '_> {
    let slice = &bytes[range];
    (slice.len() % 4 == 0).then(|| slice.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
}

/// Checks that `positions` (the entries of `section`) are member positions, none listed twice:
/// with one per member, every member is listed once.
fn check_permutation(
    positions: impl Iterator<Item = u32>,
    members: usize,
    section: &'static str,
) -> Result<(), SnapshotError> {
    let mut seen = vec![false; members];
    for (i, p) in positions.enumerate() {
        match checked(p, members) {
            Some(p) if !seen[p] => seen[p] = true,
            _ => return Err(SnapshotError::corrupt(section, format!("entry {i} is out of range or listed twice"))),
        }
    }
    Ok(())
}
