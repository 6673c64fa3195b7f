#!/usr/bin/env bash
# Regenerates the golden results under tests/golden/ from the current code, on purpose:
#
#   scripts/bless-golden.sh
#
# Then review `git diff tests/golden` and say in the commit which numbers moved and why. The test
# `golden` (tests/cli/golden.rs) compares against these files on every `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKLOG_BLESS=1 cargo test --quiet --test cli golden
git status --short tests/golden
