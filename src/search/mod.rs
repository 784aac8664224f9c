//! Search: every way of finding a colleague (docs/search.md), answered from indexes the engine
//! derives from the snapshot rather than by scanning members.
//!
//! This is the index layer of a snapshot (see the module doc of [`crate::snapshot`]): it reads
//! the records layer through its accessors and adds nothing to it. `tables` opens the search
//! sections against the opened records, and a [`Searcher`] borrows both and answers every
//! query; [`Snapshot`](crate::snapshot::Snapshot), the facade, owns them and forwards to it.
//!
//! - `index`: the key families of the name index and its postings lists, and the builder that
//!   numbers keys and writes the lists;
//! - `keys`: the name index's keys in sorted order, searched by automaton as an fst would be;
//! - `names`: the name index and the A–Z bar's order, derived from the names' readings when
//!   first needed;
//! - `matcher`: the exact matching rule for one name — the definition candidates are checked
//!   against, and where highlights come from — and its fuzzy-pinyin widening. It depends on no
//!   other part of search;
//! - `automaton`: the bit-parallel automaton that walks reading keys ("zs" finds 张三): the
//!   matcher's rule as a machine, which depends on the matcher, never the other way;
//! - `typo`: one typo in a Latin query, as an automaton and as a rule for one name;
//! - `lookup`: members by account, WeChat id, e-mail and phone digits, derived from the records
//!   when a query first needs them;
//! - `phone`: how a number holds a query's digits — whole, at its end (尾号), at its start or
//!   inside — which is how phone matches rank;
//! - `tables`: the search sections of a snapshot (`READ`, `CHAR`, `WORD`), checked when it is
//!   opened, and what is derived from them;
//! - `engine`: the [`Searcher`]; gathering, ranking and describing results, a submodule each
//!   (the query forms, the ranking key and its table of ways, the top-k collector, the phases,
//!   postings algebra, highlighting);
//! - `closeness`: how close each member and department is to the viewer in the organisation,
//!   which ranks equal matches;
//! - `words`: queries of several words ("张伟 销售"), whose later words narrow the first's members;
//! - `sort`: the one sort the browser build's numbered things share, to carry one copy of it;
//! - `browse`: the A–Z bar, departments and breadcrumbs, `@` mentions, filters;
//! - `build` (builder only): writing the search sections and the members' static rank order;
//! - `queries` (builder only): the mixed query set the benchmarks, the recall tests and
//!   `tongxunlu queries` ask.
//!
//! The public API is the search methods of [`Snapshot`](crate::snapshot::Snapshot) (or of the
//! [`Searcher`] it hands out) and the types below. The matcher's rules (`align` and the rest) are public only with the
//! `internals` feature, for the integration tests, benchmarks and fuzz targets that check them
//! against independent oracles; they are not a stable API.

mod automaton;
mod browse;
#[cfg(feature = "builder")]
pub(crate) mod build;
mod closeness;
mod engine;
pub(crate) mod index;
mod keys;
mod lookup;
mod matcher;
mod names;
mod phone;
// Public, but not a stable API: `tongxunlu queries` (src/cli) prints it for the JavaScript
// benchmark, and the benchmarks and recall tests use it.
#[cfg(feature = "builder")]
#[doc(hidden)]
pub mod queries;
mod sort;
pub(crate) mod tables;
mod typo;
mod words;

pub use browse::{Filter, Initial, Mention};
pub use engine::{Field, Hit, ResultKind, SearchOptions, Searcher, Total, Totals, Way, COUNT_LIMIT};
#[cfg(feature = "internals")]
#[doc(hidden)]
pub use matcher::{align, align_fuzzy, align_text, Alignment, How, QueryUnit, Syllable};
#[cfg(feature = "internals")]
#[doc(hidden)]
pub use typo::typo_align;
