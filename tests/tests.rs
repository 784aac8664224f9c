//! The integration tests: one test binary (`cargo test --test integration`), as ripgrep and
//! regex-automata have it, so that the test dependencies are linked once and the helpers are
//! shared instead of copied into one binary per file.
//!
//! The modules follow `src/`: `card` tests src/card, `model` the directory file (src/model.rs),
//! `snapshot` src/snapshot, and so on; `card`, `roster`, `snapshot` and `visibility` are folders,
//! one file per idea. `util` holds the fixtures and helpers the modules share. Run one module
//! with a filter, e.g. `cargo test --test integration snapshot::`.
//!
//! The binary needs the `cli` feature (the default): it runs the built `tongxunlu` command and
//! tests the roster and `serve`.
//!
//! Property tests keep their proptest regressions beside their source file, as
//! `<file stem>.proptest-regressions`: proptest's default persistence looks for a `lib.rs` or
//! `main.rs` in the folders above the file, finds none, and writes next to the file. (So no file
//! here is called `lib.rs` or `main.rs`, and a `proptest!` block that moves takes its regressions
//! file along.)

mod card;
mod cli;
mod model;
mod privacy;
mod roster;
mod sample;
mod search;
mod serve;
mod snapshot;
mod text;
mod util;
mod visibility;
