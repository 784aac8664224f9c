//! tongxunlu (通讯录): a contact-directory engine for Chinese organisations.
//!
//! The pieces, in the order data flows through them:
//!
//! - [`model`] (feature `builder`): the directory file (docs/directory-file.md) — departments, members,
//!   public groups, field policy — parsed and validated with errors that name the record and
//!   the field.
//! - [`fields`]: the member attributes (gender, the text fields) that the directory file and
//!   the snapshot both speak of.
//! - [`visibility`] (feature `builder`): what one viewer may see (docs/visibility.md). Runs where the whole
//!   directory is known.
//! - [`snapshot`]: the compact binary a viewer's page receives (docs/snapshot.md) — built natively from a
//!   [`visibility::View`], opened anywhere (natively and in WebAssembly) without parsing it,
//!   optionally signed (Ed25519) so that a page opens only what its server built; and
//!   [`snapshot::delta`], the patch that brings a page's copy up to date by difference.
//! - [`search`]: every way of finding a colleague in an opened snapshot (docs/search.md) — names,
//!   pinyin, initials, fuzzy pinyin, typos, accounts, phone digits — ranked, with highlights;
//!   and the A–Z bar, browsing, `@` mentions and filters. It is the snapshot's index layer: it
//!   reads the snapshot's records and never the other way; [`snapshot::Snapshot`] composes the
//!   two.
//! - [`text`]: normalisation of names and queries (both sides), and readings (pinyin) of names
//!   (builder only).
//! - [`card`]: a member's business card from a snapshot — vCard 3.0, MECARD and their QR code
//!   (docs/card.md); compiled everywhere, since the page makes cards offline.
//! - [`sample`] (feature `builder`): a deterministic, realistic synthetic directory for the
//!   demo, tests and benchmarks.
//! - `roster` (feature `roster`): the batch-import template (.xlsx/.csv) in and out, with
//!   per-row errors, and WeChat Work's contact API data in (docs/roster.md).
//! - `token` (feature `serve`): the signed viewer tokens `tongxunlu serve` checks.
//! - `wasm` (feature `wasm`): the JavaScript facade.
//!
//! Features: `builder` (model, visibility, snapshot building, sample) and `cli` are native only;
//! the browser build is `--no-default-features --features wasm` and carries only the opener.
//! `internals` makes public what only the integration tests, benchmarks and fuzz targets use
//! (the matcher's rules, a snapshot's index keys); it is not part of the API.
//!
//! # Errors
//!
//! Each fallible module has a small [`thiserror`](https://docs.rs/thiserror) enum
//! `<Thing>Error` — [`snapshot::SnapshotError`], for one — whose variants carry the fields
//! that say what went wrong and where (a section and record, a row and column, a field); its
//! `Display` is the one-line message the CLI and JavaScript show. No strings as errors.

#![deny(missing_docs)]

pub mod card;
pub mod fields;
#[cfg(feature = "builder")]
pub mod model;
#[cfg(feature = "roster")]
pub mod roster;
#[cfg(feature = "builder")]
pub mod sample;
pub mod search;
pub mod snapshot;
pub mod text;
#[cfg(feature = "serve")]
pub mod token;
#[cfg(feature = "builder")]
pub mod visibility;
#[cfg(feature = "wasm")]
mod wasm;
