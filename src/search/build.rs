//! Writing the search sections of a snapshot: the readings of every name, the A–Z and account
//! orders, and the index (see [`super::index`] for its keys).
//!
//! Readings come from the builder-only [`crate::text::pinyin`] tables, so the browser never
//! needs them: everything a query needs at run time is in these sections.

use std::collections::{BTreeMap, BTreeSet};

use super::index::{family, first_reading_key, IndexBuilder, PHONE_RUN, SECONDARY_READING, SYLLABLE_SEPARATOR};
use super::tables::{
    LETTER_BUCKETS, TAG_CHARS, TAG_INDEX, TAG_LETTERS, TAG_POSTINGS, TAG_READINGS, TAG_USERIDS, TAG_WORDS,
};
use crate::fields::TextField;
use crate::model::{Directory, PolicyField};
use crate::snapshot::format::Writer;
use crate::text::normalize::{is_han, normalize, phone_digits};
use crate::text::pinyin::{self, Syllable};
use crate::visibility::{DepartmentRole, View};

/// At most this many keys per name suffix for the combinations of heteronym readings.
const MAX_READING_COMBINATIONS: usize = 16;

/// The order members are stored in: their static rank (docs/search.md's tie-breakers after match
/// quality and frequency): pinned first, then sort number, then pinyin order, then account.
/// Returns view member indices.
pub(crate) fn member_order(directory: &Directory, view: &View) -> Vec<usize> {
    let mut keyed: Vec<_> = view
        .members
        .iter()
        .enumerate()
        .map(|(i, vm)| {
            let member = &directory.userlist[vm.member];
            let sort_number = vm.memberships.first().map_or(0, |&(_, order)| order);
            ((!member.pinned, sort_number, pinyin::pinyin_sort_key(&member.name), member.userid.as_str()), i)
        })
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The search sections for a view whose members are stored in `order` (view member indices).
pub(crate) fn sections(directory: &Directory, view: &View, order: &[usize]) -> Vec<([u8; 4], Vec<u8>)> {
    let shows = |field: PolicyField| view.visible_fields.contains(&field);
    let members: Vec<&crate::model::Member> =
        order.iter().map(|&i| &directory.userlist[view.members[i].member]).collect();
    let member_syllables: Vec<Vec<Syllable>> = members.iter().map(|m| pinyin::name_readings(&m.name)).collect();
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

    let mut index = IndexBuilder::default();
    let mut words = Words::default();
    let mut readings = Writer::default();
    for (p, syllables) in member_syllables.iter().enumerate() {
        add_name_keys(&mut index, NameFamilies::MEMBER, syllables, p as u32);
        add_first_reading_keys(&mut index, syllables, p as u32);
        readings.record(&words.encode(syllables));
    }
    // Departments and groups follow the members in the readings section, in snapshot order;
    // labels (breadcrumb steps) are not searchable and have no readings record.
    for (p, syllables) in &department_syllables {
        add_name_keys(&mut index, NameFamilies::DEPARTMENT, syllables, *p);
        readings.record(&words.encode(syllables));
    }
    for (p, syllables) in &group_syllables {
        add_name_keys(&mut index, NameFamilies::GROUP, syllables, *p);
        readings.record(&words.encode(syllables));
    }

    for (p, member) in members.iter().enumerate() {
        let p = p as u32;
        if let Some(alias) = member.alias.as_deref().filter(|_| shows(PolicyField::Text(TextField::Alias))) {
            let words: Vec<String> = latin_words(alias);
            for start in 0..words.len() {
                index.add(family::ALIAS, words[start..].join("'").as_bytes(), p);
            }
        }
        index.add(family::ACCOUNT, member.userid.to_lowercase().as_bytes(), p);
        for (field, fam) in [(TextField::WeixinId, family::WEIXIN), (TextField::Email, family::EMAIL)] {
            if let Some(value) = member.text(field).filter(|_| shows(PolicyField::Text(field))) {
                index.add(fam, normalize(value).as_bytes(), p);
            }
        }
        for field in [TextField::Mobile, TextField::Telephone] {
            if let Some(value) = member.text(field).filter(|_| shows(PolicyField::Text(field))) {
                let digits = phone_digits(value);
                index.add(family::PHONE_FULL, digits.as_bytes(), p);
                for run in digits.as_bytes().windows(PHONE_RUN) {
                    index.add(family::PHONE, run, p);
                }
                if let Some(end) = digits.len().checked_sub(PHONE_RUN - 1) {
                    index.add(family::PHONE, &digits.as_bytes()[end..], p);
                }
            }
        }
    }

    let (fst, postings) = index.finish();
    let chars = char_table(&member_syllables, &department_syllables, &group_syllables, &mut words);
    vec![
        (TAG_USERIDS, userid_order(&members)),
        (TAG_LETTERS, letter_order(&members)),
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

/// The text keys (from every Chinese syllable) and reading keys (from every syllable) of a name.
fn add_name_keys(index: &mut IndexBuilder, families: NameFamilies, syllables: &[Syllable], target: u32) {
    for start in 0..syllables.len() {
        let (text_family, reading_family) = if start == 0 {
            (families.text_start, families.reading_start)
        } else {
            (families.text_infix, families.reading_infix)
        };
        if syllables[start].text.chars().next().is_some_and(is_han) {
            let text: String = syllables[start..].iter().map(|s| s.text.as_str()).collect();
            index.add(text_family, text.as_bytes(), target);
        }
        // The first combination reads every syllable its first way.
        for (i, mut key) in reading_combinations(&syllables[start..]).into_iter().enumerate() {
            if i > 0 {
                key.push(SECONDARY_READING);
            }
            index.add(reading_family, &key, target);
        }
    }
}

/// The `FIRST_READING` keys of a member's name: every prefix of every reading of its first
/// syllable, if its reading keys go on past that syllable.
fn add_first_reading_keys(index: &mut IndexBuilder, syllables: &[Syllable], target: u32) {
    let [first, second, ..] = syllables else { return };
    if second.readings.is_empty() {
        return; // the reading keys end with the first syllable
    }
    for (i, reading) in first.readings.iter().enumerate() {
        for end in 1..=reading.len() {
            let key = first_reading_key(&reading.as_bytes()[..end], end == reading.len(), i > 0);
            index.add(family::FIRST_READING, &key, target);
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

/// Distinct reading strings, numbered in the order they are first met.
#[derive(Default)]
struct Words {
    seen: BTreeMap<String, u32>,
    pending: Vec<String>,
}

impl Words {
    fn number(&mut self, word: &str) -> u32 {
        if let Some(&n) = self.seen.get(word) {
            return n;
        }
        let n = self.pending.len() as u32;
        self.seen.insert(word.to_owned(), n);
        self.pending.push(word.to_owned());
        n
    }

    /// A readings record: per syllable, its character range and its readings.
    fn encode(&mut self, syllables: &[Syllable]) -> Writer {
        let mut w = Writer::default();
        w.uint(syllables.len() as u64);
        for s in syllables {
            w.uint(s.chars.start as u64);
            w.uint((s.chars.end - s.chars.start) as u64);
            w.uint(s.readings.len() as u64);
            for reading in &s.readings {
                w.uint(u64::from(self.number(reading)));
            }
        }
        w
    }

    /// The words section, in the order they were first numbered.
    fn finish(self) -> Vec<u8> {
        let mut w = Writer::default();
        for word in &self.pending {
            w.str(word);
        }
        w.bytes
    }
}

/// For every Chinese character in a searchable name: the readings it has there, so that a mixed
/// query ("张s") can spell the character out in the browser without the pinyin tables.
fn char_table(
    members: &[Vec<Syllable>],
    departments: &[(u32, Vec<Syllable>)],
    groups: &[(u32, Vec<Syllable>)],
    words: &mut Words,
) -> Vec<u8> {
    let mut readings: BTreeMap<char, BTreeSet<&str>> = BTreeMap::new();
    let all = members.iter().chain(departments.iter().map(|(_, s)| s)).chain(groups.iter().map(|(_, s)| s));
    for syllables in all {
        for s in syllables {
            let mut chars = s.text.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                if is_han(c) {
                    readings.entry(c).or_default().extend(s.readings.iter().map(String::as_str));
                }
            }
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

/// Member positions sorted by account, for looking a member up by account.
fn userid_order(members: &[&crate::model::Member]) -> Vec<u8> {
    let mut positions: Vec<u32> = (0..members.len() as u32).collect();
    positions.sort_by(|&a, &b| members[a as usize].userid.cmp(&members[b as usize].userid));
    positions.iter().flat_map(|p| p.to_le_bytes()).collect()
}

/// The A–Z bar: how many members file under each letter (A–Z, then `#`), then the member
/// positions grouped by letter, each group in pinyin order.
fn letter_order(members: &[&crate::model::Member]) -> Vec<u8> {
    let bucket = |name: &str| match pinyin::surname_initial(name) {
        Some(letter @ 'A'..='Z') => letter as usize - 'A' as usize,
        _ => LETTER_BUCKETS - 1,
    };
    let mut keyed: Vec<_> = members
        .iter()
        .enumerate()
        .map(|(p, m)| ((bucket(&m.name), pinyin::pinyin_sort_key(&m.name), m.userid.as_str()), p as u32))
        .collect();
    keyed.sort();
    let mut counts = [0u32; LETTER_BUCKETS];
    for ((b, _, _), _) in &keyed {
        counts[*b] += 1;
    }
    let mut out: Vec<u8> = counts.iter().flat_map(|c| c.to_le_bytes()).collect();
    out.extend(keyed.iter().flat_map(|(_, p)| p.to_le_bytes()));
    out
}
