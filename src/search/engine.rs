//! Answering a query from an opened snapshot: gather candidates from the index, rank them, and
//! say for the few that are returned which field matched and where.
//!
//! Ranking is deterministic (SPEC §4). Every match gets a key, smaller first:
//!
//! 1. the *band*: whole characters or syllables (the name, its full pinyin — the last syllable
//!    may be a prefix —, the alias) before abbreviations and identifiers (initials, account /
//!    WeChat id / email, phone digits, membership of a matching department);
//! 2. *where* it matched: the whole name (exact), from its start (prefix), or later (infix);
//! 3. *how*, within the band: by the characters before pinyin; initials before identifiers,
//!    before phone digits, before department membership;
//! 4. departments and groups before members at the same level — the department is the result to
//!    open, its members follow;
//! 5. the viewer's frequent contacts, most frequent first;
//! 6. the member's position in the snapshot, which is their static rank: pinned first, then
//!    sort number, then pinyin order.
//!
//! Within a band, matches that start at a name's first syllable rank above every infix match,
//! so when the first band's prefix matches alone fill the requested page, the infix families
//! are not searched at all: a one-letter query at 200,000 members costs what its page costs,
//! not what its 100,000 infix matches would.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use fst::{Automaton, IntoStreamer, Streamer};
use serde::Serialize;

use super::automaton::{Piece, ReadingAutomaton};
use super::index::{family, Targets, SYLLABLE_SEPARATOR};
use super::matcher::{align, How, QueryUnit, Syllable};
use crate::fields::TextField;
use crate::snapshot::Snapshot;
use crate::text::normalize::{normalize, phone_digits};

/// What to return and how to rank it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchOptions {
    pub limit: usize,
    pub offset: usize,
    /// The viewer's frequent contacts (常用联系人): account and weight; a higher weight ranks
    /// higher among matches of equal quality.
    pub frequent: Vec<(String, f64)>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions { limit: 20, offset: 0, frequent: Vec::new() }
    }
}

/// What a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultKind {
    Department,
    Group,
    Member,
}

/// The field a result matched in; `ranges` are character ranges of that field's displayed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Alias,
    Account,
    WeixinId,
    Email,
    Mobile,
    Telephone,
    /// A member found because their department matched; the ranges are empty.
    Department,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub kind: ResultKind,
    /// Position of the member, department or group in the snapshot.
    pub position: usize,
    pub field: Field,
    /// Half-open character ranges of the matched field to highlight.
    pub ranges: Vec<(u32, u32)>,
    /// Match quality, higher is better: 100 × (exact 3, prefix 2, infix 1) + 10 × (7 − how).
    pub score: u32,
}

/// How a result matched, best first (the second part of the ranking key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Way {
    Name,
    Pinyin,
    Alias,
    Initials,
    Identifier,
    Phone,
    InDepartment,
}

impl Way {
    /// The first part of the ranking key: whole syllables or characters (the name, its pinyin,
    /// the alias) before abbreviations and identifiers. Typing "jishu" means 技术部 more surely
    /// than it spells out the initials of 姜思慧, though the initials cover her whole name.
    fn band(self) -> u8 {
        match self {
            Way::Name | Way::Pinyin | Way::Alias => 0,
            Way::Initials | Way::Identifier | Way::Phone | Way::InDepartment => 1,
        }
    }
}

fn place_of(rank: u64) -> Place {
    ((rank >> 61) & 0b11) as Place
}

fn way_of(rank: u64) -> u8 {
    ((rank >> 57) & 0xf) as u8
}

impl From<How> for Way {
    fn from(how: How) -> Way {
        match how {
            How::Name => Way::Name,
            How::Pinyin => Way::Pinyin,
            How::Initials => Way::Initials,
        }
    }
}

/// 0 exact, 1 prefix, 2 infix.
type Place = u8;

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
struct Query {
    /// Letters and Chinese characters, for names; None when the query holds anything else.
    units: Option<Vec<QueryUnit>>,
    /// Only Chinese characters: for the text families.
    han_text: Option<String>,
    /// Without spaces: for accounts, WeChat ids and emails.
    identifier: Option<String>,
    /// The digits of a phone-like query of three digits or more.
    digits: Option<String>,
}

