# tongxunlu — build, demo and test entry points.
#
#   make demo         build the CLI and the page's package, generate the sample directory, serve it
#   make test         cargo test + Node tests of the wasm build + browser tests in headless Chromium
#   make help         list the targets
#
# Everything that is missing (the wasm target, wasm-bindgen's CLI, Debian's chromium, node_modules)
# is installed on first use; later runs only rebuild what changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

# ---- settings ---------------------------------------------------------------------------------

CARGO      ?= cargo
NODE       ?= node
NPM        ?= npm
HOST       ?= 127.0.0.1
PORT       ?= 8080
MEMBERS    ?= 5000
SEED       ?= 1
VIEWER     ?= exec001
CHROMIUM   ?= /usr/bin/chromium
WASM_TARGET := wasm32-unknown-unknown

# cargo install puts cargo-fuzz here; make sure it is found even where ~/.cargo/bin is not on PATH.
CARGO_HOME ?= $(HOME)/.cargo
export PATH := $(CARGO_HOME)/bin:$(PATH)

# wasm-bindgen's CLI, built from this repository's Cargo.lock (tools/wasm-bindgen), so that it
# matches the wasm-bindgen crate exactly and every one of its dependencies is pinned.
WASM_BINDGEN := target/tool/tongxunlu-wasm-bindgen

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The two wasm builds use separate target dirs: both would otherwise write the same
# target/wasm32-unknown-unknown/release/tongxunlu.wasm and rebuild each other every time.
WEB_TARGET_DIR  := target/wasm-web
NODE_TARGET_DIR := target/wasm-node
# Both with the release profile. A size-tuned profile for the browser build was measured and
# left out: after wasm-opt -Oz, opt-level "s" saves 5 KB gzipped and "z" 14 KB, but searching
# takes 1.5× and 2.3× as long (50,000 members); opt-level 3 keeps the build under its budget.
WEB_WASM  := $(WEB_TARGET_DIR)/$(WASM_TARGET)/release/tongxunlu.wasm
NODE_WASM := $(NODE_TARGET_DIR)/$(WASM_TARGET)/release/tongxunlu.wasm
# wasm-opt (the npm binaryen package) levels; pkg-config/build.mjs passes the features the module uses.
WEB_WASM_OPT  := -Oz
NODE_WASM_OPT := -O3
PKG_BUILD := pkg-config/build.mjs
PKG_JSON  := pkg/package.json
# `make bench-js SIZES=5000` runs one size.
SIZES ?= 5000 50000 200000

CLI      := target/release/tongxunlu
WEB_PKG  := pkg/web/tongxunlu.js
NODE_PKG := pkg/node/tongxunlu.js
DEMO_DIR := target/demo
SAMPLE_JSON := $(DEMO_DIR)/sample.json
SAMPLE_TXL  := $(DEMO_DIR)/sample.txl
NODE_STAMP  := node_modules/.package-lock.json

RUST_SRCS := Cargo.toml Cargo.lock $(shell find src -name '*.rs' -o -name '*.d.ts' 2>/dev/null)

.PHONY: help tools tools-rust tools-node tools-chromium build wasm wasm-web wasm-node pkg sample \
        demo serve test lint test-rust test-node test-browser size bench bench-js bench-serve fuzz clean

