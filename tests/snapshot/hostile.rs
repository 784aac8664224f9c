//! A hostile (or buggy) writer: whole snapshots whose framing, header and checksum are right,
//! around random records and search sections, for the properties in [`super::props`].

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::Index;

use super::assemble::*;
use super::*;

/// A number that is mostly small and in range, sometimes anything.
fn number(small: u64) -> impl Strategy<Value = u64> {
    prop_oneof![8 => 0..=small, 1 => any::<u64>(), 1 => Just(u32::MAX as u64 + 1)]
}

fn text() -> impl Strategy<Value = T> {
    prop_oneof![
        8 => "[a-c]{0,3}|[张李王]{1,2}".prop_map(T::S),
        1 => prop::collection::vec(any::<u8>(), 0..4).prop_map(|raw| {
            let mut out = Vec::new();
            leb(raw.len() as u64, &mut out);
            out.extend(raw);
            T::Raw(out)
        }),
        1 => (number(20), prop::collection::vec(any::<u8>(), 0..4)).prop_map(|(n, raw)| {
            let mut out = Vec::new();
            leb(n, &mut out);
            out.extend(raw);
            T::Raw(out)
        }),
    ]
}

/// A list: a count (usually right, sometimes not) and its items.
fn list(item: impl Strategy<Value = Vec<T>>) -> impl Strategy<Value = Vec<T>> {
    (prop::collection::vec(item, 0..4), prop_oneof![9 => Just(None), 1 => number(10).prop_map(Some)]).prop_map(
        |(items, count)| {
            let mut out = vec![T::U(count.unwrap_or(items.len() as u64))];
            out.extend(items.into_iter().flatten());
            out
        },
    )
}

/// Occasionally damages an otherwise well-typed record: drops or adds an item at the end.
fn maybe_damaged(items: impl Strategy<Value = Vec<T>>) -> impl Strategy<Value = Vec<u8>> {
    (items, prop_oneof![18 => Just(0u8), 1 => Just(1), 1 => Just(2)], any::<u8>()).prop_map(|(mut items, damage, b)| {
        match damage {
            1 => {
                items.pop();
            }
            2 => items.push(T::B(b)),
            _ => {}
        }
        record(&items)
    })
}

fn hostile_department(n: u64) -> impl Strategy<Value = Vec<u8>> {
    let items = (
        number(50),
        text(),
        number(n + 1),
        number(9),
        any::<u8>(),
        number(50),
        list(number(n + 1).prop_map(|m| vec![T::U(m)])),
    )
        .prop_map(|(id, name, parent, order, flags, headcount, leaders)| {
            let mut out = vec![T::U(id), name, T::U(parent), T::U(order), T::B(flags), T::U(headcount)];
            out.extend(leaders);
            out
        });
    maybe_damaged(items)
}

fn hostile_member(n: u64) -> impl Strategy<Value = (String, Vec<u8>)> {
    let items = (
        "[a-e]{1,3}",
        text(),
        prop_oneof![4 => (0u8..3).prop_map(|g| g << 4), 1 => any::<u8>()],
        any::<u8>(),
        prop::collection::vec(text(), 8),
        list((number(n + 1), number(9)).prop_map(|(d, o)| vec![T::U(d), T::U(o)])),
        list((text(), text()).prop_map(|(k, v)| vec![k, v])),
    )
        .prop_map(|(userid, name, flags, mask, values, memberships, extattr)| {
            let mut out = memberships;
            out.extend([T::S(userid.clone()), name, T::B(flags), T::B(mask)]);
            out.extend(values.into_iter().take(mask.count_ones() as usize));
            out.extend(extattr);
            (userid, out)
        });
    (items, prop_oneof![18 => Just(0u8), 1 => Just(1), 1 => Just(2)], any::<u8>()).prop_map(
        |((userid, mut items), damage, b)| {
            match damage {
                1 => {
                    items.pop();
                }
                2 => items.push(T::B(b)),
                _ => {}
            }
            (userid, record(&items))
        },
    )
}

fn hostile_group(n: u64) -> impl Strategy<Value = Vec<u8>> {
    let items =
        (number(50), text(), list(number(n + 1).prop_map(|m| vec![T::U(m)]))).prop_map(|(id, name, members)| {
            let mut out = vec![T::U(id), name];
            out.extend(members);
            out
        });
    maybe_damaged(items)
}

