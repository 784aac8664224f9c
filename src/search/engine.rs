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
//! A query of several words ("张伟 销售") is searched as one, then by its first word narrowed by
//! the others ([`super::words`]); what only that finds ranks in a band of its own, after all
//! the rest, by its first word's match.
//!
//! Within a band, matches that start at a name's first syllable rank above every infix match,
//! so when the first band's prefix matches alone fill the requested page, the infix families
//! are not searched at all: a one-letter query at 200,000 members costs what its page costs,
//! not what its 100,000 infix matches would.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use fst::Automaton;
use serde::Serialize;

use super::automaton::{Piece, ReadingAutomaton};
use super::closeness::Closeness;
use super::index::{family, first_reading_key, Targets, SECONDARY_READING, SYLLABLE_SEPARATOR};
use super::keys::KeyTable;
use super::lookup::{Identifier, PHONE_RUN};
use super::matcher::{align, align_fuzzy, align_text, Alignment, How, QueryUnit, Syllable};
use super::phone::{self, Tier};
use super::sort::sort_pairs;
use super::tables::SearchTables;
use super::typo::{typo_align, within_one_edit, TypoAutomaton};
use super::words::{self, Narrowing};
use crate::fields::TextField;
use crate::snapshot::records::Records;
use crate::text::normalize::{is_han, is_phone_digit, normalize, phone_digits, to_simplified};

/// What to return and how to rank it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchOptions {
    /// How many results to return at most (a page).
    pub limit: usize,
    /// How many of the best results to skip first (the pages before).
    pub offset: usize,
    /// The viewer's frequent contacts (常用联系人): account and weight; a higher weight ranks
    /// higher among matches of equal quality.
    pub frequent: Vec<(String, f64)>,
    /// The account of the viewer, whose colleagues rank higher the closer they are in the
    /// organisation, among matches of equal quality; none, or an account the snapshot does not
    /// hold, ranks by the static order alone.
    pub viewer: Option<String>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions { limit: 20, offset: 0, frequent: Vec::new(), viewer: None }
    }
}

/// What a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultKind {
    /// A member (a person).
    Member,
    /// A department.
    Department,
    /// A public group.
    Group,
}

/// The field a result matched in; `ranges` are character ranges of that field's displayed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The name of the member, department or group.
    Name,
    /// The member's Latin name or nickname.
    Alias,
    /// The member's account (userid).
    Account,
    /// The member's WeChat id.
    WeixinId,
    /// The member's email address.
    Email,
    /// The member's mobile number.
    Mobile,
    /// The member's telephone (landline) number.
    Telephone,
    /// A member found because their department matched; the ranges are empty.
    Department,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// A member, a department or a group.
    pub kind: ResultKind,
    /// Position of the member, department or group in the snapshot.
    pub position: usize,
    /// The field that matched, which `ranges` index.
    pub field: Field,
    /// How it matched.
    pub way: Way,
    /// Half-open character ranges of the matched field to highlight.
    pub ranges: Vec<(u32, u32)>,
    /// Match quality, higher is better: 1000 × (3 − band) + 100 × (exact 3, prefix 2, infix 1) +
    /// 10 × (9 − way), where the band is 0 for the name, pinyin, alias and initials, 1 for other
    /// abbreviations, fuzzy pinyin and identifiers, 2 for typos (see [`Way::band`]), 3 for a
    /// query of several words found by its first word narrowed by the others, and the way counts
    /// from 0 (by the characters) in the order of the ranking.
    pub score: u32,
}

/// How many results a query has of each kind (see [`Searcher::count`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Members (people).
    pub member: Total,
    /// Departments.
    pub department: Total,
    /// Public groups.
    pub group: Total,
}

/// How many results of one kind a query has: `count` exactly, or at least `count` when not
/// `exact`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Total {
    /// How many (or at least how many).
    pub count: usize,
    /// Whether `count` is all of them.
    pub exact: bool,
}

/// How many results [`Searcher::count`] counts exactly; past it, a query has "at least" so many.
/// Counting is a search for a page this long, so its cost is bounded like any search's.
pub const COUNT_LIMIT: usize = 1000;

