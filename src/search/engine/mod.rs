//! Answering a query from an opened snapshot: gather candidates from the index, rank them, and
//! say for the few that are returned which field matched and where.
//!
//! Ranking is deterministic (docs/search.md). Every match gets a key, smaller first:
//!
//! 1. the *band*: every syllable taken the same plain way — by its character, its reading (the
//!    last may be begun only), or its first letter: the name, its full pinyin, the alias, the
//!    initials — before other abbreviations, fuzzy pinyin and identifiers (account / WeChat id /
//!    email, phone digits, membership of a matching department); typos last;
//! 2. *where* it matched: the whole name (exact), from its start (prefix), or later (infix);
//! 3. *how*, within the band: by the characters before pinyin before initials; abbreviations
//!    before fuzzy pinyin, before identifiers, before phone digits, before department membership;
//! 4. *complete* before *partial*: "wangmin" finds 王敏, whose min it spells, before 王明, whose
//!    ming it only begins; then a heteronym read its first way before another ("zhangy" finds
//!    张宇 before 张乐, whose 乐 is le first and yue too). Phone numbers rank as [`super::phone`]
//!    says: the whole number is exact, one that ends with the digits (尾号) or begins with them
//!    matches as a prefix — the end complete, the start partial — and the rest as infixes;
//! 5. members before departments and groups at the same level: people are what is searched for
//!    most, and one department name can repeat in every branch (六组) — a department that the
//!    query names still comes before its members, who follow it as a lower way (in its band
//!    when it is named by its characters or pinyin, see [`Quality::following`]);
//! 6. the viewer's frequent contacts, most frequent first;
//! 7. closeness to the viewer in the organisation: the viewer's own department first, then
//!    the nearest department above both ([`super::closeness`]), for members and departments;
//! 8. the member's position in the snapshot, which is their static rank: pinned first, then
//!    sort number, then pinyin order.
//!
//! A query of several words ("张伟 销售") is searched as one, then by one word narrowed by
//! the others ([`super::words`]); what only that finds ranks in a band of its own, after all
//! the rest, by that word's match.
//!
//! Within a band, matches that start at a name's first syllable rank above every infix match,
//! so when the first band's prefix matches alone fill the requested page, the infix families
//! are not searched at all: a one-letter query at 200,000 members costs what its page costs,
//! not what its 100,000 infix matches would.
//!
//! The parts, each a module: `results` (what is asked and answered), `query` (a query
//! normalised for the index families), `rank` (the ranking key, its bit layout, the table of
//! ways and the score), `collector` (the top-k collector that prunes by rank), `phases` (the
//! gathering phases over the index families), `postings` (merging and intersecting lists) and
//! `highlight` (what to highlight in a result). This module holds the [`Searcher`] that runs them.

mod collector;
mod highlight;
mod phases;
mod postings;
mod query;
mod rank;
mod results;

use fst::Automaton;

use super::closeness::Closeness;
use super::index::{family, Targets, SECONDARY_READING};
use super::keys::KeyTable;
use super::matcher::Syllable;
use super::sort::sort_pairs;
use super::tables::SearchTables;
use super::words::{self, Words};
use crate::snapshot::records::Records;
use collector::{Candidate, Gathered, Order};
pub(super) use query::Query;
pub use rank::Way;
use rank::{band_of, EXACT, INFIX, PREFIX, WORDS_BAND};
pub use results::{Field, Hit, ResultKind, SearchOptions, Total, Totals, COUNT_LIMIT};

/// The best results of a query, best first, with the query parsed and, for several words, the
/// word searched: what describing the results needs.
struct Ranked {
    found: Vec<((ResultKind, u32), Candidate)>,
    query: Query,
    first_word: Option<Query>,
}

/// The search layer over one opened snapshot: its records and its search tables, borrowed.
/// Every search and browse answer is a method of it, and those of
/// [`Snapshot`](crate::snapshot::Snapshot) forward here.
#[derive(Clone, Copy)]
pub struct Searcher<'a> {
    records: &'a Records,
    tables: &'a SearchTables,
}

