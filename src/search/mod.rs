//! Search: every way of finding a colleague (SPEC §4), answered from an index inside the
//! snapshot rather than by scanning members.
//!
//! - [`index`]: the key families of the snapshot's fst and its postings lists;
//! - [`automaton`]: the bit-parallel automaton that walks reading keys ("zs" finds 张三);
//! - [`matcher`]: the exact matching rule for one name — the definition candidates are checked
//!   against, and where highlights come from — and its fuzzy-pinyin widening;
//! - [`typo`]: one typo in a Latin query, as an automaton and as a rule for one name;
//! - `tables`: the search sections of a snapshot, checked when it is opened;
//! - `engine`: gathering, ranking and describing results;
//! - `browse`: the A–Z bar, departments and breadcrumbs, `@` mentions, filters;
//! - `build` (builder only): writing the search sections;
//! - [`queries`] (builder only): the mixed query set the benchmarks and recall tests ask.

mod automaton;
mod browse;
#[cfg(feature = "builder")]
pub(crate) mod build;
mod engine;
pub(crate) mod index;
mod matcher;
#[cfg(feature = "builder")]
pub mod queries;
pub(crate) mod tables;
mod typo;

pub use browse::{Filter, Initial, Mention};
pub use engine::{Field, Hit, ResultKind, SearchOptions, Way};
pub use matcher::{align, align_fuzzy, align_text, Alignment, How, QueryUnit, Syllable};
pub use typo::typo_align;
