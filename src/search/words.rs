//! Several words: "张伟 销售", "zw 上海", "王芳 经理", "大客户部 张".
//!
//! At 200,000 members there are hundreds of 张伟; the one meant is one more word away. A query of
//! two words or more is searched as one (so "zhang san" still finds 张三), and then its first
//! word is searched as any query is while each later word *narrows* what it finds to the members
//! that word describes: by their name (characters or pinyin, from any character), a department
//! on their path (its name, characters or pinyin), their position, a phone number holding its
//! digits, or an account, WeChat id or e-mail it begins (docs/search.md). Results found so rank
//! after every match of the query as one, in the order their first word's match gives them.

use super::engine::{Query, ResultKind, Searcher};
use super::matcher::align;
use crate::fields::TextField;
use crate::text::normalize::normalize;

/// The words of a query after its first, each as it narrows the first word's members.
pub(super) struct Narrowing {
    words: Vec<Word>,
}

/// One later word.
struct Word {
    /// Normalised (its characters simplified, among the rest).
    text: String,
    /// Parsed as a query of its own: its letters, digits and characters, to match a name by
    /// pinyin, and its digits when it is a phone number's run of three or more.
    query: Query,
    /// By department position, whether the word matches its name (see
    /// [`Searcher::departments_matching`]).
    departments: Vec<bool>,
}

/// The first word and the later ones of a query of several words; None for one word.
pub(super) fn split(query: &str) -> Option<(String, Vec<String>)> {
    let text = normalize(query);
    // (Normalising made every space an ASCII one.)
    let mut words = text.split([' ', '\t', '\n']).filter(|w| !w.is_empty()).map(str::to_owned);
    let first = words.next()?;
    let rest: Vec<String> = words.collect();
    (!rest.is_empty()).then_some((first, rest))
}

impl Narrowing {
    /// The later `words` of a query, prepared against the snapshot `searcher` reads.
    pub(super) fn new(searcher: &Searcher<'_>, words: &[String]) -> Narrowing {
        // (The words come from `split`, normalised already.)
        let words = words
            .iter()
            .map(|word| {
                let query = Query::parse(word);
                Word { departments: searcher.departments_matching(&query), query, text: word.clone() }
            })
            .collect();
        Narrowing { words }
    }

    /// Whether every later word describes the member at `position`.
    pub(super) fn admits(&self, searcher: &Searcher<'_>, position: u32) -> bool {
        self.words.iter().all(|word| word.describes(searcher, position as usize))
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