impl<'a> Searcher<'a> {
    /// The search layer over `records` and the search `tables` opened with them.
    pub(crate) fn new(records: &'a Records, tables: &'a SearchTables) -> Searcher<'a> {
        Searcher { records, tables }
    }

    /// The records searched.
    pub(crate) fn records(&self) -> &'a Records {
        self.records
    }

    /// The search tables opened with them.
    pub(crate) fn tables(&self) -> &'a SearchTables {
        self.tables
    }

    /// Finds members, departments and groups by whatever the user typed (docs/search.md), best
    /// first: see the module doc for the ranking.
    pub fn search(&self, raw_query: &str, options: &SearchOptions) -> Vec<Hit> {
        let wanted = options.offset.saturating_add(options.limit);
        if wanted == 0 {
            return Vec::new();
        }
        let mut frequent_order: Vec<&(String, f64)> = options.frequent.iter().collect();
        frequent_order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let frequent = frequent_order
            .iter()
            .filter_map(|(userid, _)| self.find_member(userid))
            .enumerate()
            .map(|(rank, position)| (position as u32, rank.min(u16::MAX as usize - 1) as u16))
            .collect();
        let closeness = options
            .viewer
            .as_deref()
            .and_then(|viewer| self.find_member(viewer))
            .map(|viewer| Closeness::new(self.records, self.tables, viewer));
        let Ranked { found, query, first_word } = self.gather_all(raw_query, Order { frequent, closeness }, wanted);
        found
            .into_iter()
            .skip(options.offset)
            .map(|((kind, position), candidate)| {
                // A result of one word narrowed by the others highlights where that word matched.
                let matched = match &first_word {
                    Some(first) if band_of(candidate.rank) == WORDS_BAND => first,
                    _ => &query,
                };
                self.hit(matched, kind, position as usize, candidate)
            })
            .collect()
    }

    /// How many members, departments and groups [`Self::search`] finds for `query` in all:
    /// exactly up to [`COUNT_LIMIT`] results, "at least" beyond (for "王 · 446 人" and 查看更多).
    pub fn count(&self, raw_query: &str) -> Totals {
        let found = self.gather_all(raw_query, Order::default(), COUNT_LIMIT).found;
        let exact = found.len() < COUNT_LIMIT;
        let of = |kind: ResultKind| Total { count: found.iter().filter(|((k, _), _)| *k == kind).count(), exact };
        Totals { member: of(ResultKind::Member), department: of(ResultKind::Department), group: of(ResultKind::Group) }
    }

    /// The best `wanted` results of a query, best first.
    fn gather_all(&self, raw_query: &str, order: Order<'_>, wanted: usize) -> Ranked {
        let query = Query::parse(raw_query);
        let counts = [
            self.records.member_count() as u32,
            self.records.department_count() as u32,
            self.records.group_count() as u32,
        ];
        // (Declared before what borrows it.)
        let words: Words;
        let mut gathered = Gathered::new(counts, order, wanted);
        self.gather(&query, &mut gathered);
        // Typos are a fallback: only for a query that finds nothing any other way.
        if gathered.best.is_empty() && gathered.departments.is_empty() {
            self.gather_typos(&query, &mut gathered);
        }

        let several = words::split(raw_query).filter(|_| gathered.open_to(WORDS_BAND, EXACT));
        let mut first_word = None;
        if let Some(several) = several {
            words = Words::new(self, &several);
            // Each word in turn is searched, narrowed by the others, until one finds someone.
            for searched in 0..words.searchable() {
                let (word, narrowing) = words.searching(searched);
                let before = gathered.best.len();
                gathered.narrowing = Some((narrowing, *self));
                gathered.departments.clear();
                self.gather(word, &mut gathered);
                if gathered.best.len() > before {
                    first_word = Some(word.clone());
                    break;
                }
            }
        }

        let best: Vec<((ResultKind, u32), Candidate)> = gathered.best.into_iter().collect();
        // (Ranks are distinct: each holds its result's kind and position.)
        let mut order: Vec<(u64, u32)> = best.iter().enumerate().map(|(i, (_, c))| (c.rank, i as u32)).collect();
        sort_pairs(&mut order, &|a, b| a.cmp(&b));
        let found = order.into_iter().map(|(_, i)| best[i as usize]).collect();
        Ranked { found, query, first_word }
    }

    /// Gathers every match of `query` but typos, phase by phase.
    fn gather(&self, query: &Query, gathered: &mut Gathered<'_>) {
        self.gather_from_start(query, gathered);
        self.add_department_members(query, PREFIX, gathered);
        // Each later phase finds only matches that rank below everything before it, so it runs
        // only while the page has room for them.
        if gathered.open_to(0, INFIX) {
            self.gather_infix(query, gathered);
            self.add_department_members(query, INFIX, gathered);
        }
        if gathered.open_to(Way::Fuzzy.band(), EXACT) {
            self.gather_fuzzy(query, gathered);
        }
    }

    /// By department position, whether `query` (one word) matches the department's name, by its characters
    /// or pinyin, from any of its characters: what a narrowing word of a query of several words finds
    /// on a member's path.
    pub(super) fn departments_matching(&self, query: &Query) -> Vec<bool> {
        let counts = [0, self.records.department_count() as u32, 0];
        let mut gathered = Gathered::new(counts, Order::default(), counts[1] as usize);
        for from_start in [true, false] {
            let (text, reading) = if from_start {
                (family::DEPARTMENT_NAME_START, family::DEPARTMENT_READING_START)
            } else {
                (family::DEPARTMENT_NAME_INFIX, family::DEPARTMENT_READING_INFIX)
            };
            self.gather_names(query, ResultKind::Department, text, reading, from_start, &mut gathered);
        }
        let mut matching = vec![false; counts[1] as usize];
        for d in gathered.departments.into_keys() {
            matching[d as usize] = true;
        }
        matching
    }

    /// Builds now what search would otherwise build at the first query that needs it: the A–Z
    /// bar and the name index it derives from the names' readings, and the lookups by account,
    /// WeChat id, e-mail and phone digits it derives from the records (docs/search.md). Calling
    /// it again does nothing.
    pub fn prepare(&self) {
        self.prepare_names();
        self.tables.lookups.prepare(self.records);
    }

    /// The position of the member with this account. (The first lookup sorts the accounts:
    /// see `search::lookup`.)
    pub fn find_member(&self, userid: &str) -> Option<usize> {
        self.tables.lookups.find_account(self.records, userid)
    }
}

