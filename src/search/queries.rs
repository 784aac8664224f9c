//! The mixed query set: what people type to find a colleague, generated from a snapshot, each
//! query with the members it should find. The native benchmark (`benches/search.rs`), the
//! JavaScript side-by-side benchmark (through `tongxunlu queries`) and the recall tests all use
//! this one set, so their figures describe the same work.
//!
//! Every `every`-th member is a *target*, asked for in each way that applies to them: their
//! name, an infix of it, full pinyin, initials, a pinyin prefix ("zhangw"), a mixed query
//! ("张w"), fuzzy pinyin ("zangsan"), full pinyin with two neighbouring letters swapped, full
//! pinyin with the surname read its other way ("danxiongxin") or ü typed ü, u or yu, four and
//! seven digits out of the middle of the mobile, its last four digits (尾号), the first six
//! letters of the account, their first department's name, and their name followed by the name
//! of that department (several words: "张伟 华东大区"). A name with digits (张伟2) is also asked
//! for by its initials and digits ("zw2"), and a department named with digits (一年级2班) by its
//! pinyin and digits ("yinianji2ban"); the company sample has neither, the school's classes do.
//!
//! A query usually has more right answers than its target: 张伟 is a common name, and "zw" are
//! the initials of hundreds of people. So each case lists its *answers*: every member that the
//! same kind of query made for them would be the same text (the same name, the same initials…),
//! whose name holds the characters (for a name infix: 林海 is found by "林海" before 谢林海), or
//! whose field holds the fragment (phone digits in a mobile or telephone, account prefix), whose
//! number ends with the digits (尾号: the numbers that hold them elsewhere are not what was
//! meant, and rank after), or
//! who belongs to a department of that name or to one below it (and for several words, who has
//! the name and such a department on their path). Recall@k is then the share of the first k results that are answers, out of
//! min(k, answers) — a measure that does not punish an engine for choosing among equals.
//!
//! Each case also names who asks: a colleague of the target (the first other member of their
//! department, or of the nearest department above it), since people mostly look for colleagues
//! near them — among equal answers, the engine ranks those closer to the viewer first.
//!
//! Readings are each syllable's first reading, the one the snapshot builder lists first (a
//! surname's surname reading).

use std::collections::HashMap;

use serde::Serialize;

use super::engine::{ResultKind, Searcher};
use super::matcher::Syllable;
use super::typo::reading_combinations;
use crate::fields::TextField;
use crate::text::normalize::{is_han, normalize, phone_digits};

/// One query with the accounts of the members it should find.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryCase {
    /// What kind of query: `name`, `name infix`, `full pinyin`, `initials`, `pinyin prefix`,
    /// `mixed`, `fuzzy pinyin`, `typo`, `surname other reading`, `u umlaut`, `name with digits`,
    /// `phone 4 digits`, `phone 7 digits`, `phone last 4`, `account prefix`, `department`,
    /// `department with digits`, `name and department`.
    pub kind: &'static str,
    /// What is typed into the search box.
    pub query: String,
    /// The account of the member the query was made from (its target).
    pub expect: String,
    /// Every member that answers the query (the target among them), in snapshot order.
    pub answers: Vec<String>,
    /// Who asks: a colleague of the target (see [`colleague`]), whose closeness ranks equal
    /// answers; none when the target has no colleague.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub viewer: Option<String>,
    /// For the department kinds, the name of the department the query names: a department of
    /// that name is itself a right answer, since it is what opens the list of its members, and a
    /// company has one 包装组 in every branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

/// The kinds whose queries are made the same way for every member, so that the members a query
/// answers are those whose own query of that kind is the same text.
const KEYED_KINDS: [&str; 8] =
    ["name", "name infix", "full pinyin", "initials", "pinyin prefix", "mixed", "fuzzy pinyin", "typo"];

