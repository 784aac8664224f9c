//! Search: every way of finding a colleague (SPEC §4), answered from an index inside the
//! snapshot rather than by scanning members.
//!
//! - [`index`]: the key families of the snapshot's fst and its postings lists;
//! - [`automaton`]: the bit-parallel automaton that walks reading keys ("zs" finds 张三);
//! - [`matcher`]: the exact matching rule for one name — the definition candidates are checked
//!   against, and where highlights come from;
//! - `tables`: the search sections of a snapshot, checked when it is opened;
//! - `engine`: gathering, ranking and describing results;
//! - `browse`: the A–Z bar, departments and breadcrumbs, `@` mentions, filters;
//! - `build` (builder only): writing the search sections.

mod automaton;
mod browse;
#[cfg(feature = "builder")]
pub(crate) mod build;
mod engine;
pub(crate) mod index;
mod matcher;
pub(crate) mod tables;

pub use browse::{Filter, Initial, Mention};
pub use engine::{Field, Hit, ResultKind, SearchOptions};
pub use matcher::{align, Alignment, How, QueryUnit, Syllable};
