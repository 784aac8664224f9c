//! Writing the search sections of a snapshot: the readings of every name, the A–Z and account
//! orders, and the index (see [`super::index`] for its keys).
//!
//! Readings come from the builder-only [`crate::text::pinyin`] tables, so the browser never
//! needs them: everything a query needs at run time is in these sections.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use super::index::{family, first_reading_key, IndexBuilder, SECONDARY_READING, SYLLABLE_SEPARATOR};
use super::tables::{LETTER_BUCKETS, TAG_CHARS, TAG_INDEX, TAG_LETTERS, TAG_POSTINGS, TAG_READINGS, TAG_WORDS};
use crate::fields::TextField;
use crate::model::{Directory, PolicyField};
use crate::snapshot::format::Writer;
use crate::text::normalize::{is_han, normalize};
use crate::text::pinyin::{self, Syllable};
use crate::visibility::{DepartmentRole, View};

/// At most this many keys per name suffix for the combinations of heteronym readings.
const MAX_READING_COMBINATIONS: usize = 16;

/// What the snapshot takes from the names of the view's members, each distinct name read once.
///
/// Names repeat (124,000 distinct ones at 200,000 members), and a name's syllables are what
/// everything about it comes from: its pinyin order, its A–Z letter, its index keys, its
/// readings record and its characters' readings. So each distinct name is read once, all of
/// that is taken from its syllables at once, and the syllables are let go: kept, they were half
/// a kilobyte a name in small allocations (60 MB at 200,000 members), and reading each name
/// for each use was a quarter of the build's time.
pub(crate) struct NameReadings {
    /// For each view member, the number of their name in `names`.
    of_member: Vec<u32>,
    names: Vec<Name>,
    /// The index, holding the keys of every name (numbered, without targets yet).
    index: IndexBuilder,
    /// The key numbers of each name, back to back: name `n`'s end at `names[n].keys_end`.
    keys: Vec<u32>,
    /// The readings record of each name, back to back (name `n`'s ends at
    /// `names[n].record_end`), as numbers: what [`Words::encode`] writes, but with each reading
    /// as its number in `readings`, which the words section keeps (see [`Words::new`]).
    records: Vec<u32>,
    /// The distinct readings of the names, numbered as first met.
    readings: Vec<String>,
    /// Every Chinese character of a name and its readings there (see [`char_table`]), as
    /// numbers in `readings`.
    chars: BTreeMap<char, BTreeSet<u32>>,
}

struct Name {
    /// The name's place among the distinct names in [`pinyin::pinyin_sort_key`] order, so that
    /// sorting by rank sorts by that key.
    rank: u32,
    /// Its A–Z bar bucket: 0–25 for A–Z, [`LETTER_BUCKETS`] − 1 for `#`.
    bucket: usize,
    keys_end: usize,
    record_end: usize,
}

