#!/usr/bin/env bash
# Opens an HTML report of `backlog report` (or a page of `backlog allocate --report`) in headless Chromium, fails
# on any console message or broken element, and saves a screenshot.
#
#   scripts/check-report.sh REPORT.html [SCREENSHOT.png]
#
# The screenshot defaults to REPORT.png beside the report. Chromium comes from the distribution's packages; it is
# installed here when missing, which needs root (otherwise the script says so and stops). The page is opened
# with every host name unresolvable, so a report that tried to fetch anything would log an error and fail.
# Checks, on the DOM after the page's script has run:
#   - nothing was logged to the console (no error, no warning, no uncaught exception);
#   - the sorting script ran to its end (it marks the document with data-sortable = the number of tables);
#   - every chart figure holds an SVG with lines (or a map's shapes) in it; no img, link, iframe or external script is present.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 REPORT.html [SCREENSHOT.png]" >&2
    exit 2
fi
report=$1
screenshot=${2:-${report%.*}.png}
if [ ! -f "$report" ]; then
    echo "check-report: no such file: $report" >&2
    exit 2
fi

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "check-report: installing chromium from the distribution's packages" >&2
        apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
        browser=$(command -v chromium)
    else
        echo "check-report: Chromium is not installed; install it (as root: apt-get install -y chromium) and run again" >&2
        exit 2
    fi
fi

url="file://$(realpath "$report")"
profile=$(mktemp -d)
log=$(mktemp)
dom=$(mktemp)
trap 'rm -rf "$profile" "$log" "$dom"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --hide-scrollbars --user-data-dir="$profile" --host-resolver-rules="MAP * ~NOTFOUND"
    --enable-logging=stderr --v=0)

"$browser" "${flags[@]}" --dump-dom "$url" >"$dom" 2>"$log" || {
    echo "check-report: chromium failed on $report" >&2
    cat "$log" >&2
    exit 1
}

failures=0
fail() {
    echo "check-report: $*" >&2
    failures=$((failures + 1))
}

if grep -E 'CONSOLE|Uncaught|ERR_' "$log" >/dev/null; then
    fail "the page logged to the console:"
    grep -E 'CONSOLE|Uncaught|ERR_' "$log" >&2
fi
# Counts matches of a pattern in the DOM read as one line (0 when none).
count() { tr '\n' ' ' <"$dom" | grep -Eo "$1" | wc -l || true; }
tables=$(count '<table[^>]*class="sortable"')
if ! grep -q "data-sortable=\"$tables\"" "$dom"; then
    fail "the sorting script did not run to its end (expected data-sortable=\"$tables\" on <html>)"
fi
figures=$(count '<figure class="chart"')
svgs=$(count '<figure class="chart" id="[^"]*">[[:space:]]*<svg')
# A run report always has charts; an allocation page has its map only when the scenario's municipalities are on it.
if { [ "$figures" -eq 0 ] && ! grep -q 'id="table-allocation"' "$dom"; } || [ "$figures" -ne "$svgs" ]; then
    fail "$figures chart figures, $svgs of them with an SVG"
fi
# Charts draw lines; maps draw a shape per municipality.
if [ $(($(count '<polyline') + $(count '<path class="municipality"'))) -lt "$figures" ]; then
    fail "some charts have no lines"
fi
if grep -Eo '<(img|link|iframe|object|embed)[ >]|<script[^>]* src=' "$dom" >/dev/null; then
    fail "the report refers to outside resources:"
    grep -Eo '<(img|link|iframe|object|embed)[^>]*>|<script[^>]* src=[^>]*>' "$dom" >&2
fi
if [ "$failures" -gt 0 ]; then
    exit 1
fi

"$browser" "${flags[@]}" --screenshot="$(realpath -m "$screenshot")" --window-size=1280,1600 "$url" \
    >/dev/null 2>&1
test -s "$screenshot"
echo "check-report: $report: $figures charts, $tables sortable tables, no console messages; screenshot $screenshot"
