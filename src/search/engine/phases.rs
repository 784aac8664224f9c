//! The gathering phases: how each part of a query is looked up in the index families, and in
//! which order — matches from a name's first syllable and the prefix-only fields, then infix
//! matches, then fuzzy pinyin, then typos — each later phase running only while the page has
//! room for what it can find (see [`Gathered::open_to`]).

use super::super::automaton::{Piece, ReadingAutomaton};
use super::super::index::{family, first_reading_key, Targets, SYLLABLE_SEPARATOR};
use super::super::lookup::{Identifier, PHONE_RUN};
use super::super::matcher::{align_fuzzy, QueryUnit, Syllable};
use super::super::phone::Tier;
use super::super::typo::{within_one_edit, TypoAutomaton};
use super::collector::Gathered;
use super::postings::{intersect, Union};
use super::query::{letters_only, Query};
use super::rank::{place_of, way_of, Place, Quality, EXACT, INFIX, PREFIX};
use super::{Field, ResultKind, Searcher, Way};
use crate::text::normalize::{normalized, to_simplified};

impl Searcher<'_> {
    /// Matches from the first syllable of names, and the prefix-only fields.
    pub(super) fn gather_from_start(&self, query: &Query, gathered: &mut Gathered<'_>) {
        let kinds = [
            (ResultKind::Member, family::NAME_START, family::READING_START),
            (ResultKind::Department, family::DEPARTMENT_NAME_START, family::DEPARTMENT_READING_START),
            (ResultKind::Group, family::GROUP_NAME_START, family::GROUP_READING_START),
        ];
        for (kind, text_family, reading_family) in kinds {
            self.gather_names(query, kind, text_family, reading_family, true, gathered);
        }
        // The fields below match from their start only: each is walked only while its best
        // match could still make the page ("lin" would otherwise go through every account that
        // starts with lin after the page is full of 李娜 and 李宁).
        let letters_first = matches!(query.units.as_deref().and_then(|u| u.first()), Some(QueryUnit::Letter(_)));
        if letters_first && gathered.open_to(Way::Alias.band(), PREFIX) {
            if let Some(letters) = letters_only(query) {
                if let Some(automaton) = ReadingAutomaton::new(family::ALIAS, &[Piece::Letters(&letters)]) {
                    self.each_match(automaton, |_, targets| {
                        gathered.add_all(Quality::new(PREFIX, Way::Alias), ResultKind::Member, targets, Field::Alias);
                    });
                }
            }
        }
        let identifier = query.identifier.as_ref().filter(|_| gathered.open_to(Way::Identifier.band(), EXACT));
        let lookups = &self.tables.lookups;
        if let Some(identifier) = identifier {
            for which in Identifier::ALL {
                let field = which.field();
                lookups.each_identifier(self.records, which, identifier, |whole, targets| {
                    let place = place_of_match(true, whole);
                    gathered.add_all(Quality::new(place, Way::Identifier), ResultKind::Member, targets, field);
                });
            }
        }
        if let Some(digits) = &query.digits {
            // The numbers that end with the digits (尾号), then those that begin with them. Every
            // candidate is checked whether or not its list says it must be: the check also tells
            // whether the number is the digits whole. A whole number ends with the digits, so the
            // second list's best is a beginning: once that cannot make the page, it is left.
            let ending = self.tables.lookups.phone_runs(self.records).ending(digits.as_bytes());
            let ending: Box<dyn Iterator<Item = u32>> = Box::new(ending.into_iter().flatten());
            let (starting, _) = self.phone_candidates(digits, true);
            for (candidates, best) in [(ending, Tier::Whole), (starting, Tier::Start)] {
                for p in candidates.filter(|&p| self.holds(ResultKind::Member, p)) {
                    if !gathered.admits_from(Quality::phone(best), ResultKind::Member, p) {
                        break;
                    }
                    let quality = self.phone_match(p as usize, digits).map(|(tier, ..)| Quality::phone(tier));
                    if let Some(quality) = quality.filter(|q| q.place != INFIX) {
                        gathered.add(quality, ResultKind::Member, p, Field::Mobile);
                    }
                }
            }
        }
    }

    /// Matches from later syllables of names, and phone digits anywhere.
    pub(super) fn gather_infix(&self, query: &Query, gathered: &mut Gathered<'_>) {
        let kinds = [
            (ResultKind::Member, family::NAME_INFIX, family::READING_INFIX),
            (ResultKind::Department, family::DEPARTMENT_NAME_INFIX, family::DEPARTMENT_READING_INFIX),
            (ResultKind::Group, family::GROUP_NAME_INFIX, family::GROUP_READING_INFIX),
        ];
        for (kind, text_family, reading_family) in kinds {
            self.gather_names(query, kind, text_family, reading_family, false, gathered);
        }
        if let Some(digits) = &query.digits {
            let quality = Quality::phone(Tier::Inside);
            let (candidates, check) = self.phone_candidates(digits, false);
            // (Index targets are checked on use: a crafted index may point past the members.)
            for p in candidates.filter(|&p| self.holds(ResultKind::Member, p)) {
                if !gathered.admits_from(quality, ResultKind::Member, p) {
                    break;
                }
                if !gathered.admits(quality, ResultKind::Member, p) {
                    continue;
                }
                if !check || self.phone_match(p as usize, digits).is_some() {
                    gathered.add(quality, ResultKind::Member, p, Field::Mobile);
                }
            }
        }
    }

    /// Candidates for members whose phone numbers hold `digits` — or, `from_start`, begin with
    /// them — in position order, each once, and whether each must still be checked. Three digits
    /// are the start of a run of four or the end of a number: the lists of every run they begin,
    /// and of the ending, merged, are exactly their holders. Longer queries take the holders of
    /// their runs of four (from the start: of the numbers' first four digits, and of the later
    /// runs), the shortest lists intersected first, until few enough are left to check one by
    /// one (the runs may also sit apart in a number: every candidate is checked).
    fn phone_candidates(&self, digits: &str, from_start: bool) -> (Box<dyn Iterator<Item = u32> + '_>, bool) {
        /// Fewer candidates than this are cheaper to check than another list is to read.
        const FEW: usize = 32;
        let phone_runs = self.tables.lookups.phone_runs(self.records);
        let digits = digits.as_bytes();
        if digits.len() == PHONE_RUN - 1 {
            return (Box::new(Union::new(phone_runs.holding_three(digits, from_start))), from_start);
        }
        let (first, rest) = if from_start { digits.split_at(PHONE_RUN) } else { (&[][..], digits) };
        let mut runs: Vec<&[u8]> = rest.windows(PHONE_RUN).collect();
        runs.sort_unstable();
        runs.dedup();
        let mut lists = Vec::with_capacity(runs.len() + 1);
        let starting = from_start.then(|| phone_runs.starting(first));
        for targets in starting.into_iter().chain(runs.into_iter().map(|run| phone_runs.holding(run))) {
            match targets {
                Some(targets) => lists.push(targets),
                None => return (Box::new(std::iter::empty()), false), // a run nobody's number holds
            }
        }
        if digits.len() == PHONE_RUN {
            return (Box::new(lists.remove(0)), from_start);
        }
        // The shortest list first, then each next shortest, picked by hand: a handful of lists
        // does not need a sort (whose code the browser build would carry for this alone).
        let mut candidates: Option<Vec<u32>> = None;
        while let Some(shortest) = (0..lists.len()).min_by_key(|&i| lists[i].len()) {
            let list = lists.swap_remove(shortest);
            candidates = Some(match candidates {
                None => list.collect(),
                Some(candidates) if candidates.len() < FEW => candidates,
                Some(candidates) => intersect(&candidates, list),
            });
        }
        (Box::new(candidates.unwrap_or_default().into_iter()), true)
    }

    /// Names matched by fuzzy pinyin (letters-only queries), which exact pinyin did not match.
    pub(super) fn gather_fuzzy(&self, query: &Query, gathered: &mut Gathered<'_>) {
        let (Some(units), Some(letters)) = (&query.units, letters_only(query)) else { return };
        if !ReadingAutomaton::fuzzy_can_add(&letters) {
            return;
        }
        for (kind, family, from_start) in NAME_READING_FAMILIES {
            let Some(automaton) = ReadingAutomaton::fuzzy(family, &letters) else { return };
            let Some(exact) = ReadingAutomaton::new(family, &[Piece::Letters(&letters)]) else { return };
            // As for exact pinyin (see `gather_names`): a page full of exact matches needs no more.
            let exact_will_do = |gathered: &Gathered| from_start && !gathered.open_to(Way::Fuzzy.band(), PREFIX);
            if exact_will_do(gathered) {
                automaton.exact_only();
            }
            self.each_reading(&automaton, |secondary, key, targets| {
                if exact.judge(key, from_start).is_some() {
                    return; // matched exactly: gathered already
                }
                if let Some(found) = align_fuzzy(units, &key_syllables(key)) {
                    let quality = Quality::new(place_of_match(from_start, found.exact), Way::Fuzzy).read(secondary);
                    gathered.add_all(quality, kind, targets, Field::Name);
                }
                if exact_will_do(gathered) {
                    automaton.exact_only();
                }
            });
        }
    }

    /// Names and aliases one typo away from a Latin query of five letters or more.
    pub(super) fn gather_typos(&self, query: &Query, gathered: &mut Gathered<'_>) {
        let Some(letters) = letters_only(query) else { return };
        let families =
            NAME_READING_FAMILIES.iter().map(|&(kind, family, from_start)| (kind, family, from_start, Field::Name));
        for (kind, family, from_start, field) in
            families.chain([(ResultKind::Member, family::ALIAS, true, Field::Alias)])
        {
            let Some(automaton) = TypoAutomaton::new(family, from_start, &letters) else { return };
            self.each_reading(automaton, |secondary, key, targets| {
                let spelt: Vec<u8> = key.iter().copied().filter(|&b| b != SYLLABLE_SEPARATOR).collect();
                let place = place_of_match(from_start, within_one_edit(letters.as_bytes(), &spelt));
                let quality = Quality::new(place, Way::Typo).read(secondary);
                gathered.add_all(quality, kind, targets, field);
            });
        }
    }

    /// Names of one kind, from their first syllable (`from_start`) or a later one.
    pub(super) fn gather_names(
        &self,
        query: &Query,
        kind: ResultKind,
        text_family: u8,
        reading_family: u8,
        from_start: bool,
        gathered: &mut Gathered<'_>,
    ) {
        if let Some(text) = &query.han_text {
            self.each_prefix(text_family, text.as_bytes(), |key, targets| {
                let place = place_of_match(from_start, key.len() == text.len());
                gathered.add_all(Quality::new(place, Way::Name), kind, targets, Field::Name);
            });
            return;
        }
        let Some(units) = &query.units else { return };
        let has_han = units.iter().any(|u| matches!(u, QueryUnit::Han(_)));
        // Members whose name the letters end inside the first syllable of come from their lists,
        // a page's worth; the walk below leaves those keys alone (see `first_reading_key`).
        let first_syllable_listed = kind == ResultKind::Member && from_start && !has_han;
        if first_syllable_listed {
            self.gather_first_readings(&letters_only(query).unwrap_or_default(), gathered);
        }
        // A mixed query's candidates cost a look at the name each. From a name's start, its
        // exact matches are looked for first, by a walk that goes down no key past where the
        // query ends: they often fill the page ("张w": hundreds of 张伟 and 张文), and the
        // thousands of longer names below them (张文华…) are never looked at. (For letters alone
        // a key decides for all its targets at once, and the walk below, which turns exact-only
        // once the page is full of exact matches, is cheaper than two walks.)
        let spellings = self.spellings(units);
        let passes: &[bool] = if from_start && has_han { &[true, false] } else { &[false] };
        for &exact_pass in passes {
            if !exact_pass && from_start && !gathered.open_to(0, PREFIX) {
                break;
            }
            for pieces in &spellings {
                let pieces: Vec<Piece<'_>> = pieces
                    .iter()
                    .map(|(text, whole)| if *whole { Piece::Syllable(text) } else { Piece::Letters(text) })
                    .collect();
                let Some(mut automaton) = ReadingAutomaton::new(reading_family, &pieces) else { continue };
                if first_syllable_listed {
                    automaton = automaton.first_syllable_listed();
                }
                // Once the page is full of exact matches, keys the query ends before the last
                // syllable of (prefix matches) cannot make it: the walk stops going down them.
                let exact_will_do = |gathered: &Gathered| from_start && !gathered.open_to(0, PREFIX);
                if exact_pass || exact_will_do(gathered) {
                    automaton.exact_only();
                }
                self.each_reading(&automaton, |secondary, key, targets| {
                    if has_han {
                        // The characters themselves must be the name's: check each candidate that
                        // could make the page at all. Mixed queries match by pinyin at best, and
                        // cover the whole name only if it has no more syllables than the query
                        // has units.
                        let syllables = key.iter().filter(|&&b| b == SYLLABLE_SEPARATOR).count() + 1;
                        let best_place = place_of_match(from_start, syllables <= units.len());
                        let best = Quality::new(best_place, Way::Pinyin);
                        for p in targets.filter(|&p| self.holds(kind, p)) {
                            if !gathered.admits_from(best, kind, p) {
                                break;
                            }
                            if !gathered.admits(best, kind, p) {
                                continue;
                            }
                            // Most candidates share only the sound (王 for 汪): a glance at the
                            // name turns them away before its syllables are read.
                            // (Compared as simplified characters: 馮德 is found by "冯d".)
                            let name = self.name_of(kind, p as usize);
                            let in_name = |c: char| name.chars().any(|n| n == c || to_simplified(n) == c);
                            if units.iter().any(|u| matches!(u, QueryUnit::Han(c) if !in_name(*c))) {
                                continue;
                            }
                            if let Some(found) = self.align_name(kind, p as usize, units) {
                                let place = if from_start { found.place() } else { INFIX };
                                let quality =
                                    Quality { partial: found.partial, ..Quality::new(place, found.how.into()) };
                                gathered.add(quality.read(secondary), kind, p, Field::Name);
                            }
                        }
                    } else if let Some(found) = automaton.judge(key, from_start) {
                        // Letters only: the key decides for every target alike.
                        let place = place_of_match(from_start, found.exact);
                        let quality = Quality { partial: found.partial, ..Quality::new(place, found.how.into()) };
                        let quality = quality.read(secondary);
                        gathered.add_all(quality, kind, targets, Field::Name);
                    }
                    if exact_will_do(gathered) {
                        automaton.exact_only();
                    }
                });
            }
        }
    }

    /// Members whose name goes on past a first syllable that `letters` end inside of, from the
    /// `FIRST_READING` lists: whole readings before begun ones, first readings before others.
    fn gather_first_readings(&self, letters: &str, gathered: &mut Gathered<'_>) {
        let index = self.index();
        for (complete, secondary) in [(true, false), (false, false), (true, true), (false, true)] {
            let key =
                [&[family::FIRST_READING][..], &first_reading_key(letters.as_bytes(), complete, secondary)].concat();
            if let Some(value) = index.get(&key) {
                let quality = Quality { partial: !complete, ..Quality::new(PREFIX, Way::Pinyin) }.read(secondary);
                gathered.add_all(quality, ResultKind::Member, Targets::of(value, self.postings()), Field::Name);
            }
        }
    }

    /// The ways to spell a query in letters: each Chinese character by one of its readings in
    /// this snapshot (at most 8 combinations). Pieces are (text, whether a whole syllable).
    fn spellings(&self, units: &[QueryUnit]) -> Vec<Vec<(String, bool)>> {
        let mut spellings: Vec<Vec<(String, bool)>> = vec![Vec::new()];
        for unit in units {
            match *unit {
                QueryUnit::Letter(b) => {
                    for s in &mut spellings {
                        match s.last_mut() {
                            Some((text, false)) => text.push(b as char),
                            _ => s.push(((b as char).to_string(), false)),
                        }
                    }
                }
                QueryUnit::Han(c) => {
                    let readings = self.tables.char_readings(self.records.bytes(), c);
                    let mut next = Vec::new();
                    for s in &spellings {
                        for reading in &readings {
                            if next.len() < 8 {
                                let mut s = s.clone();
                                s.push((reading.to_string(), true));
                                next.push(s);
                            }
                        }
                    }
                    spellings = next;
                }
            }
        }
        spellings.retain(|s| !s.is_empty());
        spellings
    }

    /// Members of a department follow it (输入部门，显示部门所有成员) when the query names the
    /// department: its whole name (by characters, pinyin or initials), or at least two of its
    /// characters in a row anywhere but at its end — 上海 or 恒通 of 上海恒通包装材料有限公司, not its
    /// 有限公司, which every company's name ends with. A looser match — "s" is the start of
    /// 上海…公司 — lists the department, but its members would only bury the people the query means.
    ///
    /// `place`: the departments matched so — [`PREFIX`] for the whole name and its start, found
    /// together, or [`INFIX`], found in a later phase.
    pub(super) fn add_department_members(&self, query: &Query, place: Place, gathered: &mut Gathered<'_>) {
        let typed = query.han_text.as_deref().filter(|t| t.chars().count() >= 2);
        let departments: Vec<(u32, u64)> = gathered
            .departments
            .iter()
            .map(|(&d, &rank)| (d, rank))
            .filter(|&(_, rank)| (place_of(rank) == INFIX) == (place == INFIX))
            .filter(|&(d, rank)| match (place_of(rank), typed) {
                (EXACT, _) => true,
                (PREFIX, Some(_)) => way_of(rank) == Way::Name,
                (INFIX, Some(text)) => {
                    way_of(rank) == Way::Name && !normalized(self.records.department(d as usize).name).ends_with(text)
                }
                _ => false,
            })
            .collect();
        let tables = self.tables;
        for (d, rank) in departments {
            let d = d as usize;
            let (start, end) =
                (tables.direct_member_starts[d], tables.direct_member_starts[tables.subtree_end[d] as usize]);
            for &m in &tables.direct_members[start as usize..end as usize] {
                gathered.add(Quality::following(rank), ResultKind::Member, m, Field::Department);
            }
        }
    }
}

