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
//! - `wasm` (feature `wasm`): the JavaScript facade.
//!
//! Features: `builder` (model, visibility, snapshot building, sample) and `cli` are native only;
//! the browser build is `--no-default-features --features wasm` and carries only the opener.

pub mod fields;
#[cfg(feature = "builder")]
pub mod model;
#[cfg(feature = "builder")]
pub mod sample;
pub mod snapshot;
#[cfg(feature = "builder")]
pub mod visibility;
#[cfg(feature = "wasm")]
mod wasm;