/// How a result matched, best first within its band (see [`Way::band`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    /// By the characters of the name.
    Name,
    /// By full pinyin (the last syllable may be a prefix).
    Pinyin,
    /// By a word of the Latin name or nickname.
    Alias,
    /// By the first letter of every syllable (initials).
    Initials,
    /// By any other mix of reading prefixes ("zhsan", "zhs" for 张三).
    Abbreviation,
    /// Fuzzy pinyin (模糊音): z/zh, c/ch, s/sh, l/n, an/ang, en/eng, in/ing.
    Fuzzy,
    /// By the account, WeChat id or email.
    Identifier,
    /// By digits of a mobile or telephone number.
    Phone,
    /// As a member of a department the query names.
    InDepartment,
    /// One letter inserted, deleted, replaced, or two neighbours swapped.
    Typo,
}

impl Way {
    /// Every way, in declaration order (the order of the ranking key's way bits).
    const ALL: [Way; 10] = [
        Way::Name,
        Way::Pinyin,
        Way::Alias,
        Way::Initials,
        Way::Abbreviation,
        Way::Fuzzy,
        Way::Identifier,
        Way::Phone,
        Way::InDepartment,
        Way::Typo,
    ];

    /// The first part of the ranking key: every syllable taken one plain way (the name, its
    /// pinyin, the alias, the initials) before other abbreviations, fuzzy pinyin and
    /// identifiers. Typing "jishu" means 技术部 more surely than it abbreviates 姜思慧 (ji·s·hu),
    /// though that covers her whole name; "sc" means 孙晨 by initials more surely than the
    /// inside of Michael Schmidt. Typos come last of all (docs/search.md): a guess at what was meant.
    pub fn band(self) -> u8 {
        match self {
            Way::Name | Way::Pinyin | Way::Alias | Way::Initials => 0,
            Way::Abbreviation | Way::Identifier | Way::Phone | Way::InDepartment | Way::Fuzzy => 1,
            Way::Typo => 2,
        }
    }
}

/// The parts of a ranking key, from its top bits down: band (2 bits), place (2), way (4),
/// partial (1), secondary (1), kind (2), the frequency rank (16), the closeness level (4) and
/// the position (32).
const BAND_SHIFT: u32 = 62;
const PLACE_SHIFT: u32 = 60;
const WAY_SHIFT: u32 = 56;
const PARTIAL_SHIFT: u32 = 55;
const SECONDARY_SHIFT: u32 = 54;
const KIND_SHIFT: u32 = 52;
const FREQUENCY_SHIFT: u32 = 36;
const CLOSENESS_SHIFT: u32 = 32;

fn place_of(rank: u64) -> Place {
    ((rank >> PLACE_SHIFT) & 0b11) as Place
}

fn way_of(rank: u64) -> Way {
    // Ranks are made only by `Gathered::rank`, from a `Way`: the index is always one of them.
    Way::ALL[((rank >> WAY_SHIFT) & 0xf) as usize]
}

/// The band of the matches of a query of several words that only its first word, narrowed by
/// the others, finds: after every band a [`Way`] has.
const WORDS_BAND: u8 = 3;

/// The best rank any match in this band and place can have.
fn rank_floor(band: u8, place: Place) -> u64 {
    (u64::from(band) << BAND_SHIFT) | (u64::from(place) << PLACE_SHIFT)
}

impl From<How> for Way {
    fn from(how: How) -> Way {
        match how {
            How::Name => Way::Name,
            How::Pinyin => Way::Pinyin,
            How::Initials => Way::Initials,
            How::Abbreviation => Way::Abbreviation,
        }
    }
}

/// Where a match stands: [`EXACT`], [`PREFIX`] or [`INFIX`].
type Place = u8;
const EXACT: Place = 0;
const PREFIX: Place = 1;
const INFIX: Place = 2;

/// How good a match is: the parts of its rank that the match decides.
#[derive(Debug, Clone, Copy)]
struct Quality {
    /// The way's own band, but for the members of a department (see [`Quality::following`]).
    band: u8,
    place: Place,
    way: Way,
    /// The query ends inside a reading rather than with it (see the module doc).
    partial: bool,
    /// Matched by reading a heteronym other than its first way (see the module doc).
    secondary: bool,
}

impl Quality {
    fn new(place: Place, way: Way) -> Quality {
        Quality { band: way.band(), place, way, partial: false, secondary: false }
    }