/// Whole snapshots from a hostile (or buggy) writer: framing, header and checksum are right; the
/// records and search sections are either well typed and pointing at records that exist (so that
/// most open, and the accessors, the A–Z bar and searches get to read nonsense such as a path
/// label with leaders, repeated ids, wrong headcounts, or readings that do not fit the names, from
/// which the engine derives its name index and the bar's order), or plausible with a sprinkling
/// of junk (so that every check gets its turn).
pub(super) fn hostile_snapshot() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![consistent_snapshot(), sloppy_snapshot()]
}

/// Search sections that fit the records, with random contents: random syllables (character
/// ranges that may or may not fit the names) with word numbers in range, a random character
/// table and random words.
#[derive(Debug, Clone)]
struct SearchSpec {
    syllables: Vec<Vec<(u64, u64, Vec<Index>)>>,
    words: Vec<String>,
    chars: BTreeMap<char, Vec<Index>>,
}

/// At most this many READ records: 6 departments, 8 members and 2 groups in `consistent_snapshot`.
const MAX_RECORDS: usize = 16;

fn search_spec() -> impl Strategy<Value = SearchSpec> {
    // Starting at 0 often, so that a name starts with a syllable and files under its letter.
    let syllable = (prop_oneof![Just(0u64), 0u64..5], 0u64..3, prop::collection::vec(any::<Index>(), 0..3));
    let character =
        prop_oneof![4 => prop::sample::select(vec!['张', '李', '王', '三', '四', 'a', 'z']), 1 => any::<char>()];
    (
        prop::collection::vec(prop::collection::vec(syllable, 0..4), MAX_RECORDS),
        prop::collection::vec(prop_oneof!["zhang|san|li|wang|si|a|b|zs|tony", "[a-z0-9]{1,6}"], 0..8),
        prop::collection::btree_map(character, prop::collection::vec(any::<Index>(), 0..3), 0..6),
    )
        .prop_map(|(syllables, words, chars)| SearchSpec { syllables, words, chars })
}

impl SearchSpec {
    /// Valid search sections for members with these accounts (stored order), departments with
    /// these label flags and `groups` groups.
    fn parts(&self, accounts: &[&[u8]], labels: &[bool], groups: usize) -> SearchParts {
        let mut parts = SearchParts::minimal(accounts, labels, groups);
        let word = |i: &Index| (!self.words.is_empty()).then(|| i.index(self.words.len()) as u64);
        for (record, syllables) in parts.readings.iter_mut().zip(&self.syllables) {
            *record = syllables
                .iter()
                .map(|(start, len, words)| (*start, *len, words.iter().filter_map(word).collect()))
                .collect();
        }
        parts.chars = self
            .chars
            .iter()
            .map(|(c, words)| (u64::from(u32::from(*c)), words.iter().filter_map(word).collect()))
            .collect();
        parts.words = self.words.iter().map(|w| w.as_bytes().to_vec()).collect();
        parts
    }
}

