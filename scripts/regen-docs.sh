#!/usr/bin/env bash
# Regenerates every figure, image and example output shown in README.md and docs/, from real runs of the release
# binary.
#
#   scripts/regen-docs.sh
#
# Rewrites, in README.md and docs/*.md, every fenced output block marked on the line before it with
#   <!-- regen: backlog ARGS... -->
# by the stdout of that command (scripts/regen-blocks.py says how: `| head -N`, `stderr`, `exit=N`).
# Writes into docs/img/:
#   cph2020.svg/.png        simulate scenarios/cph2020.toml --plot
#   dk2020.svg/.png         simulate scenarios/dk2020.toml --reps 1 --plot
#   map-dk2020.png          simulate scenarios/dk2020.toml --map (backlog peak per caseworker)
#   allocate-dk2020.png     allocate scenarios/dk2020.toml --add 200 --from 2020-05-26 --map
#   compare.svg/.png        compare cph2020 and the three policy scenarios --plot
#   sweep-cph2020.svg/.png  sweep caseworkers 200..320 with the staffing target, --plot
#   report-cph2020.png      a screenshot of `backlog report scenarios/cph2020.toml`, opened and checked in
#                           headless Chromium by scripts/check-report.sh
# The charts' PNGs come from the binary itself (resvg with its bundled font); only the report screenshot needs a
# browser, which scripts/check-report.sh installs when it is missing (as root) or asks for.
# Every step must succeed; the first failure stops the script with its message, leaving the files it had not
# reached as they were.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
backlog=target/release/backlog
img=docs/img
mkdir -p "$img"

step() { echo "regen-docs: $*" >&2; }

step "example outputs in README.md and docs/"
python3 scripts/regen-blocks.py

step "København 2020 chart"
for ext in svg png; do
    "$backlog" simulate scenarios/cph2020.toml --plot "$img/cph2020.$ext" >/dev/null
done

step "Denmark 2020 chart (one replication)"
for ext in svg png; do
    "$backlog" simulate scenarios/dk2020.toml --reps 1 --plot "$img/dk2020.$ext" >/dev/null
done

step "Denmark 2020 maps"
"$backlog" simulate scenarios/dk2020.toml --map "$img/map-dk2020.png" >/dev/null
"$backlog" allocate scenarios/dk2020.toml --add 200 --from 2020-05-26 --objective overdue-days \
    --map "$img/allocate-dk2020.png" >/dev/null 2>&1

step "policy overlay"
for ext in svg png; do
    "$backlog" compare scenarios/cph2020.toml scenarios/policy-phone-counts.toml \
        scenarios/policy-differentiated-contact.toml scenarios/policy-meeting-cap.toml \
        --plot "$img/compare.$ext" >/dev/null
done

step "staffing sweep with the target (days_to_clear<=30 in 95 % of replications)"
for ext in svg png; do
    "$backlog" sweep scenarios/cph2020.toml --vary caseworkers=200..320:10 --reps 20 \
        --target "days_to_clear<=30" --confidence 0.95 --plot "$img/sweep-cph2020.$ext" \
        --out /dev/null 2>/dev/null
done

step "report screenshot"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$backlog" report scenarios/cph2020.toml --out "$work/report.html" >/dev/null
scripts/check-report.sh "$work/report.html" "$img/report-cph2020.png"

for file in cph2020 dk2020 compare sweep-cph2020; do
    test -s "$img/$file.svg" && test -s "$img/$file.png"
done
test -s "$img/report-cph2020.png"
test -s "$img/map-dk2020.png" && test -s "$img/allocate-dk2020.png"
step "done: $(ls "$img" | tr '\n' ' ')"
