//! What a search is asked and what it answers: the options, the results and the totals.

use serde::Serialize;

use super::Way;

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
