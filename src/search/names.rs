//! The name index and the A–Z order, derived from the readings of a snapshot's names.
//!
//! Every key of the name index ([`super::index`]) — a name from each of its syllables, its
//! readings, the prefixes of its first reading, an alias's words — and the order of the A–Z bar
//! are functions of what the snapshot's `READ` and `WORD` sections and its records hold. Up to
//! format 6 a snapshot carried them anyway, as an fst with its postings lists and as a
//! permutation of the members: about a third of what a phone downloaded, and, since they name
//! members by positions that shift for everyone after a person who joins or leaves, nearly all
//! of what an update by difference had to send. So since format 7 they do not travel: the
//! engine derives each the first time a query or the A–Z bar needs it, or when the page has
//! time to spare ([`Searcher::prepare`]), and keeps it.
//!
//! Both start from the distinct names ([`DistinctNames`]): members who bear one name share its
//! keys and its place in pinyin order, and names repeat (124,000 distinct names among 200,000
//! members), so each is read once.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::engine::{ResultKind, Searcher};
use super::index::{family, first_reading_key, IndexBuilder, KeyNumbers, SECONDARY_READING, SYLLABLE_SEPARATOR};
use super::keys::KeyTable;
use super::matcher::Syllable;
use super::tables::{group_by_counting, LETTER_BUCKETS};
use crate::fields::TextField;
use crate::text::normalize::{is_han, normalized};
use crate::text::order;

/// At most this many keys per name suffix for the combinations of heteronym readings.
const MAX_READING_COMBINATIONS: usize = 16;

/// What is derived from the names, each part when first needed.
#[derive(Default)]
pub(crate) struct Derived {
    names: OnceLock<DistinctNames>,
    index: OnceLock<NameIndex>,
    letters: OnceLock<Letters>,
}

/// The members' names, each distinct one numbered as first met in member order.
struct DistinctNames {
    /// The members who bear each name, in position order: name `n`'s are
    /// `bearers[starts[n]..starts[n + 1]]`, and the first of them is its first bearer.
    starts: Vec<u32>,
    bearers: Vec<u32>,
}

impl DistinctNames {
    fn count(&self) -> usize {
        self.starts.len() - 1
    }

    fn bearers(&self, n: usize) -> &[u32] {
        &self.bearers[self.starts[n] as usize..self.starts[n + 1] as usize]
    }
}

/// The index of names, readings and aliases: its keys and their values, and the postings
/// lists they point into (see [`super::index`]).
pub(crate) struct NameIndex {
    pub(crate) keys: KeyTable,
    pub(crate) postings: Vec<u8>,
}

/// The A–Z bar: the members grouped by the letter their name files under (A–Z, then `#`), each
/// group in pinyin order, members who bear one name in position order.
pub(crate) struct Letters {
    /// Where each letter's members start in `positions`, and where the last ends.
    pub(crate) starts: [u32; LETTER_BUCKETS + 1],
    pub(crate) positions: Vec<u32>,
}

impl Letters {
    /// The members filed under bucket `b` (0–25 for A–Z, [`LETTER_BUCKETS`] − 1 for `#`).
    pub(crate) fn of(&self, b: usize) -> &[u32] {
        &self.positions[self.starts[b] as usize..self.starts[b + 1] as usize]
    }
}

