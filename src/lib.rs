//! tongxunlu (通讯录): a contact-directory engine for Chinese organisations.
//!
//! The pieces, in the order data flows through them:
//!
//! - [`model`]: the directory file (SPEC §2.1) — departments, members, public groups, field
//!   policy — parsed and validated with errors that name the record and the field.
//! - [`visibility`]: what one viewer may see (SPEC §3). Runs where the whole directory is known.
//! - [`snapshot`]: the compact binary a viewer's page receives (SPEC §8) — built natively from a
//!   [`visibility::View`], opened anywhere (natively and in WebAssembly) without parsing it.
//! - [`sample`]: a deterministic, realistic synthetic directory for the demo, tests and benchmarks.
//! - `roster` (feature `roster`): the batch-import template (.xlsx/.csv) in and out, with
//!   per-row errors, and WeChat Work's contact API data in (SPEC §7).
//! - [`text`]: normalisation of names and queries (both sides), and readings (pinyin) of names
//!   (builder only).
//! - [`card`]: a member's business card from a snapshot — vCard 3.0, MECARD and their QR code
//!   (SPEC §5); compiled everywhere, since the page makes cards offline.
//! - `token` (feature `serve`): the signed viewer tokens `tongxunlu serve` checks.
//! - `wasm` (feature `wasm`): the JavaScript facade.
//!
//! Features: `builder` (model, visibility, snapshot building, sample) and `cli` are native only;
//! the browser build is `--no-default-features --features wasm` and carries only the opener.

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