impl NameReadings {
    pub(crate) fn new(directory: &Directory, view: &View) -> NameReadings {
        let mut number: HashMap<&str, u32> = HashMap::new();
        let mut distinct: Vec<&str> = Vec::new();
        let of_member = view
            .members
            .iter()
            .map(|vm| {
                let name = directory.userlist[vm.member].name.as_str();
                *number.entry(name).or_insert_with(|| {
                    distinct.push(name);
                    distinct.len() as u32 - 1
                })
            })
            .collect();
        let mut out = NameReadings {
            of_member,
            names: Vec::with_capacity(distinct.len()),
            index: IndexBuilder::default(),
            keys: Vec::new(),
            records: Vec::new(),
            readings: Vec::new(),
            chars: BTreeMap::new(),
        };
        let mut reading_numbers: HashMap<String, u32> = HashMap::new();
        let mut sort_keys: Vec<(String, u32)> = Vec::with_capacity(distinct.len());
        for (n, name) in distinct.iter().enumerate() {
            let syllables = pinyin::name_readings(name);
            sort_keys.push((pinyin::sort_key(name, &syllables), n as u32));
            let bucket = match pinyin::initial(name, &syllables) {
                Some(letter @ 'A'..='Z') => letter as usize - 'A' as usize,
                _ => LETTER_BUCKETS - 1,
            };
            let mut numbered = |family: u8, key: &[u8]| out.keys.push(out.index.key(family, key));
            add_name_keys(&mut numbered, NameFamilies::MEMBER, &syllables);
            add_first_reading_keys(&mut numbered, &syllables);

            let mut reading_number = |reading: &String| match reading_numbers.get(reading) {
                Some(&number) => number,
                None => {
                    let number = out.readings.len() as u32;
                    reading_numbers.insert(reading.clone(), number);
                    out.readings.push(reading.clone());
                    number
                }
            };
            let small = |n: usize| u32::try_from(n).expect("a name of fewer than 2^32 characters");
            out.records.push(small(syllables.len()));
            for s in &syllables {
                out.records.extend([small(s.chars.start), small(s.chars.len()), small(s.readings.len())]);
                let first = out.records.len();
                out.records.extend(s.readings.iter().map(&mut reading_number));
                if let Some(c) = han_character(s) {
                    out.chars.entry(c).or_default().extend(&out.records[first..]);
                }
            }
            out.names.push(Name { rank: 0, bucket, keys_end: out.keys.len(), record_end: out.records.len() });
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

    /// The name of view member `i`.
    fn of(&self, i: usize) -> &Name {
        &self.names[self.of_member[i] as usize]
    }

    /// The key numbers of name `n`.
    fn keys_of(&self, n: usize) -> &[u32] {
        let start = n.checked_sub(1).map_or(0, |previous| self.names[previous].keys_end);
        &self.keys[start..self.names[n].keys_end]
    }

    /// The readings record of name `n`, as numbers (see `records`).
    fn record_of(&self, n: usize) -> &[u32] {
        let start = n.checked_sub(1).map_or(0, |previous| self.names[previous].record_end);
        &self.records[start..self.names[n].record_end]
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
            ((!member.pinned, sort_number, names.of(i).rank, member.userid.as_str()), i)
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
    let shows = |field: PolicyField| view.visible_fields.contains(&field);
    let members: Vec<&crate::model::Member> =
        order.iter().map(|&i| &directory.userlist[view.members[i].member]).collect();
    // The distinct name of each stored member.
    let member_names: Vec<usize> = order.iter().map(|&i| names.of_member[i] as usize).collect();
    let departments: Vec<(u32, &str)> = view
        .departments
        .iter()
        .enumerate()
        .filter(|(_, d)| d.role == DepartmentRole::Listed)
        .map(|(p, d)| (p as u32, directory.department[d.department].name.as_str()))
        .collect();
    let department_syllables: Vec<(u32, Vec<Syllable>)> =
        departments.iter().map(|&(p, name)| (p, pinyin::text_readings(name))).collect();
    let group_syllables: Vec<(u32, Vec<Syllable>)> = view
        .groups
        .iter()
        .enumerate()
        .map(|(p, g)| (p as u32, pinyin::text_readings(&directory.group[g.group].name)))
        .collect();

    let words = Words::new(
        &names.readings,
        department_syllables
            .iter()
            .chain(&group_syllables)
            .flat_map(|(_, syllables)| syllables.iter().flat_map(|s| &s.readings)),
    );
    let mut readings = Writer::default();
    let mut scratch = Writer::default();
    // Where each distinct name's readings record was first written: later bearers copy it.
    let mut record_of_name: Vec<Option<Range<usize>>> = vec![None; names.names.len()];
    let mut index = std::mem::take(&mut names.index);
    // Every member gets all the keys of their name.
    let mut bearers: Vec<(usize, u32)> = member_names.iter().enumerate().map(|(p, &n)| (n, p as u32)).collect();
    bearers.sort_unstable();
    for same_name in bearers.chunk_by(|a, b| a.0 == b.0) {
        index.add_to_all(names.keys_of(same_name[0].0), same_name.iter().map(|&(_, p)| p));
    }
    drop(bearers);
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
    for (p, syllables) in &department_syllables {
        add_name_keys(&mut |family, key| index.add(family, key, *p), NameFamilies::DEPARTMENT, syllables);
        words.encode(&mut scratch, syllables);
        readings.record(&scratch);
    }
    for (p, syllables) in &group_syllables {
        add_name_keys(&mut |family, key| index.add(family, key, *p), NameFamilies::GROUP, syllables);
        words.encode(&mut scratch, syllables);
        readings.record(&scratch);
    }
    let chars = char_table(&names, &department_syllables, &group_syllables, &words);
    let letters = letter_order(&members, &member_names, &names);
    drop((names, department_syllables, group_syllables));

    for (p, member) in members.iter().enumerate() {
        let p = p as u32;
        if let Some(alias) = member.alias.as_deref().filter(|_| shows(PolicyField::Text(TextField::Alias))) {
            let words: Vec<String> = latin_words(alias);
            for start in 0..words.len() {
                index.add(family::ALIAS, words[start..].join("'").as_bytes(), p);
            }
        }
    }

    let (fst, postings) = index.finish();
    vec![
        (TAG_LETTERS, letters),
        (TAG_READINGS, readings.bytes),
        (TAG_CHARS, chars),
        (TAG_WORDS, words.finish()),
        (TAG_INDEX, fst),
        (TAG_POSTINGS, postings),
    ]
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

/// The text keys (from every Chinese syllable) and reading keys (from every syllable) of a name,
/// each given to `add` with its family.
fn add_name_keys(add: &mut impl FnMut(u8, &[u8]), families: NameFamilies, syllables: &[Syllable]) {
    for start in 0..syllables.len() {
        let (text_family, reading_family) = if start == 0 {
            (families.text_start, families.reading_start)
        } else {
            (families.text_infix, families.reading_infix)
        };
        if syllables[start].text.chars().next().is_some_and(is_han) {
            let text: String = syllables[start..].iter().map(|s| s.text.as_str()).collect();
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

/// The `FIRST_READING` keys of a member's name: every prefix of every reading of its first
/// syllable, if its reading keys go on past that syllable; each given to `add` with its family.
fn add_first_reading_keys(add: &mut impl FnMut(u8, &[u8]), syllables: &[Syllable]) {
    let [first, second, ..] = syllables else { return };
    if second.readings.is_empty() {
        return; // the reading keys end with the first syllable
    }
    for (i, reading) in first.readings.iter().enumerate() {
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
    normalize(text).split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// The distinct reading strings of the searchable names, numbered in the order the members'
/// names first use them, the members taken by account (then departments, then groups).
///
/// Numbered in an order that a directory change barely moves: numbered as the snapshot's
/// member order met them, one person joining or moving near the top renumbered the words after
/// theirs, and with them nearly every `READ` record, which made an update by difference
/// (docs/snapshot.md#differences) send most of that section again. Accounts never change, the
/// common readings are met among the first few members, and a change can only renumber a
/// reading that someone joining or leaving was the first to use: a rare one. (Sorted order was
/// as stable but gave the common readings two-byte numbers, a tenth more bytes for `READ`.)
struct Words {
    numbers: HashMap<String, u32>,
    in_order: Vec<String>,
}

impl Words {
    /// The names' distinct readings keep the numbers [`NameReadings`] gave them (first met, the
    /// members by account), so that a name's readings record is written as it stands; the
    /// readings of `more` (the departments' and groups' names) not among them follow.
    fn new<'a>(names: &[String], more: impl IntoIterator<Item = &'a String>) -> Words {
        let mut words = Words { numbers: HashMap::new(), in_order: names.to_vec() };
        words.numbers = names.iter().enumerate().map(|(n, word)| (word.clone(), n as u32)).collect();
        for word in more {
            if !words.numbers.contains_key(word) {
                words.numbers.insert(word.clone(), words.in_order.len() as u32);
                words.in_order.push(word.clone());
            }
        }
        words
    }

    fn number(&self, word: &str) -> u32 {
        self.numbers[word]
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

    /// [`Self::encode`] for a name read by [`NameReadings`]: `record` is its readings record
    /// with each reading as its number in `NameReadings::readings`, which is its number here
    /// too (see [`Self::new`]).
    fn encode_numbered(w: &mut Writer, record: &[u32]) {
        w.bytes.clear();
        for &value in record {
            w.uint(value.into());
        }
    }

    /// The words section, in number order.
    fn finish(self) -> Vec<u8> {
        let mut w = Writer::default();
        for word in &self.in_order {
            w.str(word);
        }
        w.bytes
    }
}

/// For every Chinese character in a searchable name: the readings it has there, so that a mixed
/// query ("张s") can spell the character out in the browser without the pinyin tables.
fn char_table(
    names: &NameReadings,
    departments: &[(u32, Vec<Syllable>)],
    groups: &[(u32, Vec<Syllable>)],
    words: &Words,
) -> Vec<u8> {
    let mut readings: BTreeMap<char, BTreeSet<&str>> = names
        .chars
        .iter()
        .map(|(&c, numbers)| (c, numbers.iter().map(|&n| names.readings[n as usize].as_str()).collect()))
        .collect();
    for s in departments.iter().chain(groups).flat_map(|(_, syllables)| syllables) {
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

/// The A–Z bar: how many members file under each letter (A–Z, then `#`), then the member
/// positions grouped by letter, each group in pinyin order. `member_names`: the distinct name of
/// each stored member.
fn letter_order(members: &[&crate::model::Member], member_names: &[usize], names: &NameReadings) -> Vec<u8> {
    let mut keyed: Vec<_> = members
        .iter()
        .zip(member_names)
        .enumerate()
        .map(|(p, (m, &n))| {
            let name = &names.names[n];
            ((name.bucket, name.rank, m.userid.as_str()), p as u32)
        })
        .collect();
    keyed.sort_unstable();
    let mut counts = [0u32; LETTER_BUCKETS];
    for ((b, _, _), _) in &keyed {
        counts[*b] += 1;
    }
    let mut out: Vec<u8> = counts.iter().flat_map(|c| c.to_le_bytes()).collect();
    out.extend(keyed.iter().flat_map(|(_, p)| p.to_le_bytes()));
    out
}
