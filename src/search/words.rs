//! Several words: "张伟 销售", "zw 上海", "王芳 经理", "大客户部 张".
//!
//! At 200,000 members there are hundreds of 张伟; the one meant is one more word away. A query of
//! two words or more is searched as one (so "zhang san" still finds 张三), and then its first
//! word is searched as any query is while each other word *narrows* what it finds to the members
//! that word describes: by their name (characters or pinyin, from any character), a department
//! on their path (its name, characters or pinyin), their position, a phone number holding its
//! digits, or an account, WeChat id or e-mail it begins (docs/search.md). When the first word
//! finds no one that way, the next word is searched instead, narrowed by the others, and so on up
//! to the third: "2班 王" finds no one by 2班 (a part of every grade's class names, which lists
//! the classes, not their members), but 王 narrowed by 2班 does. Results found so rank after
//! every match of the query as one, in the order the searched word's match gives them.

use super::engine::{Query, ResultKind, Searcher};
use super::matcher::align;
use crate::fields::TextField;
use crate::text::normalize::normalize;

/// The words of a query of several words, each parsed and prepared to narrow the others' members.
pub(super) struct Words {
    words: Vec<Word>,
}

/// The words but one (the one searched), as they narrow what it finds.
#[derive(Clone, Copy)]
pub(super) struct Narrowing<'w> {
    words: &'w Words,
    searched: usize,
}

/// One word.
struct Word {
    /// Normalised (its characters simplified, among the rest).
    text: String,
    /// Parsed as a query of its own: to be searched, and to match a name by pinyin and a phone
    /// number by its digits when it narrows.
    query: Query,
    /// By department position, whether the word matches its name (see
    /// [`Searcher::departments_matching`]).
    departments: Vec<bool>,
}

/// The words of a query, normalised; None for fewer than two.
pub(super) fn split(query: &str) -> Option<Vec<String>> {
    let text = normalize(query);
    // (Normalising made every space an ASCII one.)
    let words: Vec<String> = text.split([' ', '\t', '\n']).filter(|w| !w.is_empty()).map(str::to_owned).collect();
    (words.len() >= 2).then_some(words)
}

impl Words {
    /// The `words` of a query (from `split`), prepared against the snapshot `searcher` reads.
    pub(super) fn new(searcher: &Searcher<'_>, words: &[String]) -> Words {
        let words = words
            .iter()
            .map(|word| {
                let query = Query::parse(word);
                Word { departments: searcher.departments_matching(&query), query, text: word.clone() }
            })
            .collect();
        Words { words }
    }

    /// How many of the words may be searched in turn: a query is two or three words when typed;
    /// a pasted paragraph must not cost a search per word.
    pub(super) fn searchable(&self) -> usize {
        self.words.len().min(3)
    }

    /// The word at `searched`, as a query, and the others as they narrow what it finds.
    pub(super) fn searching(&self, searched: usize) -> (&Query, Narrowing<'_>) {
        (&self.words[searched].query, Narrowing { words: self, searched })
    }
}

impl Narrowing<'_> {
    /// Whether every word but the one searched describes the member at `position`.
    pub(super) fn admits(&self, searcher: &Searcher<'_>, position: u32) -> bool {
        let mut others = self.words.words.iter().enumerate().filter(|&(i, _)| i != self.searched);
        others.all(|(_, word)| word.describes(searcher, position as usize))
    }
}

impl Word {
    fn describes(&self, searcher: &Searcher<'_>, position: usize) -> bool {
        let records = searcher.records();
        let member = records.member(position);
        let holds = |text: &str| normalize(text).contains(&self.text);
        if holds(member.name) || member.text(TextField::Position).is_some_and(holds) {
            return true;
        }
        if let Some(units) = &self.query.units {
            if align(units, &searcher.name_syllables(ResultKind::Member, position)).is_some() {
                return true;
            }
        }
        // (Bounded: a crafted snapshot could make a department its own ancestor.)
        let mut path: Vec<usize> = member.departments.iter().map(|&(d, _)| d).collect();
        let mut steps = records.department_count() * path.len();
        while let Some(d) = path.pop().filter(|_| steps > 0) {
            if self.departments.get(d).copied().unwrap_or(false) {
                return true;
            }
            steps -= 1;
            path.extend(records.department(d).parent);
        }
        if let Some(digits) = &self.query.digits {
            if searcher.phone_holds(position, digits) {
                return true;
            }
        }
        // (Folded as queries are: the browser build carries no `to_lowercase`.)
        let begins = |text: &str| normalize(text).starts_with(&self.text);
        begins(member.userid)
            || [TextField::WeixinId, TextField::Email].iter().any(|&f| member.text(f).is_some_and(begins))
    }
}
