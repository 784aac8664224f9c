//! Writing the search sections of a snapshot: the readings of every name (`READ`), of every
//! character (`CHAR`) and the reading strings (`WORD`); and the members' static rank order.
//!
//! Readings come from the builder-only [`crate::text::pinyin`] tables, so the browser never
//! needs them: everything a query needs at run time is in these sections, or derived from them
//! ([`super::names`]: the name index and the A–Z bar).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use super::tables::{TAG_CHARS, TAG_READINGS, TAG_WORDS};
use crate::model::Directory;
use crate::snapshot::format::Writer;
use crate::text::normalize::is_han;
use crate::text::pinyin::{self, Syllable};
use crate::text::syllables::{syllable_number, SYLLABLES};
use crate::visibility::{DepartmentRole, View};

/// The readings of a directory's names, each distinct name read once: what does not depend on
/// the viewer, so that a server reads it once per directory version and every class's snapshot
/// takes its names from it ([`NameReadings::new`]).
///
/// Names repeat (124,000 distinct ones at 200,000 members), and a name's syllables are what
/// everything about it comes from: its pinyin order, its readings record and its characters'
/// readings. So each distinct name is read once, all of that is taken from its syllables at
/// once, and the syllables are let go: kept, they were half a kilobyte a name in small
/// allocations (60 MB at 200,000 members), and reading each name for each use was a quarter of
/// the build's time.
pub struct NameTable {
    /// For each directory member (by index), the number of their name, or `u32::MAX` for a
    /// member the table was not made for.
    of_member: Vec<u32>,
    names: Vec<Name>,
    /// The readings record of each name, back to back (name `n`'s ends at
    /// `names[n].record_end`), as numbers: what [`Words::encode`] writes, each reading as its
    /// word number in `words`.
    records: Vec<u32>,
    /// The Chinese character each syllable is, if it is one, back to back (name `n`'s end at
    /// `names[n].characters_end`): what the character table is made of.
    characters: Vec<Option<char>>,
    /// The word numbers of the readings, words beyond the syllable table numbered as the
    /// table's members first use them.
    words: Words,
}

struct Name {
    /// The name's place among the distinct names in [`pinyin::pinyin_sort_key`] order, so that
    /// sorting by rank sorts by that key.
    rank: u32,
    record_end: usize,
    characters_end: usize,
}

impl NameTable {
    /// The names of every member of `directory`: for a server that builds the snapshots of many
    /// classes of one directory version.
    pub fn new(directory: &Directory) -> NameTable {
        NameTable::of(directory, 0..directory.userlist.len())
    }

    /// The names of the members of one view only: for a single build.
    pub(crate) fn of_view(directory: &Directory, view: &View) -> NameTable {
        NameTable::of(directory, view.members.iter().map(|vm| vm.member))
    }

    fn of(directory: &Directory, members: impl Iterator<Item = usize>) -> NameTable {
        let mut number: HashMap<&str, u32> = HashMap::new();
        let mut distinct: Vec<&str> = Vec::new();
        let mut of_member = vec![u32::MAX; directory.userlist.len()];
        for m in members {
            let name = directory.userlist[m].name.as_str();
            of_member[m] = *number.entry(name).or_insert_with(|| {
                distinct.push(name);
                distinct.len() as u32 - 1
            });
        }
        let mut out = NameTable {
            of_member,
            names: Vec::with_capacity(distinct.len()),
            records: Vec::new(),
            characters: Vec::new(),
            words: Words::default(),
        };
        let mut sort_keys: Vec<(String, u32)> = Vec::with_capacity(distinct.len());
        for (n, name) in distinct.iter().enumerate() {
            let syllables = pinyin::name_readings(name);
            sort_keys.push((pinyin::sort_key(name, &syllables), n as u32));

            let small = |n: usize| u32::try_from(n).expect("a name of fewer than 2^32 characters");
            out.records.push(small(syllables.len()));
            for s in &syllables {
                out.records.extend([small(s.chars.start), small(s.chars.len()), small(s.readings.len())]);
                out.records.extend(s.readings.iter().map(|reading| out.words.number_or_add(reading)));
                out.characters.push(han_character(s));
            }
            out.names.push(Name { rank: 0, record_end: out.records.len(), characters_end: out.characters.len() });
        }
        sort_keys.sort_unstable();
        for (r, (key, n)) in sort_keys.iter().enumerate() {
            // Equal keys share a rank (distinct names never have equal keys: a key ends with the name).
            out.names[*n as usize].rank = match r.checked_sub(1).map(|previous| &sort_keys[previous]) {
                Some((previous_key, previous)) if previous_key == key => out.names[*previous as usize].rank,
                _ => r as u32,
            };
        }
        out
    }

    /// The readings record of name `n`, as numbers (see `records`).
    fn record_of(&self, n: usize) -> &[u32] {
        let start = n.checked_sub(1).map_or(0, |previous| self.names[previous].record_end);
        &self.records[start..self.names[n].record_end]
    }