pub(super) fn consistent_snapshot() -> impl Strategy<Value = Vec<u8>> {
    let name = || prop_oneof!["[a-c]{0,3}", "[张李王]{1,2}", "\\PC{0,4}"];
    // Flags use only the bits the format defines: bit 0 for departments; bits 0–2 and the
    // gender in bits 4–5 for members.
    let department =
        (0u32..6, name(), any::<Index>(), 0u32..4, 0u8..2, 0u32..20, prop::collection::vec(any::<Index>(), 0..3));
    let member = (
        "[a-e]{1,3}",
        name(),
        (0u8..3, any::<u8>()).prop_map(|(gender, other)| (gender << 4) | (other & 0b0000_0111)),
        any::<u8>(),
        // Text fields, phone-like now and then so that phone searches meet them.
        // (ASCII digits only: full-width ones hit a src bug, `full_width_digits_in_a_shown_phone…`.)
        prop::collection::vec(prop_oneof![4 => name(), 1 => "[0-9+ -]{3,14}"], 8),
        prop::collection::vec((any::<Index>(), 0u32..4), 0..3),
        prop::collection::vec((name(), name()), 0..3),
        any::<u16>(), // where the member is stored: any order, not the accounts'
    );
    let group = (0u32..4, name(), prop::collection::vec(any::<Index>(), 0..4));
    (
        prop::collection::vec(department, 0..7),
        prop::collection::vec(member, 0..9),
        prop::collection::vec(group, 0..3),
        name(),
        search_spec(),
    )
        .prop_map(|(departments, mut members, groups, corp, search)| {
            members.sort_by(|a, b| a.0.cmp(&b.0));
            members.dedup_by(|a, b| a.0 == b.0);
            members.sort_by_key(|member| member.7);
            let (n, m) = (departments.len(), members.len());
            let positions = |list: &[Index], of: usize| -> Vec<T> {
                let mut out = vec![T::U(if of == 0 { 0 } else { list.len() as u64 })];
                if of > 0 {
                    out.extend(list.iter().map(|i| T::U(i.index(of) as u64)));
                }
                out
            };
            let dept: Vec<u8> = departments
                .iter()
                .enumerate()
                .flat_map(|(i, (id, name, parent, order, flags, headcount, leaders))| {
                    let mut items = vec![T::U(u64::from(*id)), T::S(name.clone()), T::U(parent.index(i + 1) as u64)];
                    items.extend([T::U(u64::from(*order)), T::B(*flags), T::U(u64::from(*headcount))]);
                    items.extend(positions(leaders, m));
                    record(&items)
                })
                .collect();
            let memb: Vec<u8> = members
                .iter()
                .flat_map(|(userid, name, flags, mask, values, memberships, extattr, _)| {
                    let memberships: &[(Index, u32)] = if n == 0 { &[] } else { memberships };
                    let mut items = vec![T::U(memberships.len() as u64)];
                    for (d, order) in memberships {
                        items.extend([T::U(d.index(n) as u64), T::U(u64::from(*order))]);
                    }
                    items.extend([T::S(userid.clone()), T::S(name.clone()), T::B(*flags), T::B(*mask)]);
                    items.extend(values.iter().take(mask.count_ones() as usize).map(|v| T::S(v.clone())));
                    items.push(T::U(extattr.len() as u64));
                    for (k, v) in extattr {
                        items.extend([T::S(k.clone()), T::S(v.clone())]);
                    }
                    record(&items)
                })
                .collect();
            let grup: Vec<u8> = groups
                .iter()
                .flat_map(|(id, name, members)| {
                    let mut items = vec![T::U(u64::from(*id)), T::S(name.clone())];
                    items.extend(positions(members, m));
                    record(&items)
                })
                .collect();
            let accounts: Vec<&[u8]> = members.iter().map(|member| member.0.as_bytes()).collect();
            let labels: Vec<bool> = departments.iter().map(|d| d.4 & 1 != 0).collect();
            let mut sections = vec![(META, meta(&corp)), (DEPT, dept), (MEMB, memb), (GRUP, grup)];
            sections.extend(search.parts(&accounts, &labels, groups.len()).encode());
            assemble(&sections)
        })
}

pub(super) fn sloppy_snapshot() -> impl Strategy<Value = Vec<u8>> {
    (0u64..6, 0u64..8).prop_flat_map(|(departments, members)| {
        (
            prop::collection::vec(hostile_department(departments), departments as usize),
            prop::collection::vec(hostile_member(members), members as usize),
            prop::collection::vec(hostile_group(members), 0..3),
            any::<bool>(),
            (any::<Index>(), prop::collection::vec(any::<u8>(), 0..6)),
            any::<bool>(),
            prop::option::weighted(0.25, (any::<Index>(), prop::collection::vec(any::<u8>(), 0..40))),
        )
            .prop_map(
                |(departments, mut members, groups, unique, (extra_tag, extra_section), reorder, junk)| {
                    if unique {
                        // Mostly pass the account lookup's check, to get to what lies behind it.
                        members.sort_by(|a, b| a.0.cmp(&b.0));
                        members.dedup_by(|a, b| a.0 == b.0);
                    }
                    let mut sections = complete(vec![
                        (META, meta("示例")),
                        (DEPT, departments.concat()),
                        (MEMB, members.into_iter().flat_map(|(_, r)| r).collect()),
                        (GRUP, groups.concat()),
                    ]);
                    // A section the engine skips: an unknown tag, or one format 6 shipped.
                    let skipped =
                        [*b"XTRA", SHIPPED_BEFORE_FORMAT_7[0], SHIPPED_BEFORE_FORMAT_7[1], SHIPPED_BEFORE_FORMAT_7[2]];
                    sections.push((skipped[extra_tag.index(skipped.len())], extra_section));
                    if let Some((which, bytes)) = junk {
                        // Junk in place of one search section.
                        let tag = SEARCH_TAGS[which.index(SEARCH_TAGS.len())];
                        sections = replaced(sections, tag, bytes);
                    }
                    if reorder {
                        sections.reverse();
                    }
                    assemble(&sections)
                },
            )
    })
}