/// The reading families of names: (kind, family, whether its keys start at a name's start).
pub(super) const NAME_READING_FAMILIES: [(ResultKind, u8, bool); 6] = [
    (ResultKind::Member, family::READING_START, true),
    (ResultKind::Department, family::DEPARTMENT_READING_START, true),
    (ResultKind::Group, family::GROUP_READING_START, true),
    (ResultKind::Member, family::READING_INFIX, false),
    (ResultKind::Department, family::DEPARTMENT_READING_INFIX, false),
    (ResultKind::Group, family::GROUP_READING_INFIX, false),
];

/// Where a match of a key stands, for keys from a name's start or from a later syllable.
pub(super) fn place_of_match(from_start: bool, whole: bool) -> Place {
    match (from_start, whole) {
        (false, _) => INFIX,
        (true, true) => EXACT,
        (true, false) => PREFIX,
    }
}

/// A reading key read back as syllables (readings only), to judge a letters-only match.
fn key_syllables(key: &[u8]) -> Vec<Syllable<'_>> {
    key.split(|&b| b == SYLLABLE_SEPARATOR)
        .enumerate()
        .map(|(i, reading)| Syllable {
            text: Default::default(),
            readings: vec![std::str::from_utf8(reading).unwrap_or_default()],
            chars: i as u32..i as u32 + 1,
        })
        .collect()
}