impl Query {
    fn parse(raw: &str) -> Query {
        let text = normalize(raw);
        let text = text.trim();
        let units = QueryUnit::try_parse(text).filter(|u| !u.is_empty());
        let han_text = units
            .as_ref()
            .filter(|u| u.iter().all(|x| matches!(x, QueryUnit::Han(_))))
            .map(|u| u.iter().map(|x| if let QueryUnit::Han(c) = x { *c } else { ' ' }).collect());
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let identifier = (!compact.is_empty()
            && compact.chars().all(|c| c.is_ascii_alphanumeric() || "_-.@".contains(c)))
        .then_some(compact);
        let phone_like = text.chars().all(|c| c.is_ascii_digit() || " -+()".contains(c));
        let digits = Some(phone_digits(text)).filter(|d| phone_like && d.len() >= 3);
        Query { units, han_text, identifier, digits }
    }
}

/// Collects candidates, keeping the best rank per result.
struct Gathered {
    /// How many departments, groups and members there are, in `ResultKind` order.
    counts: [u32; 3],
    frequent: HashMap<u32, u16>,
    best: Positions<Candidate>,
}

impl Gathered {
    fn rank(&self, place: Place, way: Way, kind: ResultKind, position: u32) -> u64 {
        let frequency = if kind == ResultKind::Member { self.frequent.get(&position).copied() } else { None };
        (u64::from(way.band()) << 63)
            | (u64::from(place) << 61)
            | ((way as u64) << 57)
            | ((kind as u64) << 55)
            | (u64::from(frequency.unwrap_or(u16::MAX)) << 32)
            | u64::from(position)
    }

    fn add(&mut self, place: Place, way: Way, kind: ResultKind, position: u32, field: Field) {
        if position >= self.counts[kind as usize] {
            return; // a target the records do not have: see `Snapshot::holds`
        }
        let rank = self.rank(place, way, kind, position);
        let entry = self.best.entry((kind, position)).or_insert(Candidate { rank, field });
        if rank < entry.rank {
            *entry = Candidate { rank, field };
        }
    }
}

impl Snapshot {
    /// Finds members, departments and groups by whatever the user typed (SPEC §4).
    ///
    /// ```
    /// # use tongxunlu::{model::Directory, visibility::Organisation, snapshot::{self, Snapshot}, search::SearchOptions};
    /// # let dir = Directory::from_json(r#"{"department": [{"id": 1, "name": "公司", "parentid": 0}],
    /// #   "userlist": [{"userid": "zs", "name": "张三", "department": [1], "mobile": "13800138000"}]}"#)?;
    /// # let snap = Snapshot::open(snapshot::build(&dir, &Organisation::new(&dir).view("zs")?).bytes)?;
    /// let hits = snap.search("zhangs", &SearchOptions::default());
    /// assert_eq!(snap.member(hits[0].position).name, "张三");
    /// assert_eq!(hits[0].ranges, [(0, 2)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn search(&self, query: &str, options: &SearchOptions) -> Vec<Hit> {
        let query = Query::parse(query);
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
        let counts = [self.department_count() as u32, self.group_count() as u32, self.member_count() as u32];
        let mut gathered = Gathered { counts, frequent, best: Positions::default() };

        self.gather_from_start(&query, &mut gathered);
        // Infix matches rank below every match from the start in the same band, so they can
        // only matter when the first band is not full yet.
        let first_band = gathered.best.values().filter(|c| c.rank >> 63 == 0).count();
        if first_band < wanted {
            self.gather_infix(&query, &mut gathered);
        }