help:
	@echo "tongxunlu — make targets:"
	@echo "  demo          build, generate the sample ($(MEMBERS) members) and serve the page on http://$(HOST):$(PORT)/"
	@echo "  test          the whole suite: lint, test-rust, test-node, test-browser"
	@echo "  lint          cargo fmt --check and cargo clippy with warnings as errors"
	@echo "  test-rust     cargo test (native)"
	@echo "  test-node     Node tests of the npm package (pkg/), types checked with tsc"
	@echo "  test-browser  the page in headless Chromium against tongxunlu serve (phone and PC viewports)"
	@echo "  build         native release build ($(CLI))"
	@echo "  wasm          both wasm builds: pkg/web (browser) and pkg/node (Node, with the builder)"
	@echo "  pkg           the npm package in pkg/: both builds, package.json, checked to load"
	@echo "  sample        the demo directory and snapshot in $(DEMO_DIR)/"
	@echo "  size          sizes of the package's files (browser and Node builds), raw and gzipped"
	@echo "  bench         cargo bench --bench snapshot"
	@echo "  bench-js      tongxunlu's wasm beside pinyin-match, pinyin-pro, Fuse.js, FlexSearch (SIZES=\"$(SIZES)\")"
	@echo "  bench-serve   tongxunlu serve under load: snapshots and files per second, latency, memory (SIZES=\"$(SIZES)\")"
	@echo "  fuzz          every fuzz target (snapshot opener, roster import), FUZZ_SECONDS=$(FUZZ_SECONDS) each (nightly, cargo-fuzz)"
	@echo "  tools         install what is missing (wasm target, wasm-bindgen's CLI, chromium + a CJK font, node_modules)"
	@echo "  clean         remove build outputs"
	@echo "variables: PORT=$(PORT) HOST=$(HOST) MEMBERS=$(MEMBERS) SEED=$(SEED) VIEWER=$(VIEWER)"

# ---- tools (idempotent) -----------------------------------------------------------------------

tools: tools-rust tools-node tools-chromium

tools-rust: $(WASM_BINDGEN)
	@if ! rustup target list --installed | grep -qx '$(WASM_TARGET)'; then \
	  echo "==> rustup target add $(WASM_TARGET)"; \
	  rustup target add $(WASM_TARGET); \
	fi

