#!/usr/bin/env bash
# Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/ (git-ignored). Snapshot
# opener: valid snapshots built from small directories, hostile but well-framed ones, and edge
# cases, from the ignored test `write_fuzz_seed_corpus` in tests/snapshot_robustness.rs, so the
# seeds come from the same fixtures as the property tests.
set -euo pipefail
cd "$(dirname "$0")/.."
TONGXUNLU_FUZZ_CORPUS="$PWD/fuzz/corpus" cargo test --no-default-features --features builder \
  --test snapshot_robustness write_fuzz_seed_corpus -- --ignored --nocapture
# The roster importer's targets (import_csv, import_xlsx, import_xlsx_cells).
TONGXUNLU_FUZZ_CORPUS="$PWD/fuzz/corpus" cargo test --test roster_fuzz_seeds -- --ignored --nocapture
