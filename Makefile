# livedash: `make run` serves the dashboard, `make test` runs every test.
# Both install what is missing first; a second run skips what is already there.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.6
BINARYEN_VERSION := 132.0.0
# The CLI must match the wasm-bindgen crate exactly, so its version is read from Cargo.lock.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' Cargo.lock)
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH
# Where `cargo install` puts the tools (CARGO_HOME, as cargo itself reads it).
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
# memory-serve reports each embedded file as a cargo warning; the binary logs them at start.
export MEMORY_SERVE_QUIET := 1

# apt-get needs root; use sudo when not root and it is available.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: help run dist dev test bench bench-browser end2end playwright screenshot setup setup-build setup-test \
        wasm-target cargo-leptos wasm-bindgen-cli wasm-opt chromium engines end2end-deps

help:
	@echo "make run         install what is missing, build the release binary (make dist), serve on http://127.0.0.1:3000"
	@echo "make test        install what is missing, run every test (Rust, clippy, Playwright)"
	@echo "make dev         cargo leptos watch (rebuilds and reloads on change)"
	@echo "make dist        build target/dist/livedash: one binary with the site inside"
	@echo "make bench       the load generator against the release binary, and the hot-path benchmarks"
	@echo "make end2end     the Playwright suite against make dist's binary"
	@echo "make bench-browser  the ticker's frame rate and the first load's size, in Chromium"
	@echo "make screenshot  copy the suite's latest screenshots into end2end/screenshots/"

run: dist
	target/dist/livedash

# The deployable binary, target/dist/livedash, with the site embedded (feature `embed`).
# Order matters: the frontend first, its bundle copied to target/dist/pkg (cargo-leptos
# empties target/site before every build, the server-only one too), then the server,
# whose build script embeds the copy LIVEDASH_EMBED_PKG names (see build.rs). Only
# changed files are copied, so an unchanged bundle keeps its file times and cargo does
# not rebuild the server for nothing; type declarations are not served, so not copied.
DIST_PKG := $(CURDIR)/target/dist/pkg
dist: setup-build
	cargo leptos build --release --frontend-only
	@# cargo-leptos runs one -Oz pass; repeating the passes until nothing shrinks takes ~1.3 KB
	@# more off the brotli first load (README "Performance").
	wasm-opt -Oz --converge target/site/pkg/livedash.wasm -o target/site/pkg/livedash.wasm
	@mkdir -p $(DIST_PKG)
	@cd target/site/pkg && find . -type f ! -name '*.d.ts' | while read -r f; do \
	  mkdir -p "$(DIST_PKG)/$$(dirname "$$f")"; \
	  cmp -s "$$f" "$(DIST_PKG)/$$f" || cp "$$f" "$(DIST_PKG)/$$f"; done
	@cd $(DIST_PKG) && find . -type f | while read -r f; do \
	  [ -f "$(CURDIR)/target/site/pkg/$$f" ] || rm "$$f"; done
	LIVEDASH_EMBED_PKG=$(DIST_PKG) cargo leptos build --release --server-only --bin-features ssr --bin-features embed
	cp target/release/livedash target/dist/livedash
	@echo "target/dist/livedash: $$(stat -c %s target/dist/livedash) bytes, runs alone (serve --help for its flags)"

dev: setup-build
	cargo leptos watch

# The server and the wasm are each built once in release (make dist), and Playwright runs
# against that binary: what ships is what is tested, and nothing is built twice.
# (`cargo test` skips the examples: clippy's --all-targets checks them, and the load
# generator is built for `make bench`.)
test: setup-build setup-test
	cargo fmt --check
	cargo test --features ssr --lib --tests
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings
	# The deployable binary, then its lints: the embedded build needs the bundle (see dist).
	@$(MAKE) --no-print-directory dist
	LIVEDASH_EMBED_PKG=$(DIST_PKG) cargo clippy --features embed -- -D warnings
	@$(MAKE) --no-print-directory playwright