impl<'a> Searcher<'a> {
    /// The name index, derived when first asked for.
    pub(crate) fn name_index(&self) -> &'a NameIndex {
        self.tables().derived.index.get_or_init(|| self.derive_index())
    }

    /// The A–Z bar, derived when first asked for.
    pub(crate) fn letters(&self) -> &'a Letters {
        self.tables().derived.letters.get_or_init(|| self.derive_letters())
    }

    /// Derives the name index and the A–Z bar if they are not yet.
    pub(crate) fn prepare_names(&self) {
        self.letters();
        self.name_index();
    }

    fn distinct_names(&self) -> &'a DistinctNames {
        self.tables().derived.names.get_or_init(|| {
            let records = self.records();
            let members = records.member_count();
            let mut numbers = KeyNumbers::default();
            let of_member: Vec<u32> =
                (0..members).map(|m| numbers.number(0, records.member_name(m).as_bytes())).collect();
            // The members are taken in order, so each name's bearers come out in position order.
            let bearers = || of_member.iter().enumerate().map(|(m, &n)| (n, m as u32));
            let (starts, bearers) = group_by_counting(numbers.len(), bearers);
            DistinctNames { starts, bearers }
        })
    }

    fn derive_index(&self) -> NameIndex {
        let records = self.records();
        let names = self.distinct_names();
        let mut index = IndexBuilder::default();
        let mut keys = Vec::new();
        // The first-reading keys of a name depend only on its first syllable's readings, which
        // the names of one surname share: they are made once per set of readings, for every
        // bearer of every name that has it.
        let mut by_first_readings: HashMap<Vec<&str>, Vec<u32>> = HashMap::new();
        for n in 0..names.count() {
            let bearers = names.bearers(n);
            let syllables = self.name_syllables(ResultKind::Member, bearers[0] as usize);
            keys.clear();
            add_name_keys(&mut |family, key| keys.push(index.key(family, key)), &NameFamilies::MEMBER, &syllables);
            index.add_to_all(&keys, bearers.iter().copied());
            // The first-reading lists hold names whose reading keys go on past that syllable.
            if let [first, second, ..] = &syllables[..] {
                if !second.readings.is_empty() {
                    by_first_readings.entry(first.readings.clone()).or_default().push(n as u32);
                }
            }
        }
        for (readings, same) in &by_first_readings {
            keys.clear();
            add_first_reading_keys(&mut |family, key| keys.push(index.key(family, key)), readings);
            index.add_to_all(&keys, same.iter().flat_map(|&n| names.bearers(n as usize)).copied());
        }
        for m in 0..records.member_count() {
            if let Some(alias) = records.member_text(m, TextField::Alias) {
                let words = latin_words(&alias);
                for start in 0..words.len() {
                    index.add(family::ALIAS, words[start..].join("'").as_bytes(), m as u32);
                }
            }
        }
        for (kind, families, count) in [
            (ResultKind::Department, NameFamilies::DEPARTMENT, records.department_count()),
            (ResultKind::Group, NameFamilies::GROUP, records.group_count()),
        ] {
            for p in 0..count {
                // A path label (a department shown only as a step of a path) has no readings
                // record, so no syllables and no keys: it is not searchable.
                let syllables = self.name_syllables(kind, p);
                add_name_keys(&mut |family, key| index.add(family, key, p as u32), &families, &syllables);
            }
        }
        let (keys, postings) = index.finish();
        NameIndex { keys, postings }
    }

    fn derive_letters(&self) -> Letters {
        let names = self.distinct_names();
        // Each distinct name's key, then the names in key order; a name's letter is its key's
        // first: the keys of a letter's names sort together, A to Z and then `#`.
        let mut keyed: Vec<(String, Option<char>, u32)> = (0..names.count())
            .map(|n| {
                let first = names.bearers(n)[0] as usize;
                let name = self.records().member_name(first);
                let syllables = self.name_syllables(ResultKind::Member, first);
                let initial = order::initial(
                    name,
                    syllables.first().map(|s| (s.chars.start as usize, s.readings.first().copied())),
                );
                let by = syllables.iter().map(|s| s.readings.first().copied().unwrap_or(&s.text));
                (order::sort_key(name, initial.is_some(), by), initial, n as u32)
            })
            .collect();
        keyed.sort_unstable();
        let mut starts = [0u32; LETTER_BUCKETS + 1];
        let mut positions = Vec::with_capacity(self.records().member_count());
        for (_, initial, n) in &keyed {
            let bucket = match initial {
                Some(letter @ 'A'..='Z') => *letter as usize - 'A' as usize,
                _ => LETTER_BUCKETS - 1,
            };
            let bearers = names.bearers(*n as usize);
            starts[bucket + 1] += bearers.len() as u32;
            positions.extend_from_slice(bearers);
        }
        for b in 0..LETTER_BUCKETS {
            starts[b + 1] += starts[b];
        }
        Letters { starts, positions }
    }
}