    /// The character of each syllable of name `n` that is one.
    fn characters_of(&self, n: usize) -> &[Option<char>] {
        let start = n.checked_sub(1).map_or(0, |previous| self.names[previous].characters_end);
        &self.characters[start..self.names[n].characters_end]
    }
}

/// What one view's snapshot takes from its members' names: the distinct names in the order the
/// view's members (by account) first bear them, their readings records with the words
/// numbered for this snapshot alone, and the readings of their characters. Made from a
/// [`NameTable`] that holds at least the view's members, so that a snapshot's bytes do not
/// depend on which table it was made from.
pub(crate) struct NameReadings {
    /// For each view member, the number of their name in `names`.
    of_member: Vec<u32>,
    /// For each of `names`, its rank in pinyin order.
    ranks: Vec<u32>,
    /// The readings record of each name, as numbers of `words`, back to back (name `n`'s ends at
    /// `record_ends[n]`).
    records: Vec<u32>,
    record_ends: Vec<usize>,
    words: Words,
    /// Every Chinese character of a name and its readings there (see [`char_table`]), as word
    /// numbers.
    chars: BTreeMap<char, BTreeSet<u32>>,
}

impl NameReadings {
    pub(crate) fn new(table: &NameTable, view: &View) -> NameReadings {
        let mut out = NameReadings {
            of_member: Vec::with_capacity(view.members.len()),
            ranks: Vec::new(),
            records: Vec::new(),
            record_ends: Vec::new(),
            words: Words::default(),
            chars: BTreeMap::new(),
        };
        // The table's name numbers, renumbered as this view first meets them.
        let mut ours = vec![u32::MAX; table.names.len()];
        for vm in &view.members {
            let n = table.of_member[vm.member] as usize;
            assert!(n < ours.len(), "the name table holds the view's members");
            if ours[n] == u32::MAX {
                ours[n] = out.ranks.len() as u32;
                out.ranks.push(table.names[n].rank);
                out.copy_record(table, n);
            }
            out.of_member.push(ours[n]);
        }
        out
    }

    /// Appends the record of the table's name `n`, its words renumbered for this snapshot, and
    /// notes its characters' readings.
    fn copy_record(&mut self, table: &NameTable, n: usize) {
        let record = table.record_of(n);
        let mut characters = table.characters_of(n).iter();
        let mut at = 1;
        self.records.push(record[0]);
        while at < record.len() {
            let (start, len, count) = (record[at], record[at + 1], record[at + 2] as usize);
            self.records.extend([start, len, count as u32]);
            let first = self.records.len();
            for &w in &record[at + 3..at + 3 + count] {
                let ours = self.words.number_or_add(table.words.word(w));
                self.records.push(ours);
            }
            if let Some(Some(c)) = characters.next() {
                self.chars.entry(*c).or_default().extend(&self.records[first..]);
            }
            at += 3 + count;
        }
        self.record_ends.push(self.records.len());
    }

    /// The rank of view member `i`'s name.
    fn rank_of(&self, i: usize) -> u32 {
        self.ranks[self.of_member[i] as usize]
    }

    /// The readings record of name `n`, as numbers (see `records`).
    fn record_of(&self, n: usize) -> &[u32] {
        let start = n.checked_sub(1).map_or(0, |previous| self.record_ends[previous]);
        &self.records[start..self.record_ends[n]]
    }
}