# Benchmarks, never part of `make test` (README "Performance"): the load generator
# (examples/loadgen/) against the release binary: fan-out loaded and quiet (what Redis, or
# a commit to the data dir, adds to a publish), acknowledged publishes per second in memory
# and on disk, idle memory per stream, and a reconnect storm; then the criterion
# benchmarks of the hot paths (benches/hot_paths.rs).
LOADGEN := target/release/examples/loadgen --bin target/dist/livedash
bench: dist engines
	cargo build --release --features ssr --example loadgen
	@echo "== fan-out: 2,000 streams, 200 toasts/s; idle streams; reconnect storm =="
	$(LOADGEN)
	@echo "== quiet: 10 streams, 100 toasts/s (publish latency) =="
	$(LOADGEN) --sections fanout --streams 10 --rate 100
	cargo bench --features ssr --bench hot_paths

# The browser benchmark (end2end/bench/): the ticker's frame rate, long tasks and main-thread
# time at 100 and 500 quotes/s, and the first load's size, in Chromium against make dist.
bench-browser: dist chromium end2end-deps
	cd end2end && npx playwright test -c bench.config.ts

# Playwright against target/dist/livedash (end2end/playwright.config.ts starts it on
# 127.0.0.1:3000 as the shared server; tests that need their own start it on free ports).
end2end: dist setup-test
	@$(MAKE) --no-print-directory playwright

playwright:
	@if (exec 3<>/dev/tcp/127.0.0.1/3000) 2>/dev/null; then \
	  echo "127.0.0.1:3000 is already in use; stop that server first so the tests run against this build." >&2; exit 1; fi
	cd end2end && npx playwright test

screenshot:
	cp end2end/screenshots/latest/*.png end2end/screenshots/

setup: setup-build setup-test
setup-build: wasm-target cargo-leptos wasm-bindgen-cli wasm-opt
setup-test: chromium engines end2end-deps

wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown

# --locked: newer dependency versions need a newer rustc than this toolchain.
# Built unoptimised and without debug info (--debug): its optimised build took 21.5 of a
# fresh machine's 64 minutes, this one about 5, and a build tool spends its time waiting
# on cargo, not in its own code (README "Performance": the build times with each).
cargo-leptos:
	@[ "$$(cargo leptos --version 2>/dev/null)" = "cargo-leptos $(CARGO_LEPTOS_VERSION)" ] \
	  || CARGO_PROFILE_DEV_DEBUG=false \
	     cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --debug

# Without --locked: its lockfile names a crate version the registry no longer serves.
# Unoptimised like cargo-leptos: 40 s to build instead of 4 to 5 minutes.
wasm-bindgen-cli:
	@[ -n "$(WASM_BINDGEN_VERSION)" ] || { echo "wasm-bindgen not found in Cargo.lock" >&2; exit 1; }
	@[ "$$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $(WASM_BINDGEN_VERSION)" ] \
	  || CARGO_PROFILE_DEV_DEBUG=false \
	     cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --debug

# Release builds optimise the wasm with wasm-opt; npm's binaryen is current, Debian's is too old.
wasm-opt:
	@[ "$$(wasm-opt --version 2>/dev/null | grep -o 'version [0-9]*' | tr -dc 0-9)" -ge 120 ] 2>/dev/null \
	  || npm install -g --no-audit --no-fund binaryen@$(BINARYEN_VERSION)

chromium:
	@[ -x "$(CHROMIUM_PATH)" ] \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

# Redis and nginx for the scale-out tests, from Debian like Chromium. The tests start their
# own instances on free ports; the packages' system services are not used.
engines:
	@command -v redis-server >/dev/null && [ -x /usr/sbin/nginx ] \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y redis-server nginx; }

# Reinstalls only when package-lock.json differs from the one last installed.
end2end-deps:
	@cmp -s end2end/package-lock.json end2end/node_modules/.installed-lock.json \
	  || (cd end2end && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.installed-lock.json)
