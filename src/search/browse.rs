//! Everything beside the search box (docs/search.md): the A–Z bar, browsing the organisation, the
//! `@` mention being typed, and the filters of the admin's 高级搜索.
//!
//! The A–Z bar costs nothing at query time: the engine derives the members grouped by the
//! letter their surname files under, each group in pinyin order, once (`search::names`), and a
//! letter's list is then a slice.

use serde::Serialize;

use super::engine::{Hit, ResultKind, SearchOptions, Searcher};
use super::sort::sort_pairs;
use super::tables::LETTER_BUCKETS;
use crate::fields::{Gender, TextField};

/// One letter of the A–Z bar and how many members file under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Initial {
    /// `A`–`Z`, or `#` for names that file under no letter.
    pub letter: char,
    /// How many members file under it.
    pub count: usize,
}

/// The `@query` being typed in a message box, and who it could mean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// Where `@query` starts in the text, as a character index (at the `@`): `start..end` is
    /// what a chosen suggestion replaces.
    pub start: usize,
    /// Where `@query` ends (exclusive): the cursor.
    pub end: usize,
    /// What was typed after the `@`, searched for.
    pub query: String,
    /// Member positions, best first.
    pub suggestions: Vec<usize>,
}

/// The filters of 高级搜索; each one left as None lets everyone through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Members of this gender.
    pub gender: Option<Gender>,
    /// Members in this department's subtree (a department position).
    pub department: Option<usize>,
    /// Members who follow the organisation's app (true) or do not yet (false).
    pub followed: Option<bool>,
    /// Birthday in this month (1–12), where the viewer may see birthdays.
    pub birthday_month: Option<u8>,
}

fn letter_of(bucket: usize) -> char {
    if bucket + 1 == LETTER_BUCKETS {
        '#'
    } else {
        (b'A' + bucket as u8) as char
    }
}

impl Searcher<'_> {
    /// The letters that have members, A–Z then `#`, with their counts.
    pub fn initials(&self) -> Vec<Initial> {
        let letters = self.letters();
        (0..LETTER_BUCKETS)
            .map(|b| Initial { letter: letter_of(b), count: letters.of(b).len() })
            .filter(|i| i.count > 0)
            .collect()
    }

    /// The members filed under `letter` (A–Z, any case, or `#`), in pinyin order, paged.
    pub fn by_initial(&self, letter: char, offset: usize, limit: usize) -> Vec<usize> {
        let bucket = match letter.to_ascii_uppercase() {
            l @ 'A'..='Z' => l as usize - 'A' as usize,
            '#' => LETTER_BUCKETS - 1,
            _ => return Vec::new(),
        };
        self.letters().of(bucket).iter().skip(offset).take(limit).map(|&p| p as usize).collect()
    }

    /// A department's child departments (in sort order) and the members directly in it, by
    /// their sort number in it, then their rank.
    pub fn children(&self, department: usize) -> (Vec<usize>, Vec<usize>) {
        let tables = self.tables();
        if department >= self.records().department_count() {
            return (Vec::new(), Vec::new());
        }
        let end = tables.subtree_end[department] as usize;
        let children =
            (department + 1..end).filter(|&d| self.records().department(d).parent == Some(department)).collect();
        let (from, to) = (tables.direct_member_starts[department], tables.direct_member_starts[department + 1]);
        let mut members: Vec<(u64, u32)> = tables.direct_members[from as usize..to as usize]
            .iter()
            .map(|&m| {
                let order = self
                    .records()
                    .member(m as usize)
                    .departments
                    .iter()
                    .find(|(d, _)| *d == department)
                    .map_or(0, |&(_, o)| o);
                (u64::from(order), m)
            })
            .collect();
        sort_pairs(&mut members, &|a, b| a.cmp(&b));
        (children, members.into_iter().map(|(_, m)| m as usize).collect())
    }

    /// The departments from the topmost down to `department` (path labels included), for a
    /// breadcrumb.
    pub fn breadcrumbs(&self, department: usize) -> Vec<usize> {
        let mut path = Vec::new();
        let mut at = (department < self.records().department_count()).then_some(department);
        while let Some(d) = at {
            path.push(d);
            at = self.records().department(d).parent;
        }
        path.reverse();
        path
    }

    /// The mention being typed at `cursor` (a character offset) in `text`: an `@` followed by
    /// no white space up to the cursor. Suggestions are members only.
    pub fn mentions(&self, text: &str, cursor: usize, limit: usize) -> Option<Mention> {
        let chars: Vec<char> = text.chars().collect();
        let cursor = cursor.min(chars.len());
        let at = chars[..cursor].iter().rposition(|&c| c == '@' || c == '＠' || c.is_whitespace())?;
        if chars[at].is_whitespace() {
            return None;
        }
        let query: String = chars[at + 1..cursor].iter().collect();
        let options = SearchOptions { limit: limit.saturating_mul(2), ..SearchOptions::default() };
        let suggestions: Vec<usize> = if query.is_empty() {
            Vec::new()
        } else {
            let hits: Vec<Hit> = self.search(&query, &options);
            hits.into_iter().filter(|h| h.kind == ResultKind::Member).map(|h| h.position).take(limit).collect()
        };
        Some(Mention { start: at, end: cursor, query, suggestions })
    }

    /// The members that pass every filter given, in rank order.
    pub fn filter(&self, filter: &Filter) -> Vec<usize> {
        let subtree = filter
            .department
            .filter(|&d| d < self.records().department_count())
            .map(|d| d..self.tables().subtree_end[d] as usize);
        if filter.department.is_some() && subtree.is_none() {
            return Vec::new();
        }
        (0..self.records().member_count())
            .filter(|&m| {
                let member = self.records().member(m);
                filter.gender.is_none_or(|g| member.gender == g)
                    && filter.followed.is_none_or(|f| member.followed == f)
                    && subtree.as_ref().is_none_or(|range| member.departments.iter().any(|(d, _)| range.contains(d)))
                    && filter.birthday_month.is_none_or(|month| {
                        member.text(TextField::Birthday).and_then(|b| b.get(5..7)).and_then(|mm| mm.parse::<u8>().ok())
                            == Some(month)
                    })
            })
            .collect()
    }
}
