//! The roster (docs/roster.md): importing the batch-import template and WeChat Work's data, exporting
//! it again and the round trip between the two, the `import` and `export` commands, and the
//! seed corpus of the roster's fuzz targets.

mod cli;
mod export;
mod fuzz_seeds;
mod import;