    /// The match as made through a reading key that reads a heteronym its first way or not.
    fn read(self, secondary: bool) -> Quality {
        Quality { secondary, ..self }
    }

    /// A phone number's match, by how it holds the digits (see [`super::phone`]).
    fn phone(tier: Tier) -> Quality {
        let (place, partial) = match tier {
            Tier::Whole => (EXACT, false),
            Tier::End => (PREFIX, false),
            Tier::Start => (PREFIX, true),
            Tier::Inside => (INFIX, true),
        };
        Quality { partial, ..Quality::new(place, Way::Phone) }
    }

    /// The members of a department the query names follow it (输入部门，显示部门所有成员): a
    /// department named by its characters or pinyin ("二组", "erzu") is what was searched for,
    /// so its members come right after it, before the departments that only hold the name
    /// (收货二组). Named by initials, it may as well be people's initials ("lz": 六组, 李正, 李志强),
    /// so its members wait in the abbreviations' band.
    fn following(department: u64) -> Quality {
        let band = match way_of(department) {
            Way::Name | Way::Pinyin => (department >> BAND_SHIFT) as u8,
            _ => Way::InDepartment.band(),
        };
        Quality { band, ..Quality::new(place_of(department), Way::InDepartment) }
    }
}

/// What orders equally good matches for one viewer: their frequent contacts, by the rank of
/// their weight, then closeness.
#[derive(Default)]
struct Order<'g> {
    frequent: HashMap<u32, u16>,
    closeness: Option<Closeness<'g>>,
}

/// The best results of a query, best first, with the query parsed and, for several words, its
/// first word parsed: what describing the results needs.
struct Ranked {
    found: Vec<((ResultKind, u32), Candidate)>,
    query: Query,
    first_word: Option<Query>,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    rank: u64,
    field: Field,
}

/// A cheap hasher for positions; the std one is built to resist attacks these keys cannot mount.
#[derive(Default)]
struct PositionHasher(u64);

impl Hasher for PositionHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u8(&mut self, n: u8) {
        self.0 = self.0.rotate_left(5) ^ u64::from(n);
    }
}

type Positions<V> = HashMap<(ResultKind, u32), V, BuildHasherDefault<PositionHasher>>;

/// The normalised forms of one query, each for the families that take it.
pub(super) struct Query {
    /// Letters, digits and Chinese characters, for names; None when the query holds anything else.
    pub(super) units: Option<Vec<QueryUnit>>,
    /// Chinese characters, alone or with digits and signs (销售1部, 3号): for the text families.
    han_text: Option<String>,
    /// Without spaces: for accounts, WeChat ids and emails.
    identifier: Option<String>,
    /// The digits of a phone-like query of three digits or more.
    pub(super) digits: Option<String>,
}

impl Query {
    pub(super) fn parse(raw: &str) -> Query {
        let text = normalize(raw);
        let text = text.trim();
        let units = QueryUnit::try_parse(text).filter(|u| !u.is_empty());
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let han_text = match &units {
            // Characters, perhaps with digits (3号, 一年级2班): the text as names hold it.
            Some(units) => units
                .iter()
                .map(|unit| match *unit {
                    QueryUnit::Han(c) => Some(c),
                    QueryUnit::Letter(d) if d.is_ascii_digit() => Some(char::from(d)),
                    QueryUnit::Letter(_) => None,
                })
                .collect::<Option<String>>()
                .filter(|text| text.chars().any(is_han)),
            // Not letters and characters only: the text as names hold it, if it has characters.
            None => compact.chars().any(is_han).then(|| compact.clone()),
        };
        let identifier = (!compact.is_empty()
            && compact.chars().all(|c| c.is_ascii_alphanumeric() || "_-.@".contains(c)))
        .then_some(compact);
        let phone_like = text.chars().all(|c| c.is_ascii_digit() || " -+()".contains(c));
        let digits = Some(phone_digits(text)).filter(|d| phone_like && d.len() >= 3);
        Query { units, han_text, identifier, digits }
    }
}

