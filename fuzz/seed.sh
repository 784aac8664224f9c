#!/usr/bin/env bash
# Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/ (git-ignored), from the
# ignored tests named `write_fuzz_seed_corpus` of the integration-test binary, so that the seeds
# come from the same fixtures as the property tests:
# - the snapshot opener's targets (tests/snapshot): valid snapshots built from small directories,
#   hostile but well-framed ones, and edge cases;
# - apply_delta (tests/snapshot/fuzz_seeds.rs): patches from its base snapshot to others;
# - the roster importer's targets, import_csv, import_xlsx and import_xlsx_cells (tests/roster).
set -euo pipefail
cd "$(dirname "$0")/.."
TONGXUNLU_FUZZ_CORPUS="$PWD/fuzz/corpus" cargo test --test integration write_fuzz_seed_corpus -- --ignored --nocapture
