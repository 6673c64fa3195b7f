#!/usr/bin/env bash
# Coverage-guided fuzzing of the scenario and municipality-CSV loaders with libFuzzer, on stable Rust (no
# cargo-fuzz, which needs nightly): rustc's SanitizerCoverage pass instruments the code, libfuzzer-sys links
# libFuzzer. Usage: scripts/fuzz.sh [SECONDS] (default 60). Findings go to fuzz/artifacts/, the growing corpus
# to fuzz/corpus/ (both ignored by git). Exit status 0 when the time ran out without a finding.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"

export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps RUSTFLAGS off the build scripts, which must not be instrumented.
host="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --bin loaders --target "$host"

mkdir -p corpus artifacts
# Seeds: the shipped scenarios, the test fixtures and the bad-input corpus (each a scenario; see the target for
# how an input carries a CSV), plus a scenario that reads a CSV from the same input.
for file in ../scenarios/*.toml ../tests/fixtures/*.toml ../tests/corpus/*.toml seeds/*; do
    [ -f "$file" ] && cp "$file" "corpus/seed-$(basename "$file")"
done

"./target/$host/release/loaders" corpus -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
    -timeout=10 -artifact_prefix=artifacts/ -print_final_stats=1