impl<'a> Searcher<'a> {
    fn index(&self) -> &'a KeyTable {
        &self.name_index().keys
    }

    fn postings(&self) -> &'a [u8] {
        &self.name_index().postings
    }

    /// Calls `f(key without its family byte, targets)` for every key of `family` starting with
    /// `prefix`.
    fn each_prefix<'s>(&'s self, fam: u8, prefix: &[u8], mut f: impl FnMut(&[u8], Targets<'s>)) {
        let start = [&[fam][..], prefix].concat();
        let postings = self.postings();
        self.index().each_with_prefix(&start, |key, value| f(&key[1..], Targets::of(value, postings)));
    }

    /// Calls `f(key without its family byte, targets)` for every key the automaton accepts.
    fn each_match<'s>(&'s self, automaton: impl Automaton, mut f: impl FnMut(&[u8], Targets<'s>)) {
        let postings = self.postings();
        self.index().search(&automaton, |key, value| f(&key[1..], Targets::of(value, postings)));
    }

    /// [`Self::each_match`] for reading keys: calls `f(secondary, readings, targets)`, where
    /// `secondary` says the key reads a heteronym other than its first way, and `readings` is the
    /// key without its family byte and that mark.
    fn each_reading(&self, automaton: impl Automaton, mut f: impl FnMut(bool, &[u8], Targets<'_>)) {
        self.each_match(automaton, |key, targets| match key.split_last() {
            Some((&SECONDARY_READING, readings)) => f(true, readings, targets),
            _ => f(false, key, targets),
        });
    }

    /// Every key of the search index, family byte first, in order (see
    /// [`Snapshot::index_keys`](crate::snapshot::Snapshot::index_keys)).
    #[cfg(feature = "internals")]
    pub(crate) fn index_keys(&self) -> Vec<Vec<u8>> {
        self.index().keys().map(<[u8]>::to_vec).collect()
    }

    /// Whether the snapshot has a record at this position (index targets are checked on use).
    fn holds(&self, kind: ResultKind, position: u32) -> bool {
        let count = match kind {
            ResultKind::Member => self.records.member_count(),
            ResultKind::Department => self.records.department_count(),
            ResultKind::Group => self.records.group_count(),
        };
        (position as usize) < count
    }

    /// The syllables of a member's name as the snapshot reads it: what search matches against,
    /// and the query set's readings.
    #[cfg(any(feature = "builder", feature = "internals"))]
    pub(crate) fn member_syllables(&self, position: usize) -> Vec<Syllable<'a>> {
        self.name_syllables(ResultKind::Member, position)
    }

    /// The name of a member, department or group.
    fn name_of(&self, kind: ResultKind, position: usize) -> &'a str {
        match kind {
            ResultKind::Member => self.records.member_name(position),
            ResultKind::Department => self.records.department(position).name,
            ResultKind::Group => self.records.group(position).name,
        }
    }

    /// The syllables of a member's, department's or group's name.
    pub(super) fn name_syllables(&self, kind: ResultKind, position: usize) -> Vec<Syllable<'a>> {
        let tables = self.tables;
        let record = match kind {
            ResultKind::Member => Some(tables.member_record(position)),
            ResultKind::Department => tables.department_record(position),
            ResultKind::Group => Some(tables.group_record(position)),
        };
        let name = self.name_of(kind, position);
        record.and_then(|r| tables.read_syllables(self.records.bytes(), r, name).ok()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::rank::{place_of, way_of, Quality, PREFIX};
    use super::*;

    /// The page and the TypeScript declarations name ways and fields as the enums serialise: a
    /// new way or field cannot silently miss them.
    #[test]
    fn the_typescript_names_are_the_enums() {
        let declarations = include_str!("../../wasm.d.ts");
        let declared = |name: &str| -> Vec<String> {
            let start = declarations.find(&format!("export type {name} =")).expect("declared");
            let union = &declarations[start..start + declarations[start..].find(';').unwrap()];
            union.split('"').skip(1).step_by(2).map(str::to_owned).collect()
        };
        let serialised = |value: serde_json::Value| value.as_str().unwrap().to_owned();
        let ways: Vec<String> = Way::all().map(|w| serialised(serde_json::to_value(w).unwrap())).collect();
        assert_eq!(declared("SearchWay"), ways);
        // Every field (a new one must be added here: `Field` has no list of its own).
        let fields = [
            Field::Name,
            Field::Alias,
            Field::Account,
            Field::WeixinId,
            Field::Email,
            Field::Mobile,
            Field::Telephone,
            Field::Department,
        ];
        let fields: Vec<String> = fields.iter().map(|f| serialised(serde_json::to_value(f).unwrap())).collect();
        assert_eq!(declared("SearchField"), fields);
    }

    #[test]
    fn every_way_decodes_from_the_rank_it_made() {
        let gathered = Gathered::new([1, 1, 1], Order::default(), 1);
        for way in Way::all() {
            let rank = gathered.rank(Quality::new(PREFIX, way), ResultKind::Member, 0);
            assert_eq!((way_of(rank), place_of(rank)), (way, PREFIX));
        }
    }

    /// The table of ways lists them in their declaration order, which the key's way bits read.
    #[test]
    fn the_table_of_ways_is_in_declaration_order() {
        for (i, way) in Way::all().enumerate() {
            assert_eq!(way as usize, i, "{way:?}");
        }
    }
}