$(WASM_BINDGEN): Cargo.lock $(wildcard tools/wasm-bindgen/*) $(wildcard tools/wasm-bindgen/src/*)
	$(CARGO) build --locked --profile tool -p tongxunlu-wasm-bindgen
	@touch $@

tools-node: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v $(NODE) >/dev/null || { echo "error: node (20 or newer) is required" >&2; exit 1; }
	@echo "==> npm ci"
	$(NPM) ci --no-audit --no-fund
	@touch $@

# Debian's chromium for the browser tests, and a small CJK font so that the pages (and the
# screenshots the tests save) show Chinese text rather than empty boxes.
tools-chromium:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	{ command -v fc-list >/dev/null && fc-list :lang=zh family | grep -q .; } || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  echo "==> apt-get install$$missing"; \
	  $(SUDO) apt-get update; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

# ---- builds -----------------------------------------------------------------------------------

build: $(CLI)

$(CLI): $(RUST_SRCS)
	$(CARGO) build --release
	@touch $@

wasm: wasm-web wasm-node
wasm-web: $(WEB_PKG)
wasm-node: $(NODE_PKG)

$(WEB_PKG): $(RUST_SRCS) $(PKG_BUILD) | tools-rust tools-node
	CARGO_TARGET_DIR=$(WEB_TARGET_DIR) $(CARGO) build --release --target $(WASM_TARGET) --lib \
	  --no-default-features --features wasm
	rm -rf pkg/web
	$(WASM_BINDGEN) --target web --out-dir pkg/web $(WEB_WASM)
	$(NODE) $(PKG_BUILD) optimize pkg/web/tongxunlu_bg.wasm $(WEB_WASM_OPT)
	$(NODE) $(PKG_BUILD) strip-docs pkg/web/tongxunlu.js

$(NODE_PKG): $(RUST_SRCS) $(PKG_BUILD) | tools-rust tools-node
	CARGO_TARGET_DIR=$(NODE_TARGET_DIR) $(CARGO) build --release --target $(WASM_TARGET) --lib \
	  --no-default-features --features wasm,builder
	rm -rf pkg/node
	$(WASM_BINDGEN) --target nodejs --out-dir pkg/node $(NODE_WASM)
	$(NODE) $(PKG_BUILD) optimize pkg/node/tongxunlu_bg.wasm $(NODE_WASM_OPT)

pkg: $(PKG_JSON)

# The manifest last, then the check that both builds resolve through it, load and answer.
$(PKG_JSON): $(WEB_PKG) $(NODE_PKG) $(wildcard pkg-config/*) | tools-node
	$(NODE) $(PKG_BUILD) manifest
	$(NODE) $(PKG_BUILD) check

sample: $(SAMPLE_TXL)

$(SAMPLE_JSON): $(CLI)
	@mkdir -p $(DEMO_DIR)
	$(CLI) sample --members $(MEMBERS) --seed $(SEED) -o $@

$(SAMPLE_TXL): $(SAMPLE_JSON) $(CLI)
	$(CLI) snapshot $(SAMPLE_JSON) --viewer $(VIEWER) -o $@

# What each build ships (the wasm and its JS glue); the browser build's total is what a page loads.
size: $(PKG_JSON)
	@printf '%-28s %10s %10s\n' file bytes gzip-9
	@for build in web node; do \
	  total=0; gz_total=0; \
	  for f in pkg/$$build/tongxunlu_bg.wasm pkg/$$build/tongxunlu.js; do \
	    raw=$$(wc -c < $$f); gz=$$(gzip -9c $$f | wc -c); \
	    total=$$((total + raw)); gz_total=$$((gz_total + gz)); \
	    printf '%-28s %10d %10d\n' $$f $$raw $$gz; \
	  done; \
	  printf '%-28s %10d %10d\n' "$$build total" $$total $$gz_total; \
	done

# ---- demo -------------------------------------------------------------------------------------

# `tongxunlu serve` on its built-in sample — the directory `make sample` writes — with the demo
# sign-in (pick one of the sample's viewers; tokens signed with a random secret of the run's own).
# It prints the URL to open.
DEMO_SERVE = $(CLI) serve --members $(MEMBERS) --seed $(SEED) --demo --addr $(HOST):$(PORT)

demo: $(CLI) $(WEB_PKG) $(SAMPLE_JSON)
	@echo "==> serving the demo (Ctrl-C to stop)"
	$(DEMO_SERVE)

# Serve what is built, without rebuilding.
serve:
	$(DEMO_SERVE)

# ---- tests ------------------------------------------------------------------------------------

test: lint test-rust test-node test-browser

# Formatting and every clippy warning fail the suite, so that they never pile up.
lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --all-targets --locked -- -D warnings

test-rust:
	$(CARGO) test --locked

test-node: $(PKG_JSON) $(CLI) $(SAMPLE_TXL) tools-node
	$(NODE) --test --test-reporter=spec tests/node/*.test.mjs

# The page against `tongxunlu serve` on the sample directory: phone and PC, offline, viewers, and
# the time to first result on a 50,000-member sample (written to artifacts/first-result.json).
test-browser: $(WEB_PKG) $(CLI) $(SAMPLE_JSON) tools-node tools-chromium
	@mkdir -p artifacts
	CHROMIUM=$(CHROMIUM) $(NODE) --test --test-concurrency=1 --test-reporter=spec tests/browser/*.test.mjs

bench:
	$(CARGO) bench --bench snapshot

# The side-by-side benchmark (benches/js/bench.mjs): samples and snapshots in target/bench-js/,
# the results printed and written to target/bench-js/results.json. FlexSearch needs ~2 GB at 200k.
bench-js: $(PKG_JSON) $(CLI) tools-node
	$(NODE) --expose-gc --max-old-space-size=8192 benches/js/bench.mjs $(SIZES)

# `tongxunlu serve` under load (benches/js/serve.mjs): snapshots and files per second, a probe's
# latency while it is busy, memory; written to target/bench-js/serve.json.
bench-serve: $(CLI) $(WEB_PKG) tools-node
	$(NODE) benches/js/serve.mjs $(SIZES)

# Every fuzz target of fuzz/ for FUZZ_SECONDS each, on a freshly seeded corpus (needs nightly).
FUZZ_SECONDS ?= 300
FUZZ_TARGETS := open_snapshot_fixed_checksum open_snapshot apply_delta import_csv import_xlsx import_xlsx_cells

fuzz:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked || $(CARGO) install cargo-fuzz
	fuzz/seed.sh
	for target in $(FUZZ_TARGETS); do \
	  $(CARGO) +nightly fuzz run $$target -- -dict=fuzz/snapshot.dict -max_total_time=$(FUZZ_SECONDS); \
	done

clean:
	rm -rf pkg artifacts $(DEMO_DIR) $(WEB_TARGET_DIR) $(NODE_TARGET_DIR)
	$(CARGO) clean