/// The query set over every `every`-th member (`every` ≥ 1) of a snapshot
/// ([`Snapshot::searcher`](crate::snapshot::Snapshot::searcher)).
pub fn query_set(searcher: Searcher<'_>, every: usize) -> Vec<QueryCase> {
    let records = searcher.records();
    let every = every.max(1);
    let members = records.member_count();

    // For the keyed kinds, the answers to a query are the members whose own query (or, for the
    // fuzzy and typo kinds, whose plain reading) is the same.
    let mut keyed: HashMap<(&'static str, String), Vec<usize>> = HashMap::new();
    let mut departments: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut phones: Vec<(usize, Vec<String>)> = Vec::new();
    let mut accounts: Vec<(String, usize)> = Vec::with_capacity(members);
    for position in 0..members {
        let member = records.member(position);
        for (kind, key) in answer_keys(member.name, &searcher.member_syllables(position)) {
            keyed.entry((kind, key)).or_default().push(position);
        }
        // A department's members follow it, those of its subdepartments too; departments of
        // the same name (every branch's 销售部) answer alike.
        let mut above: Vec<usize> = member.departments.iter().map(|&(d, _)| d).collect();
        while let Some(d) = above.pop() {
            let department = records.department(d);
            departments.entry(department.name).or_default().push(position);
            above.extend(department.parent);
        }
        let numbers: Vec<String> = [TextField::Mobile, TextField::Telephone]
            .iter()
            .filter_map(|&f| member.text(f))
            .map(phone_digits)
            .collect();
        phones.push((position, numbers));
        accounts.push((member.userid.to_lowercase(), position));
    }
    accounts.sort();

    let userids = |positions: &[usize]| -> Vec<String> {
        let mut positions = positions.to_vec();
        positions.sort_unstable();
        positions.dedup();
        positions.into_iter().map(|p| records.member(p).userid.to_owned()).collect()
    };

    let mut cases = Vec::new();
    let mut fragments: HashMap<String, Vec<usize>> = HashMap::new();
    let mut endings: HashMap<String, Vec<usize>> = HashMap::new();
    for position in (0..members).step_by(every) {
        let member = records.member(position);
        let target = member.userid.to_owned();
        let syllables = searcher.member_syllables(position);
        let readings = first_readings(&syllables);
        let one_char_surname = syllables.first().is_some_and(|s| s.chars == (0..1));
        let queries = target_queries(member.name, one_char_surname, &readings);
        for kind in KEYED_KINDS {
            let Some(query) = queries.get(kind) else { continue };
            let key = match kind {
                "fuzzy pinyin" => ("fuzzy key", fuzzy_key(&readings)),
                "typo" => ("full pinyin", readings.concat()),
                _ => (kind, query.clone()),
            };
            let answers = keyed.get(&key).map(|p| userids(p)).unwrap_or_default();
            cases.push(QueryCase {
                kind,
                query: query.clone(),
                expect: target.clone(),
                answers,
                viewer: None,
                department: None,
            });
        }
        // A name with digits (张伟2), by its initials with the digits as they stand ("zw2").
        if member.name.chars().any(|c| c.is_ascii_digit()) {
            if let Some(initials) = queries.get("initials") {
                let answers = keyed.get(&("initials", initials.clone())).map(|p| userids(p)).unwrap_or_default();
                let (kind, query) = ("name with digits", initials.clone());
                cases.push(QueryCase { kind, query, expect: target.clone(), answers, viewer: None, department: None });
            }
        }
        if let Some(digits) = member.text(TextField::Mobile).map(phone_digits).filter(|d| d.len() >= 10) {
            for (kind, fragment) in [("phone 4 digits", &digits[3..7]), ("phone 7 digits", &digits[3..10])] {
                // The holders are filled in below, in one pass over every number.
                fragments.entry(fragment.to_owned()).or_default();
                cases.push(QueryCase {
                    kind,
                    query: fragment.to_owned(),
                    expect: target.clone(),
                    answers: Vec::new(),
                    viewer: None,
                    department: None,
                });
            }
            let ending = &digits[digits.len() - 4..];
            endings.entry(ending.to_owned()).or_default();
            cases.push(QueryCase {
                kind: "phone last 4",
                query: ending.to_owned(),
                expect: target.clone(),
                answers: Vec::new(),
                viewer: None,
                department: None,
            });
        }
        let prefix: String = member.userid.to_lowercase().chars().take(6).collect();
        let from = accounts.partition_point(|(a, _)| a.as_str() < prefix.as_str());
        let holders: Vec<usize> =
            accounts[from..].iter().take_while(|(a, _)| a.starts_with(&prefix)).map(|(_, p)| *p).collect();
        cases.push(QueryCase {
            kind: "account prefix",
            query: prefix,
            expect: target.clone(),
            answers: userids(&holders),
            viewer: None,
            department: None,
        });
        if let Some(&(d, _)) = member.departments.first() {
            let name = records.department(d).name;
            let in_department = departments.get(name).map(Vec::as_slice).unwrap_or_default();
            cases.push(QueryCase {
                kind: "department",
                query: name.to_owned(),
                expect: target.clone(),
                answers: userids(in_department),
                viewer: None,
                department: Some(name.to_owned()),
            });
            // A department named with digits (一年级2班, 3号仓库), by its pinyin with the digits
            // as they stand ("yinianji2ban"): its members follow it, as for its name.
            if name.chars().any(|c| c.is_ascii_digit()) {
                let spelled = first_readings(&searcher.name_syllables(ResultKind::Department, d)).concat();
                cases.push(QueryCase {
                    kind: "department with digits",
                    query: spelled,
                    expect: target.clone(),
                    answers: userids(in_department),
                    viewer: None,
                    department: Some(name.to_owned()),
                });
            }
            // The same name, and a department of that name on the path. (The members of a
            // department name are listed in position order: see above.)
            let named = keyed.get(&("name", normalize(member.name))).map(Vec::as_slice).unwrap_or_default();
            let both: Vec<usize> = named.iter().copied().filter(|p| in_department.binary_search(p).is_ok()).collect();
            cases.push(QueryCase {
                kind: "name and department",
                query: format!("{} {name}", member.name),
                expect: target.clone(),
                answers: userids(&both),
                viewer: None,
                department: None,
            });
        }
    }
    // Full pinyin typed another way: the surname by the character's other reading (单雄信 as
    // "danxiongxin"), ü as ü, u or yu (吕布 as "lübu", "lyubu"); answered like full pinyin. Few
    // names have either, so each kind takes every few of the members it applies to, about as
    // many as the kinds above take of everyone.
    let respelled: [(&str, Respelling); 2] =
        [("surname other reading", surname_other_reading), ("u umlaut", umlaut_spelling)];
    for (kind, respell) in respelled {
        let applies: Vec<(usize, String)> =
            (0..members).filter_map(|p| Some((p, respell(&searcher.member_syllables(p), p)?))).collect();
        let step = (applies.len() * every / members.max(1)).max(1);
        for (position, query) in applies.into_iter().step_by(step) {
            let typed_v = query.replace('ü', "v");
            let answers = keyed.get(&("full pinyin", typed_v)).map(|p| userids(p)).unwrap_or_default();
            cases.push(QueryCase {
                kind,
                query,
                expect: records.member(position).userid.to_owned(),
                answers,
                viewer: None,
                department: None,
            });
        }
    }
    for (position, numbers) in &phones {
        for number in numbers {
            for width in [4, 7] {
                for at in 0..number.len().saturating_sub(width - 1) {
                    if let Some(holders) = fragments.get_mut(&number[at..at + width]) {
                        holders.push(*position);
                    }
                }
            }
            if let Some(holders) = number.get(number.len().saturating_sub(4)..).and_then(|e| endings.get_mut(e)) {
                holders.push(*position);
            }
        }
    }
    for case in cases.iter_mut().filter(|c| c.kind.starts_with("phone")) {
        let holders = if case.kind == "phone last 4" { &endings } else { &fragments };
        case.answers = userids(&holders[&case.query]);
    }
    let colleagues = Colleagues::new(searcher);
    for case in &mut cases {
        case.viewer = searcher.find_member(&case.expect).and_then(|target| colleagues.of(target));
    }
    cases
}

/// Who asks for a target: people mostly look for colleagues near them. Another member of the
/// target's first department — the first in snapshot order — or, when the target is alone
/// there, of the nearest department above it that has someone directly in it.
struct Colleagues<'s> {
    searcher: Searcher<'s>,
    /// The first two members directly in each department, by position.
    first_two: HashMap<usize, Vec<usize>>,
}