/// Collects candidates, keeping the best rank per result and only the `wanted` best results.
///
/// Most candidates of a broad query ("z" at 200,000 members) cannot make the page: once it is
/// full, a candidate whose rank is not better than the worst on the page is turned away with one
/// comparison, before any hashing — and before any checking that would cost more (see
/// [`Gathered::admits`]). A result turned away and met again with a better rank is simply let in
/// then, so every result still ends with its best rank.
struct Gathered<'g> {
    /// Set while the first word of a query of several words is gathered: only the members the
    /// later words describe are let in, in [`WORDS_BAND`].
    narrowing: Option<(&'g Narrowing, Searcher<'g>)>,
    /// How many departments, groups and members there are, in `ResultKind` order.
    counts: [u32; 3],
    frequent: HashMap<u32, u16>,
    closeness: Option<Closeness<'g>>,
    wanted: usize,
    /// The results on the page so far.
    best: Positions<Candidate>,
    /// The same ranks, worst on top; entries whose result has since ranked better are stale.
    ranks: BinaryHeap<(u64, (ResultKind, u32))>,
    /// The worst rank on a full page; `u64::MAX` while it is not full.
    threshold: u64,
    /// Every department that matched, page or not, with its best rank: their members follow.
    departments: HashMap<u32, u64>,
}