        let mut found: Vec<((ResultKind, u32), Candidate)> = gathered.best.into_iter().collect();
        let take = wanted.min(found.len());
        if take < found.len() {
            found.select_nth_unstable_by_key(take, |(_, c)| c.rank);
            found.truncate(take);
        }
        found.sort_unstable_by_key(|(_, c)| c.rank);
        found
            .into_iter()
            .skip(options.offset)
            .map(|((kind, position), candidate)| self.hit(&query, kind, position as usize, candidate))
            .collect()
    }

    /// Matches from the first syllable of names, and the prefix-only fields.
    fn gather_from_start(&self, query: &Query, gathered: &mut Gathered) {
        let kinds = [
            (ResultKind::Member, family::NAME_START, family::READING_START),
            (ResultKind::Department, family::DEPARTMENT_NAME_START, family::DEPARTMENT_READING_START),
            (ResultKind::Group, family::GROUP_NAME_START, family::GROUP_READING_START),
        ];
        for (kind, text_family, reading_family) in kinds {
            self.gather_names(query, kind, text_family, reading_family, true, gathered);
        }
        if let Some(QueryUnit::Letter(_)) = query.units.as_deref().and_then(|u| u.first()) {
            if let Some(letters) = letters_only(query) {
                if let Some(automaton) = ReadingAutomaton::new(family::ALIAS, &[Piece::Letters(&letters)]) {
                    self.each_match(automaton, |_, targets| {
                        for p in targets {
                            gathered.add(1, Way::Alias, ResultKind::Member, p, Field::Alias);
                        }
                    });
                }
            }
        }
        if let Some(identifier) = &query.identifier {
            for (fam, field) in
                [(family::ACCOUNT, Field::Account), (family::WEIXIN, Field::WeixinId), (family::EMAIL, Field::Email)]
            {
                self.each_prefix(fam, identifier.as_bytes(), |key, targets| {
                    let place = if key.len() == identifier.len() { 0 } else { 1 };
                    for p in targets {
                        gathered.add(place, Way::Identifier, ResultKind::Member, p, field);
                    }
                });
            }
        }
        if let Some(digits) = &query.digits {
            self.each_prefix(family::PHONE_FULL, digits.as_bytes(), |key, targets| {
                let place = if key.len() == digits.len() { 0 } else { 1 };
                for p in targets {
                    gathered.add(place, Way::Phone, ResultKind::Member, p, Field::Mobile);
                }
            });
        }
        self.add_department_members(query, gathered);
    }

    /// Matches from later syllables of names, and phone digits anywhere.
    fn gather_infix(&self, query: &Query, gathered: &mut Gathered) {
        let kinds = [
            (ResultKind::Member, family::NAME_INFIX, family::READING_INFIX),
            (ResultKind::Department, family::DEPARTMENT_NAME_INFIX, family::DEPARTMENT_READING_INFIX),
            (ResultKind::Group, family::GROUP_NAME_INFIX, family::GROUP_READING_INFIX),
        ];
        for (kind, text_family, reading_family) in kinds {
            self.gather_names(query, kind, text_family, reading_family, false, gathered);
        }
        if let Some(digits) = &query.digits {
            let mut candidates = Vec::new();
            self.each_prefix(family::PHONE, &digits.as_bytes()[..3], |_, targets| candidates.extend(targets));
            for p in candidates {
                if self.holds(ResultKind::Member, p)
                    && (digits.len() == 3 || self.phone_match(p as usize, digits).is_some())
                {
                    gathered.add(2, Way::Phone, ResultKind::Member, p, Field::Mobile);
                }
            }
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
        gathered: &mut Gathered,
    ) {
        let infix: Place = 2;
        if let Some(text) = &query.han_text {
            self.each_prefix(text_family, text.as_bytes(), |key, targets| {
                let place = if !from_start {
                    infix
                } else if key.len() == text.len() {
                    0
                } else {
                    1
                };
                for p in targets {
                    gathered.add(place, Way::Name, kind, p, Field::Name);
                }
            });
            return;
        }
        let Some(units) = &query.units else { return };
        let has_han = units.iter().any(|u| matches!(u, QueryUnit::Han(_)));
        for pieces in self.spellings(units) {
            let pieces: Vec<Piece<'_>> = pieces
                .iter()
                .map(|(text, whole)| if *whole { Piece::Syllable(text) } else { Piece::Letters(text) })
                .collect();
            let Some(automaton) = ReadingAutomaton::new(reading_family, &pieces) else { continue };
            self.each_match(automaton, |key, targets| {
                if has_han {
                    // The characters themselves must be the name's: check each candidate.
                    for p in targets.filter(|&p| self.holds(kind, p)) {
                        if let Some(found) = self.align_name(kind, p as usize, units) {
                            let place = if from_start { found.place() } else { infix };
                            gathered.add(place, found.how.into(), kind, p, Field::Name);
                        }
                    }
                } else if let Some(found) = align(units, &key_syllables(key)) {
                    // Letters only: the key decides for every target alike.
                    let place = if !from_start {
                        infix
                    } else if found.exact {
                        0
                    } else {
                        1
                    };
                    for p in targets {
                        gathered.add(place, found.how.into(), kind, p, Field::Name);
                    }
                }
            });
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
                    let readings = self.tables().char_readings(self.as_bytes(), c);
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
    fn add_department_members(&self, query: &Query, gathered: &mut Gathered) {
        let typed_characters = query.han_text.as_ref().map_or(0, |t| t.chars().count());
        let departments: Vec<(u32, Place)> = gathered
            .best
            .iter()
            .filter(|((kind, _), _)| *kind == ResultKind::Department)
            .map(|((_, d), c)| (*d, place_of(c.rank), way_of(c.rank)))
            .filter(|&(_, place, way)| place == 0 || (place == 1 && way == Way::Name as u8 && typed_characters >= 2))
            .map(|(d, place, _)| (d, place))
            .collect();
        let tables = self.tables();
        for (d, place) in departments {
            let d = d as usize;
            let (start, end) =
                (tables.direct_member_starts[d], tables.direct_member_starts[tables.subtree_end[d] as usize]);
            for &m in &tables.direct_members[start as usize..end as usize] {
                gathered.add(place, Way::InDepartment, ResultKind::Member, m, Field::Department);
            }
        }
    }

    fn index(&self) -> fst::Map<&[u8]> {
        fst::Map::new(&self.as_bytes()[self.tables().index.clone()]).expect("the index is checked when opening")
    }

    fn postings(&self) -> &[u8] {
        &self.as_bytes()[self.tables().postings.clone()]
    }

    /// Calls `f(key without its family byte, targets)` for every key of `family` starting with
    /// `prefix`.
    fn each_prefix(&self, fam: u8, prefix: &[u8], f: impl FnMut(&[u8], Targets<'_>)) {
        let mut start = vec![fam];
        start.extend_from_slice(prefix);
        let automaton = fst::automaton::Str::new(std::str::from_utf8(&start).unwrap_or_default()).starts_with();
        self.each_match(automaton, f);
    }

    /// Calls `f(key without its family byte, targets)` for every key the automaton accepts.
    fn each_match(&self, automaton: impl Automaton, mut f: impl FnMut(&[u8], Targets<'_>)) {
        let map = self.index();
        let mut stream = map.search(automaton).into_stream();
        while let Some((key, value)) = stream.next() {
            f(&key[1..], Targets::of(value, self.postings()));
        }
    }

    /// Every key of the search index, family byte first, in order: for audits such as the
    /// privacy tests, which look for hidden values in the keys as well as in the raw bytes (the
    /// fst stores keys compressed, so a scan of the bytes alone cannot rule them out).
    pub fn index_keys(&self) -> Vec<Vec<u8>> {
        let map = self.index();
        let mut stream = map.keys();
        let mut keys = Vec::new();
        while let Some(key) = stream.next() {
            keys.push(key.to_vec());
        }
        keys
    }

    /// Whether the snapshot has a record at this position (index targets are checked on use).
    fn holds(&self, kind: ResultKind, position: u32) -> bool {
        let count = match kind {
            ResultKind::Member => self.member_count(),
            ResultKind::Department => self.department_count(),
            ResultKind::Group => self.group_count(),
        };
        (position as usize) < count
    }

    /// The syllables of a member's name as the snapshot reads it: what search matches against.
    pub fn member_syllables(&self, position: usize) -> Vec<Syllable<'_>> {
        self.name_syllables(ResultKind::Member, position)
    }

    /// The syllables of a member's, department's or group's name.
    fn name_syllables(&self, kind: ResultKind, position: usize) -> Vec<Syllable<'_>> {
        let tables = self.tables();
        let (record, name) = match kind {
            ResultKind::Member => (Some(tables.member_record(position)), self.member(position).name),
            ResultKind::Department => (tables.department_record(position), self.department(position).name),
            ResultKind::Group => (Some(tables.group_record(position)), self.group(position).name),
        };
        record.and_then(|r| tables.read_syllables(self.as_bytes(), r, Some(name)).ok()).unwrap_or_default()
    }

    fn align_name(&self, kind: ResultKind, position: usize, units: &[QueryUnit]) -> Option<super::matcher::Alignment> {
        align(units, &self.name_syllables(kind, position))
    }

    /// Where the digits occur in a member's visible mobile or telephone: the field and the
    /// character range in its displayed text.
    fn phone_match(&self, member: usize, digits: &str) -> Option<(Field, (u32, u32))> {
        let record = self.member(member);
        for (field, which) in [(TextField::Mobile, Field::Mobile), (TextField::Telephone, Field::Telephone)] {
            let Some(shown) = record.text(field) else { continue };
            let national = phone_digits(shown);
            let Some(at) = national.find(digits) else { continue };
            // Map digit positions of the national number back to characters of the displayed text.
            // (Digits are counted as `phone_digits` counts them: full-width ones too.)
            let digit_chars: Vec<u32> = shown
                .chars()
                .enumerate()
                .filter(|(_, c)| phone_digits(&c.to_string()).len() == 1)
                .map(|(i, _)| i as u32)
                .collect();
            let skipped = digit_chars.len().checked_sub(national.len())?;
            let first = *digit_chars.get(skipped + at)?;
            let last = *digit_chars.get(skipped + at + digits.len() - 1)?;
            return Some((which, (first, last + 1)));
        }
        None
    }

    /// Turns a ranked candidate into a result: the field and the ranges to highlight.
    fn hit(&self, query: &Query, kind: ResultKind, position: usize, candidate: Candidate) -> Hit {
        let place = u32::from(place_of(candidate.rank));
        let way = u32::from(way_of(candidate.rank));
        let score = 100 * (3 - place) + 10 * (7 - way);
        let mut field = candidate.field;
        let ranges = match field {
            Field::Name => {
                let syllables = self.name_syllables(kind, position);
                query
                    .units
                    .as_deref()
                    .and_then(|units| align(units, &syllables))
                    .map(|a| a.char_ranges(&syllables))
                    .unwrap_or_default()
            }
            Field::Alias => self
                .member(position)
                .text(TextField::Alias)
                .and_then(|alias| {
                    let words = alias_words(alias);
                    let syllables: Vec<Syllable<'_>> = words
                        .iter()
                        .map(|(w, chars)| Syllable {
                            text: String::new(),
                            readings: vec![w.as_str()],
                            chars: chars.clone(),
                        })
                        .collect();
                    query.units.as_deref().and_then(|units| align(units, &syllables)).map(|a| a.char_ranges(&syllables))
                })
                .unwrap_or_default(),
            Field::Account | Field::WeixinId | Field::Email => {
                let n = query.identifier.as_deref().map_or(0, |i| i.chars().count() as u32);
                vec![(0, n)]
            }
            Field::Mobile | Field::Telephone => {
                match query.digits.as_deref().and_then(|d| self.phone_match(position, d)) {
                    Some((which, range)) => {
                        field = which;
                        vec![range]
                    }
                    None => Vec::new(),
                }
            }
            Field::Department => Vec::new(),
        };
        Hit { kind, position, field, ranges, score }
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
            text: String::new(),
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