/// The four families a kind of name uses.
struct NameFamilies {
    text_start: u8,
    text_infix: u8,
    reading_start: u8,
    reading_infix: u8,
}

impl NameFamilies {
    const MEMBER: NameFamilies = NameFamilies {
        text_start: family::NAME_START,
        text_infix: family::NAME_INFIX,
        reading_start: family::READING_START,
        reading_infix: family::READING_INFIX,
    };
    const DEPARTMENT: NameFamilies = NameFamilies {
        text_start: family::DEPARTMENT_NAME_START,
        text_infix: family::DEPARTMENT_NAME_INFIX,
        reading_start: family::DEPARTMENT_READING_START,
        reading_infix: family::DEPARTMENT_READING_INFIX,
    };
    const GROUP: NameFamilies = NameFamilies {
        text_start: family::GROUP_NAME_START,
        text_infix: family::GROUP_NAME_INFIX,
        reading_start: family::GROUP_READING_START,
        reading_infix: family::GROUP_READING_INFIX,
    };
}

/// The text keys (from every syllable that has a Chinese character at or after it: 3号仓库 from
/// its 3, 一年级2班 from its 2) and reading keys (from every syllable) of a name, each given to
/// `add` with its family. A run with no character in it is reached by its readings alone.
fn add_name_keys(add: &mut impl FnMut(u8, &[u8]), families: &NameFamilies, syllables: &[Syllable]) {
    let last_chinese = syllables.iter().rposition(|s| s.text.chars().any(is_han));
    for start in 0..syllables.len() {
        let (text_family, reading_family) = if start == 0 {
            (families.text_start, families.reading_start)
        } else {
            (families.text_infix, families.reading_infix)
        };
        if last_chinese.is_some_and(|last| start <= last) {
            let text: String = syllables[start..].iter().map(|s| s.text.as_ref()).collect();
            add(text_family, text.as_bytes());
        }
        // The first combination reads every syllable its first way.
        for (i, mut key) in reading_combinations(&syllables[start..]).into_iter().enumerate() {
            if i > 0 {
                key.push(SECONDARY_READING);
            }
            add(reading_family, &key);
        }
    }
}

/// The `FIRST_READING` keys of a name whose reading keys go on past its first syllable, which
/// reads `readings`: every prefix of every reading; each given to `add` with its family.
fn add_first_reading_keys(add: &mut impl FnMut(u8, &[u8]), readings: &[&str]) {
    for (i, reading) in readings.iter().enumerate() {
        for end in 1..=reading.len() {
            let key = first_reading_key(&reading.as_bytes()[..end], end == reading.len(), i > 0);
            add(family::FIRST_READING, &key);
        }
    }
}

/// The reading keys of a run of syllables: one per combination of their readings, capped.
fn reading_combinations(syllables: &[Syllable]) -> Vec<Vec<u8>> {
    let mut keys: Vec<Vec<u8>> = vec![Vec::new()];
    for (i, syllable) in syllables.iter().enumerate() {
        if syllable.readings.is_empty() {
            break; // a syllable nobody can type ends what readings can reach
        }
        let mut next = Vec::with_capacity(keys.len() * syllable.readings.len());
        for key in &keys {
            for reading in &syllable.readings {
                if next.len() == MAX_READING_COMBINATIONS {
                    break;
                }
                let mut k = key.clone();
                if i > 0 {
                    k.push(SYLLABLE_SEPARATOR);
                }
                k.extend_from_slice(reading.as_bytes());
                next.push(k);
            }
        }
        keys = next;
    }
    keys.retain(|k| !k.is_empty());
    keys
}

/// The lower-case ASCII words of a Latin text (an alias such as "Tony" or "Anna-Lena Wu").
fn latin_words(text: &str) -> Vec<String> {
    normalized(text).split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}
