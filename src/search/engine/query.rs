//! A query as typed, normalised into the forms the index families take.

use super::super::matcher::QueryUnit;
use crate::text::normalize::{is_han, normalize, phone_digits};

/// The normalised forms of one query, each for the families that take it.
#[derive(Clone)]
pub(in crate::search) struct Query {
    /// Letters, digits and Chinese characters, for names; None when the query holds anything else.
    pub(in crate::search) units: Option<Vec<QueryUnit>>,
    /// Chinese characters, alone or with digits and signs (销售1部, 3号): for the text families.
    pub(super) han_text: Option<String>,
    /// Without spaces: for accounts, WeChat ids and emails.
    pub(super) identifier: Option<String>,
    /// The digits of a phone-like query of three digits or more.
    pub(in crate::search) digits: Option<String>,
}

impl Query {
    pub(in crate::search) fn parse(raw: &str) -> Query {
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

/// The letters of a letters-only query, without spaces.
pub(super) fn letters_only(query: &Query) -> Option<String> {
    let units = query.units.as_ref()?;
    units.iter().map(|u| if let QueryUnit::Letter(b) = u { Some(*b as char) } else { None }).collect()
}