impl<'g> Gathered<'g> {
    fn new(counts: [u32; 3], order: Order<'g>, wanted: usize) -> Gathered<'g> {
        Gathered {
            narrowing: None,
            counts,
            frequent: order.frequent,
            closeness: order.closeness,
            wanted,
            best: Positions::default(),
            ranks: BinaryHeap::new(),
            threshold: u64::MAX,
            departments: HashMap::new(),
        }
    }

    fn rank(&self, quality: Quality, kind: ResultKind, position: u32) -> u64 {
        let level = match (&self.closeness, kind) {
            (Some(closeness), ResultKind::Member) => closeness.member(position),
            (Some(closeness), ResultKind::Department) => closeness.department(position),
            _ => 0,
        };
        self.rank_at(quality, kind, position, level)
    }

    /// The rank of a match at `position` whose closeness is `level`.
    fn rank_at(&self, quality: Quality, kind: ResultKind, position: u32, level: u8) -> u64 {
        let frequency = if kind == ResultKind::Member && !self.frequent.is_empty() {
            self.frequent.get(&position).copied()
        } else {
            None
        };
        let band = if self.narrowing.is_some() { WORDS_BAND } else { quality.band };
        rank_floor(band, quality.place)
            | ((quality.way as u64) << WAY_SHIFT)
            | (u64::from(quality.partial) << PARTIAL_SHIFT)
            | (u64::from(quality.secondary) << SECONDARY_SHIFT)
            | ((kind as u64) << KIND_SHIFT)
            | (u64::from(frequency.unwrap_or(u16::MAX)) << FREQUENCY_SHIFT)
            | (u64::from(level) << CLOSENESS_SHIFT)
            | u64::from(position)
    }

    /// Whether a match this good could still make the page: to skip checking a candidate that
    /// could not.
    fn admits(&self, quality: Quality, kind: ResultKind, position: u32) -> bool {
        self.rank(quality, kind, position) < self.threshold
    }

    /// Whether a match this good, at this position or a later one, could still make the page:
    /// to stop going through targets in position order. A later position ranks lower, unless it
    /// is one of the viewer's frequent contacts, or closer to the viewer.
    fn admits_from(&self, quality: Quality, kind: ResultKind, position: u32) -> bool {
        let closest_later = match &self.closeness {
            Some(closeness) if kind == ResultKind::Member => closeness.best_from(position),
            _ => 0,
        };
        self.rank_at(quality, kind, position, closest_later) < self.threshold
            || (kind == ResultKind::Member && self.frequent.keys().any(|&frequent| frequent > position))
    }

    /// Whether any match in this band and place could still make the page: to skip whole
    /// searches (the infix families once the page is full of matches from the start).
    fn open_to(&self, band: u8, place: Place) -> bool {
        rank_floor(band, place) < self.threshold
    }

    /// Adds the targets of one key, all matched alike, in position order. Once one cannot make
    /// the page, no later one can (see [`Gathered::admits_from`]), and the rest of the list is
    /// not read: "zw" at 200,000 members has a thousand 张伟 behind one key. Departments are all
    /// kept, page or not: their members follow.
    fn add_all(&mut self, quality: Quality, kind: ResultKind, targets: Targets<'_>, field: Field) {
        for p in targets {
            if kind != ResultKind::Department && !self.admits_from(quality, kind, p) {
                return;
            }
            self.add(quality, kind, p, field);
        }
    }

    fn add(&mut self, quality: Quality, kind: ResultKind, position: u32, field: Field) {
        if position >= self.counts[kind as usize] {
            return; // a target the records do not have: see `Searcher::holds`
        }
        let rank = self.rank(quality, kind, position);
        if kind == ResultKind::Department {
            let best = self.departments.entry(position).or_insert(rank);
            *best = (*best).min(rank);
        }
        if rank >= self.threshold {
            return;
        }
        if let Some((narrowing, searcher)) = self.narrowing {
            if kind != ResultKind::Member || !narrowing.admits(&searcher, position) {
                return;
            }
        }
        let key = (kind, position);
        match self.best.get_mut(&key) {
            Some(entry) if entry.rank <= rank => return,
            Some(entry) => *entry = Candidate { rank, field },
            None => {
                self.best.insert(key, Candidate { rank, field });
            }
        }
        self.ranks.push((rank, key));
        if self.best.len() > self.wanted {
            let worst = self.pop_worst();
            self.best.remove(&worst);
        }
        if self.best.len() == self.wanted {
            self.threshold = self.peek_worst();
        }
    }

    /// Drops stale entries from the top of the heap.
    fn clean_top(&mut self) {
        while let Some(&(rank, key)) = self.ranks.peek() {
            if self.best.get(&key).is_some_and(|c| c.rank == rank) {
                return;
            }
            self.ranks.pop();
        }
    }

    fn pop_worst(&mut self) -> (ResultKind, u32) {
        self.clean_top();
        self.ranks.pop().map(|(_, key)| key).expect("a page over its size has a worst result")
    }

    fn peek_worst(&mut self) -> u64 {
        self.clean_top();
        self.ranks.peek().map_or(u64::MAX, |&(rank, _)| rank)
    }
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
                // A result of the first word alone highlights where that word matched.
                let matched = match &first_word {
                    Some(first) if (candidate.rank >> BAND_SHIFT) as u8 == WORDS_BAND => first,
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
        let narrowing: Narrowing;
        let mut gathered = Gathered::new(counts, order, wanted);
        self.gather(&query, &mut gathered);
        // Typos are a fallback: only for a query that finds nothing any other way.
        if gathered.best.is_empty() && gathered.departments.is_empty() {
            self.gather_typos(&query, &mut gathered);
        }

        let several = words::split(raw_query).filter(|_| gathered.open_to(WORDS_BAND, EXACT));
        let mut first_word = None;
        if let Some((first, rest)) = several {
            narrowing = Narrowing::new(self, &rest);
            let first = first_word.insert(Query::parse(&first));
            gathered.narrowing = Some((&narrowing, *self));
            gathered.departments.clear();
            self.gather(first, &mut gathered);
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
        self.add_department_members(query, gathered);
        // Each later phase finds only matches that rank below everything before it, so it runs
        // only while the page has room for them.
        if gathered.open_to(0, INFIX) {
            self.gather_infix(query, gathered);
        }
        if gathered.open_to(Way::Fuzzy.band(), EXACT) {
            self.gather_fuzzy(query, gathered);
        }
    }

    /// By department position, whether `query` (one word) matches the department's name, by its characters
    /// or pinyin, from any of its characters: what a later word of a query of several words finds
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

    /// Matches from the first syllable of names, and the prefix-only fields.
    fn gather_from_start(&self, query: &Query, gathered: &mut Gathered<'_>) {
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
    fn gather_infix(&self, query: &Query, gathered: &mut Gathered<'_>) {
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
    fn gather_fuzzy(&self, query: &Query, gathered: &mut Gathered<'_>) {
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
    fn gather_typos(&self, query: &Query, gathered: &mut Gathered<'_>) {
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
    fn gather_names(
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
    /// first characters. A looser match — "s" is the start of 上海…公司 — lists the department,
    /// but its members would only bury the people the query means.
    fn add_department_members(&self, query: &Query, gathered: &mut Gathered<'_>) {
        let typed_characters = query.han_text.as_ref().map_or(0, |t| t.chars().count());
        let departments: Vec<(u32, u64)> = gathered
            .departments
            .iter()
            .map(|(&d, &rank)| (d, rank))
            .filter(|&(_, rank)| {
                let place = place_of(rank);
                place == EXACT || (place == PREFIX && way_of(rank) == Way::Name && typed_characters >= 2)
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

    fn align_name(&self, kind: ResultKind, position: usize, units: &[QueryUnit]) -> Option<super::matcher::Alignment> {
        align(units, &self.name_syllables(kind, position))
    }

    /// The best way one of a member's visible numbers holds the digits (see [`super::phone`]):
    /// how, in which field, and the character range of the digits in its displayed text.
    fn phone_match(&self, member: usize, digits: &str) -> Option<(Tier, Field, (u32, u32))> {
        let mut best: Option<(Tier, Field, (u32, u32))> = None;
        for (field, which) in [(TextField::Mobile, Field::Mobile), (TextField::Telephone, Field::Telephone)] {
            let Some(shown) = self.records.member_text(member, field) else { continue };
            let national = phone_digits(&shown);
            let Some((tier, at)) = phone::find(&national, digits) else { continue };
            if best.is_some_and(|(best, ..)| best <= tier) {
                continue;
            }
            // Map digit positions of the national number back to characters of the displayed
            // text: the national number is the last of its digits.
            let mut digit_chars = shown.chars().enumerate().filter(|&(_, c)| is_phone_digit(c)).map(|(i, _)| i as u32);
            let skipped = digit_chars.clone().count().checked_sub(national.len())?;
            let first = digit_chars.nth(skipped + at)?;
            let last = match digits.len().checked_sub(2) {
                Some(between) => digit_chars.nth(between)?,
                None => first,
            };
            best = Some((tier, which, (first, last + 1)));
        }
        best
    }

    /// Whether one of a member's visible numbers holds the digits.
    pub(super) fn phone_holds(&self, member: usize, digits: &str) -> bool {
        self.phone_match(member, digits).is_some()
    }

    /// Turns a ranked candidate into a result: the field and the ranges to highlight.
    fn hit(&self, query: &Query, kind: ResultKind, position: usize, candidate: Candidate) -> Hit {
        let band = (candidate.rank >> BAND_SHIFT) as u32;
        let place = u32::from(place_of(candidate.rank));
        let way = way_of(candidate.rank);
        let score = 1000 * (3 - band) + 100 * (3 - place) + 10 * (9 - way as u32);
        let mut field = candidate.field;
        // The rule that matched, applied again to the one name to find what to highlight.
        let rule = |syllables: &[Syllable<'_>]| -> Option<Alignment> {
            let Some(units) = query.units.as_deref() else {
                return align_text(query.han_text.as_deref()?, syllables);
            };
            match way {
                Way::Fuzzy => align_fuzzy(units, syllables),
                Way::Typo => typo_align(&letters_only(query)?, syllables),
                _ => align(units, syllables),
            }
        };
        let ranges = match field {
            Field::Name => {
                let syllables = self.name_syllables(kind, position);
                rule(&syllables).map(|a| a.char_ranges(&syllables)).unwrap_or_default()
            }
            Field::Alias => self
                .records
                .member(position)
                .text(TextField::Alias)
                .and_then(|alias| {
                    let words = alias_words(alias);
                    let syllables: Vec<Syllable<'_>> = words
                        .iter()
                        .map(|(w, chars)| Syllable {
                            text: Default::default(),
                            readings: vec![w.as_str()],
                            chars: chars.clone(),
                        })
                        .collect();
                    rule(&syllables).map(|a| a.char_ranges(&syllables))
                })
                .unwrap_or_default(),
            Field::Account | Field::WeixinId | Field::Email => {
                let n = query.identifier.as_deref().map_or(0, |i| i.chars().count() as u32);
                vec![(0, n)]
            }
            Field::Mobile | Field::Telephone => {
                match query.digits.as_deref().and_then(|d| self.phone_match(position, d)) {
                    Some((_, which, range)) => {
                        field = which;
                        vec![range]
                    }
                    None => Vec::new(),
                }
            }
            Field::Department => Vec::new(),
        };
        Hit { kind, position, field, way, ranges, score }
    }
}

/// The reading families of names: (kind, family, whether its keys start at a name's start).
const NAME_READING_FAMILIES: [(ResultKind, u8, bool); 6] = [
    (ResultKind::Member, family::READING_START, true),
    (ResultKind::Department, family::DEPARTMENT_READING_START, true),
    (ResultKind::Group, family::GROUP_READING_START, true),
    (ResultKind::Member, family::READING_INFIX, false),
    (ResultKind::Department, family::DEPARTMENT_READING_INFIX, false),
    (ResultKind::Group, family::GROUP_READING_INFIX, false),
];

/// The targets of several lists, each in increasing order, merged in increasing order, each once.
struct Union<'a> {
    lists: Vec<Targets<'a>>,
    /// The next target of each list that has one, smallest on top.
    heads: BinaryHeap<Reverse<(u32, usize)>>,
    last: Option<u32>,
}

impl<'a> Union<'a> {
    fn new(mut lists: Vec<Targets<'a>>) -> Union<'a> {
        let heads = lists.iter_mut().enumerate().filter_map(|(i, list)| Some(Reverse((list.next()?, i)))).collect();
        Union { lists, heads, last: None }
    }
}

impl Iterator for Union<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        loop {
            let Reverse((target, i)) = self.heads.pop()?;
            if let Some(next) = self.lists[i].next() {
                self.heads.push(Reverse((next, i)));
            }
            if self.last != Some(target) {
                self.last = Some(target);
                return Some(target);
            }
        }
    }
}

/// The positions of `sorted` that `other` (increasing too) also holds.
fn intersect(sorted: &[u32], other: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut out = Vec::new();
    let mut rest = sorted.iter().copied().peekable();
    for p in other {
        while rest.next_if(|&q| q < p).is_some() {}
        match rest.peek() {
            Some(&q) if q == p => out.push(p),
            Some(_) => {}
            None => break,
        }
    }
    out
}

/// Where a match of a key stands, for keys from a name's start or from a later syllable.
fn place_of_match(from_start: bool, whole: bool) -> Place {
    match (from_start, whole) {
        (false, _) => INFIX,
        (true, true) => EXACT,
        (true, false) => PREFIX,
    }
}

/// The letters of a letters-only query, without spaces.
fn letters_only(query: &Query) -> Option<String> {
    let units = query.units.as_ref()?;
    units.iter().map(|u| if let QueryUnit::Letter(b) = u { Some(*b as char) } else { None }).collect()
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

/// An alias's words, lower-cased, with their character ranges, for highlighting.
fn alias_words(alias: &str) -> Vec<(String, std::ops::Range<u32>)> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut start = 0u32;
    for (i, c) in alias.chars().chain(std::iter::once(' ')).enumerate() {
        let folded = normalize(&c.to_string());
        if !folded.is_empty() && folded.chars().all(|f| f.is_ascii_alphanumeric()) {
            if word.is_empty() {
                start = i as u32;
            }
            word.push_str(&folded);
        } else if !word.is_empty() {
            out.push((std::mem::take(&mut word), start..i as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersect_keeps_what_both_lists_hold() {
        assert_eq!(intersect(&[1, 3, 5, 7], [0, 3, 4, 7, 9].into_iter()), [3, 7]);
        assert_eq!(intersect(&[2, 4], [1, 3].into_iter()), Vec::<u32>::new());
        assert_eq!(intersect(&[], [1, 2].into_iter()), Vec::<u32>::new());
        assert_eq!(intersect(&[5], [5].into_iter()), [5]);
    }

    /// The page and the TypeScript declarations name ways and fields as the enums serialise: a
    /// new way or field cannot silently miss them.
    #[test]
    fn the_typescript_names_are_the_enums() {
        let declarations = include_str!("../wasm.d.ts");
        let declared = |name: &str| -> Vec<String> {
            let start = declarations.find(&format!("export type {name} =")).expect("declared");
            let union = &declarations[start..start + declarations[start..].find(';').unwrap()];
            union.split('"').skip(1).step_by(2).map(str::to_owned).collect()
        };
        let serialised = |value: serde_json::Value| value.as_str().unwrap().to_owned();
        let ways: Vec<String> = Way::ALL.iter().map(|w| serialised(serde_json::to_value(w).unwrap())).collect();
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
        for way in Way::ALL {
            let rank = gathered.rank(Quality::new(PREFIX, way), ResultKind::Member, 0);
            assert_eq!((way_of(rank), place_of(rank)), (way, PREFIX));
        }
    }
}