impl<'s> Colleagues<'s> {
    fn new(searcher: Searcher<'s>) -> Colleagues<'s> {
        let records = searcher.records();
        let mut first_two: HashMap<usize, Vec<usize>> = HashMap::new();
        for position in 0..records.member_count() {
            for &(d, _) in &records.member(position).departments {
                let members = first_two.entry(d).or_default();
                if members.len() < 2 {
                    members.push(position);
                }
            }
        }
        Colleagues { searcher, first_two }
    }

    /// A colleague of the member at `target`, by account.
    fn of(&self, target: usize) -> Option<String> {
        let records = self.searcher.records();
        let mut department = records.member(target).departments.first().map(|&(d, _)| d);
        while let Some(d) = department {
            let other = self.first_two.get(&d).and_then(|m| m.iter().find(|&&p| p != target));
            if let Some(&colleague) = other {
                return Some(records.member(colleague).userid.to_owned());
            }
            department = records.department(d).parent.filter(|&p| p < d);
        }
        None
    }
}

/// Full pinyin of a name's syllables spelled another way, if it has such a spelling; the
/// member's position may choose among several.
type Respelling = fn(&[Syllable<'_>], usize) -> Option<String>;

/// Full pinyin with a one-character surname read another way than its first (单 as dan after
/// shan), when it has one that is not just ü spelled otherwise (吕 lyu).
fn surname_other_reading(syllables: &[Syllable<'_>], _: usize) -> Option<String> {
    let (first, rest) = syllables.split_first().filter(|(s, _)| s.chars == (0..1))?;
    let usual = *first.readings.first()?;
    let umlaut = |r: &str| usual.contains('v') && (r == usual.replace('v', "u") || r == usual.replace('v', "yu"));
    let other = first.readings.iter().skip(1).find(|r| !umlaut(r))?;
    Some(std::iter::once(*other).chain(first_readings(rest)).collect())
}

/// Full pinyin of a name with ü (written v) in it, spelled one of the other ways people type
/// it, chosen by the member's position: yu (lyu, nyu) for a third of them, else u where that is
/// unambiguous (lue, nue), else ü.
fn umlaut_spelling(syllables: &[Syllable<'_>], position: usize) -> Option<String> {
    // Only a Chinese syllable's v is ü: Novak is not Noüak.
    let chinese = |s: &Syllable<'_>| s.text.chars().all(is_han);
    if !syllables.iter().any(|s| chinese(s) && s.readings.first().is_some_and(|r| r.contains('v'))) {
        return None;
    }
    let respelled = syllables.iter().zip(first_readings(syllables)).map(|(s, r)| match (chinese(s), position % 3, r) {
        (false, ..) => r.to_owned(),
        (true, 0, "lv" | "nv") => r.replace('v', "yu"),
        (true, _, "lve" | "nve") => r.replace('v', "u"),
        (true, ..) => r.replace('v', "ü"),
    });
    Some(respelled.collect())
}

/// One reading per syllable: the first ones, which the builder lists first (a surname's
/// surname reading).
fn first_readings<'a>(syllables: &[Syllable<'a>]) -> Vec<&'a str> {
    syllables.iter().map(|s| s.readings.first().copied().unwrap_or_default()).collect()
}

/// The queries of the keyed kinds a member is asked for by, with the name read one way; a kind
/// is missing where it does not apply (no infix of a two-character name, no fuzzy variant of
/// "wu li"). The name is compared as typed queries are, simplified and case-folded.
fn target_queries(name: &str, one_char_surname: bool, readings: &[&str]) -> HashMap<&'static str, String> {
    let mut queries = HashMap::new();
    let name = normalize(name);
    let chars: Vec<char> = name.chars().collect();
    let full = readings.concat();
    queries.insert("name", name.clone());
    if chars.len() >= 3 {
        queries.insert("name infix", chars[1..].iter().collect());
    }
    if !full.is_empty() {
        queries.insert("full pinyin", full.clone());
        queries.insert("initials", readings.iter().filter_map(|r| r.get(..1)).collect());
    }
    if let [first, second, ..] = readings {
        if !first.is_empty() && !second.is_empty() {
            queries.insert("pinyin prefix", format!("{first}{}", &second[..1]));
            if one_char_surname && is_han(chars[0]) {
                queries.insert("mixed", format!("{}{}", chars[0], &second[..1]));
            }
        }
    }
    if let Some(fuzzy) = fuzzy_variant(readings) {
        queries.insert("fuzzy pinyin", fuzzy);
    }
    if full.len() >= 5 {
        queries.insert("typo", swap_neighbours(&full));
    }
    queries
}

/// The keys under which a member answers the keyed kinds: those of every way to read their
/// name (heteronyms: 强 is qiang and jiang), and the fuzzy key.
fn answer_keys(name: &str, syllables: &[Syllable<'_>]) -> Vec<(&'static str, String)> {
    let one_char_surname = syllables.first().is_some_and(|s| s.chars == (0..1));
    let mut keys = Vec::new();
    for readings in reading_combinations(syllables, 16) {
        keys.extend(
            target_queries(name, one_char_surname, &readings)
                .into_iter()
                .filter(|(kind, _)| !matches!(*kind, "name infix" | "fuzzy pinyin" | "typo")),
        );
        keys.push(("fuzzy key", fuzzy_key(&readings)));
    }
    // A name infix query finds every name that holds it, from the start or not.
    let chars: Vec<char> = normalize(name).chars().collect();
    for start in 0..chars.len() {
        for end in start + 2..=chars.len() {
            keys.push(("name infix", chars[start..end].iter().collect()));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The fuzzy pairs of docs/search.md, as (exact, fuzzy) spellings of a syllable's start or end.
const FUZZY_INITIALS: [(&str, &str); 7] =
    [("zh", "z"), ("ch", "c"), ("sh", "s"), ("z", "zh"), ("c", "ch"), ("s", "sh"), ("n", "l")];
const FUZZY_FINALS: [(&str, &str); 6] =
    [("ang", "an"), ("eng", "en"), ("ing", "in"), ("an", "ang"), ("en", "eng"), ("in", "ing")];

/// Full pinyin with the first syllable that has a fuzzy partner spelt the fuzzy way: 张三 as
/// "zangsan", 刘宁 as "liuling".
fn fuzzy_variant(readings: &[&str]) -> Option<String> {
    for (i, reading) in readings.iter().enumerate() {
        let changed = FUZZY_INITIALS
            .iter()
            .find(|(exact, _)| reading.starts_with(exact))
            .map(|(exact, fuzzy)| format!("{fuzzy}{}", &reading[exact.len()..]))
            .or_else(|| {
                FUZZY_FINALS
                    .iter()
                    .find(|(exact, _)| reading.ends_with(exact) && reading.len() > exact.len())
                    .map(|(exact, fuzzy)| format!("{}{fuzzy}", &reading[..reading.len() - exact.len()]))
            });
        if let Some(changed) = changed {
            let mut spelt: Vec<&str> = readings.to_vec();
            spelt[i] = &changed;
            return Some(spelt.concat());
        }
    }
    None
}

/// A reading with every fuzzy pair folded to one side, so that readings that are fuzzy
/// equivalents share it: zhang and zan are both `zan`.
fn fuzzy_key(readings: &[&str]) -> String {
    let mut key = String::new();
    for reading in readings {
        let mut reading = *reading;
        let initial = ["zh", "ch", "sh"].iter().find(|p| reading.starts_with(*p));
        if let Some(initial) = initial {
            key.push_str(&initial[..1]);
            reading = &reading[2..];
        } else if let Some(rest) = reading.strip_prefix('n') {
            key.push('l');
            reading = rest;
        }
        match ["ang", "eng", "ing"].iter().find(|f| reading.ends_with(*f)) {
            Some(_) => key.push_str(&reading[..reading.len() - 1]),
            None => key.push_str(reading),
        }
        key.push('\'');
    }
    key
}

/// The letters with two different neighbours from the middle on swapped: "zhangsan" → "zhansgan".
fn swap_neighbours(letters: &str) -> String {
    let mut bytes = letters.as_bytes().to_vec();
    let middle = bytes.len() / 2;
    let at = (middle..bytes.len() - 1).chain(0..middle).find(|&i| bytes[i] != bytes[i + 1]);
    if let Some(i) = at {
        bytes.swap(i, i + 1);
    }
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_variants_change_one_syllable_and_share_the_fuzzy_key() {
        let zhang_san = ["zhang", "san"];
        assert_eq!(fuzzy_variant(&zhang_san).as_deref(), Some("zangsan"));
        assert_eq!(fuzzy_variant(&["liu", "ning"]).as_deref(), Some("liuling"));
        assert_eq!(fuzzy_variant(&["wu", "li"]), None);
        assert_eq!(fuzzy_key(&zhang_san), fuzzy_key(&["zan", "shan"]));
        assert_eq!(fuzzy_key(&["ning"]), fuzzy_key(&["lin"]));
        assert_ne!(fuzzy_key(&zhang_san), fuzzy_key(&["zhan", "sa"]));
    }

    #[test]
    fn a_typo_swaps_two_different_neighbours() {
        assert_eq!(swap_neighbours("zhangsan"), "zhansgan");
        assert_eq!(swap_neighbours("wangfang"), "wangafng");
        assert_eq!(swap_neighbours("aaaab"), "aaaba");
    }
}
