//! Describing a result: the rule that matched it applied again to its one name or field, to
//! say which characters to highlight, and its score.

use super::super::matcher::{align, align_fuzzy, align_text, Alignment, QueryUnit, Syllable};
use super::super::phone::{self, Tier};
use super::super::typo::typo_align;
use super::collector::Candidate;
use super::query::{letters_only, Query};
use super::rank::{score, way_of};
use super::{Field, Hit, ResultKind, Searcher, Way};
use crate::fields::TextField;
use crate::text::normalize::{is_phone_digit, normalize, phone_digits};

impl Searcher<'_> {
    pub(super) fn align_name(&self, kind: ResultKind, position: usize, units: &[QueryUnit]) -> Option<Alignment> {
        align(units, &self.name_syllables(kind, position))
    }

    /// The best way one of a member's visible numbers holds the digits (see [`super::phone`]):
    /// how, in which field, and the character range of the digits in its displayed text.
    pub(super) fn phone_match(&self, member: usize, digits: &str) -> Option<(Tier, Field, (u32, u32))> {
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
    pub(in crate::search) fn phone_holds(&self, member: usize, digits: &str) -> bool {
        self.phone_match(member, digits).is_some()
    }

    /// Turns a ranked candidate into a result: the field and the ranges to highlight.
    pub(super) fn hit(&self, query: &Query, kind: ResultKind, position: usize, candidate: Candidate) -> Hit {
        let way = way_of(candidate.rank);
        let score = score(candidate.rank);
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
