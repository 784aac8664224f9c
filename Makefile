# tongxunlu — build, demo and test entry points.
#
#   make demo         build everything, generate the sample directory and snapshot, serve the page
#   make test         cargo test + Node tests of the wasm build + browser tests in headless Chromium
#   make help         list the targets
#
# Everything that is missing (the wasm target, wasm-bindgen-cli, Debian's chromium, node_modules)
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

# cargo install puts wasm-bindgen here; make sure it is found even where ~/.cargo/bin is not on PATH.
CARGO_HOME ?= $(HOME)/.cargo
export PATH := $(CARGO_HOME)/bin:$(PATH)

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock 2>/dev/null)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The two wasm builds use separate target dirs: both would otherwise write the same
# target/wasm32-unknown-unknown/release/tongxunlu.wasm and rebuild each other every time.
WEB_TARGET_DIR  := target/wasm-web
NODE_TARGET_DIR := target/wasm-node
WEB_WASM  := $(WEB_TARGET_DIR)/$(WASM_TARGET)/release/tongxunlu.wasm
NODE_WASM := $(NODE_TARGET_DIR)/$(WASM_TARGET)/release/tongxunlu.wasm

CLI      := target/release/tongxunlu
WEB_PKG  := pkg/web/tongxunlu.js
NODE_PKG := pkg/node/tongxunlu.js
DEMO_DIR := target/demo
SAMPLE_JSON := $(DEMO_DIR)/sample.json
SAMPLE_TXL  := $(DEMO_DIR)/sample.txl
NODE_STAMP  := node_modules/.package-lock.json

RUST_SRCS := Cargo.toml Cargo.lock $(shell find src -name '*.rs' 2>/dev/null)

.PHONY: help tools tools-rust tools-node tools-chromium build wasm wasm-web wasm-node sample \
        demo serve test test-rust test-node test-browser size bench fuzz clean

help:
	@echo "tongxunlu — make targets:"
	@echo "  demo          build, generate the sample ($(MEMBERS) members) and serve the page on http://$(HOST):$(PORT)/"
	@echo "  test          the whole suite: test-rust, test-node, test-browser"
	@echo "  test-rust     cargo test (native)"
	@echo "  test-node     Node tests of the wasm build (pkg/node)"
	@echo "  test-browser  the page in headless Chromium (phone and PC viewports)"
	@echo "  build         native release build ($(CLI))"
	@echo "  wasm          both wasm packages: pkg/web (browser) and pkg/node (Node, with the builder)"
	@echo "  sample        the demo directory and snapshot in $(DEMO_DIR)/"
	@echo "  size          size of the browser package, raw and gzipped"
	@echo "  bench         cargo bench --bench snapshot"
	@echo "  fuzz          every fuzz target (snapshot opener, roster import), FUZZ_SECONDS=$(FUZZ_SECONDS) each (nightly, cargo-fuzz)"
	@echo "  tools         install what is missing (wasm target, wasm-bindgen-cli, chromium + a CJK font, node_modules)"
	@echo "  clean         remove build outputs"
	@echo "variables: PORT=$(PORT) HOST=$(HOST) MEMBERS=$(MEMBERS) SEED=$(SEED) VIEWER=$(VIEWER)"

# ---- tools (idempotent) -----------------------------------------------------------------------

tools: tools-rust tools-node tools-chromium

tools-rust:
	@if ! rustup target list --installed | grep -qx '$(WASM_TARGET)'; then \
	  echo "==> rustup target add $(WASM_TARGET)"; \
	  rustup target add $(WASM_TARGET); \
	fi
	@want='$(WASM_BINDGEN_VERSION)'; \
	if [ -z "$$want" ]; then echo "error: cannot read the wasm-bindgen version from Cargo.lock" >&2; exit 1; fi; \
	have=$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}' || true); \
	if [ "$$have" != "$$want" ]; then \
	  echo "==> installing wasm-bindgen-cli $$want (found: $${have:-none})"; \
	  $(CARGO) install wasm-bindgen-cli --version "$$want" --locked \
	    || $(CARGO) install wasm-bindgen-cli --version "$$want"; \
	fi

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

$(WEB_PKG): $(RUST_SRCS) | tools-rust
	CARGO_TARGET_DIR=$(WEB_TARGET_DIR) $(CARGO) build --release --target $(WASM_TARGET) --lib \
	  --no-default-features --features wasm
	rm -rf pkg/web
	wasm-bindgen --target web --out-dir pkg/web $(WEB_WASM)

$(NODE_PKG): $(RUST_SRCS) | tools-rust
	CARGO_TARGET_DIR=$(NODE_TARGET_DIR) $(CARGO) build --release --target $(WASM_TARGET) --lib \
	  --no-default-features --features wasm,builder
	rm -rf pkg/node
	wasm-bindgen --target nodejs --out-dir pkg/node $(NODE_WASM)

sample: $(SAMPLE_TXL)

$(SAMPLE_JSON): $(CLI)
	@mkdir -p $(DEMO_DIR)
	$(CLI) sample --members $(MEMBERS) --seed $(SEED) -o $@

$(SAMPLE_TXL): $(SAMPLE_JSON) $(CLI)
	$(CLI) snapshot $(SAMPLE_JSON) --viewer $(VIEWER) -o $@

size: $(WEB_PKG)
	@printf '%-28s %10s %10s\n' file bytes gzip-9
	@total=0; gz_total=0; \
	for f in pkg/web/tongxunlu_bg.wasm pkg/web/tongxunlu.js; do \
	  raw=$$(wc -c < $$f); gz=$$(gzip -9c $$f | wc -c); \
	  total=$$((total + raw)); gz_total=$$((gz_total + gz)); \
	  printf '%-28s %10d %10d\n' $$f $$raw $$gz; \
	done; \
	printf '%-28s %10d %10d\n' total $$total $$gz_total

# ---- demo -------------------------------------------------------------------------------------

demo: $(WEB_PKG) $(SAMPLE_TXL)
	@$(MAKE) --no-print-directory size
	@echo "==> serving the demo; open the URL below (Ctrl-C to stop)"
	$(NODE) scripts/serve.mjs --host $(HOST) --port $(PORT)

# Serve what is built, without rebuilding.
serve:
	$(NODE) scripts/serve.mjs --host $(HOST) --port $(PORT)

# ---- tests ------------------------------------------------------------------------------------

test: test-rust test-node test-browser

test-rust:
	$(CARGO) test

test-node: $(NODE_PKG) $(CLI) $(SAMPLE_TXL) tools-node
	$(NODE) --test --test-reporter=spec tests/node/*.test.mjs

test-browser: $(WEB_PKG) $(CLI) $(SAMPLE_TXL) tools-node tools-chromium
	@mkdir -p artifacts
	CHROMIUM=$(CHROMIUM) $(NODE) --test --test-concurrency=1 --test-reporter=spec tests/browser/*.test.mjs

bench:
	$(CARGO) bench --bench snapshot

# Every fuzz target of fuzz/ for FUZZ_SECONDS each, on a freshly seeded corpus (needs nightly).
FUZZ_SECONDS ?= 300
FUZZ_TARGETS := open_snapshot_fixed_checksum open_snapshot import_csv import_xlsx import_xlsx_cells

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