/// The order members are stored in: their static rank (docs/search.md's tie-breakers after match
/// quality and frequency): pinned first, then sort number, then pinyin order, then account.
/// Returns view member indices.
pub(crate) fn member_order(directory: &Directory, view: &View, names: &NameReadings) -> Vec<usize> {
    let mut keyed: Vec<_> = view
        .members
        .iter()
        .enumerate()
        .map(|(i, vm)| {
            let member = &directory.userlist[vm.member];
            let sort_number = vm.memberships.first().map_or(0, |&(_, order)| order);
            ((!member.pinned, sort_number, names.rank_of(i), member.userid.as_str()), i)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The search sections for a view whose members are stored in `order` (view member indices).
pub(crate) fn sections(
    directory: &Directory,
    view: &View,
    order: &[usize],
    mut names: NameReadings,
) -> Vec<([u8; 4], Vec<u8>)> {
    // The distinct name of each stored member.
    let member_names: Vec<usize> = order.iter().map(|&i| names.of_member[i] as usize).collect();
    let department_syllables: Vec<Vec<Syllable>> = view
        .departments
        .iter()
        .filter(|d| d.role == DepartmentRole::Listed)
        .map(|d| pinyin::text_readings(&directory.department[d.department].name))
        .collect();
    let group_syllables: Vec<Vec<Syllable>> =
        view.groups.iter().map(|g| pinyin::text_readings(&directory.group[g.group].name)).collect();

    let mut words = std::mem::take(&mut names.words);
    for reading in department_syllables.iter().chain(&group_syllables).flatten().flat_map(|s| &s.readings) {
        words.number_or_add(reading);
    }
    let mut readings = Writer::default();
    let mut scratch = Writer::default();
    // Where each distinct name's readings record was first written: later bearers copy it.
    let mut record_of_name: Vec<Option<Range<usize>>> = vec![None; names.ranks.len()];
    for &n in &member_names {
        match &record_of_name[n] {
            Some(record) => readings.bytes.extend_from_within(record.clone()),
            None => {
                let start = readings.bytes.len();
                Words::encode_numbered(&mut scratch, names.record_of(n));
                readings.record(&scratch);
                record_of_name[n] = Some(start..readings.bytes.len());
            }
        }
    }
    drop(record_of_name);
    // Departments and groups follow the members in the readings section, in snapshot order;
    // labels (breadcrumb steps) are not searchable and have no readings record.
    for syllables in department_syllables.iter().chain(&group_syllables) {
        words.encode(&mut scratch, syllables);
        readings.record(&scratch);
    }
    let chars = char_table(&names, &department_syllables, &group_syllables, &words);
    vec![(TAG_READINGS, readings.bytes), (TAG_CHARS, chars), (TAG_WORDS, words.finish())]
}

/// The word numbers of readings: a syllable of the fixed table ([`crate::text::syllables`]) is
/// its place there; every other word (a Latin word, a run of digits) is numbered after the
/// table, in the order first met — the members' names first, the members taken by account,
/// then the departments' and groups' names — and written to the words section.
///
/// A fixed table, because numbers that depend on the directory move when it changes: numbered
/// as first met, one person who left and was the first to read a character some way
/// renumbered every later reading, and with them a third of the `READ` records, which an update
/// by difference then sent again. The other words are few and rarely anyone's alone.
#[derive(Default)]
struct Words {
    numbers: HashMap<String, u32>,
    others: Vec<String>,
}

impl Words {
    /// The number of `word`, numbering it if it is neither a syllable nor met before.
    fn number_or_add(&mut self, word: &str) -> u32 {
        if let Some(n) = syllable_number(word).or_else(|| self.numbers.get(word).copied()) {
            return n;
        }
        let n = (SYLLABLES.len() + self.others.len()) as u32;
        self.numbers.insert(word.to_owned(), n);
        self.others.push(word.to_owned());
        n
    }

    /// The number of a word already numbered.
    fn number(&self, word: &str) -> u32 {
        syllable_number(word).unwrap_or_else(|| self.numbers[word])
    }

    /// The word numbered `n`.
    fn word(&self, n: u32) -> &str {
        let n = n as usize;
        SYLLABLES.get(n).copied().unwrap_or_else(|| &self.others[n - SYLLABLES.len()])
    }

    /// A readings record, written over `w`: per syllable, its character range and its readings.
    fn encode(&self, w: &mut Writer, syllables: &[Syllable]) {
        w.bytes.clear();
        w.uint(syllables.len() as u64);
        for s in syllables {
            w.uint(s.chars.start as u64);
            w.uint((s.chars.end - s.chars.start) as u64);
            w.uint(s.readings.len() as u64);
            for reading in &s.readings {
                w.uint(u64::from(self.number(reading)));
            }
        }
    }

    /// [`Self::encode`] for a name read by [`NameReadings`], whose record holds its readings as
    /// word numbers already.
    fn encode_numbered(w: &mut Writer, record: &[u32]) {
        w.bytes.clear();
        for &value in record {
            w.uint(value.into());
        }
    }

    /// The words section: the words after the table, in number order.
    fn finish(self) -> Vec<u8> {
        let mut w = Writer::default();
        for word in &self.others {
            w.str(word);
        }
        w.bytes
    }
}

/// For every Chinese character in a searchable name: the readings it has there, so that a mixed
/// query ("张s") can spell the character out in the browser without the pinyin tables.
fn char_table(names: &NameReadings, departments: &[Vec<Syllable>], groups: &[Vec<Syllable>], words: &Words) -> Vec<u8> {
    let mut readings: BTreeMap<char, BTreeSet<&str>> =
        names.chars.iter().map(|(&c, numbers)| (c, numbers.iter().map(|&n| words.word(n)).collect())).collect();
    for s in departments.iter().chain(groups).flatten() {
        if let Some(c) = han_character(s) {
            readings.entry(c).or_default().extend(s.readings.iter().map(String::as_str));
        }
    }
    let mut w = Writer::default();
    for (c, set) in readings {
        let mut r = Writer::default();
        r.uint(u64::from(u32::from(c)));
        r.uint(set.len() as u64);
        for reading in set {
            r.uint(u64::from(words.number(reading)));
        }
        w.record(&r);
    }
    w.bytes
}

/// The Chinese character a syllable is, if it is one (rather than a Latin word).
fn han_character(s: &Syllable) -> Option<char> {
    let mut chars = s.text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if is_han(c) => Some(c),
        _ => None,
    }
}
