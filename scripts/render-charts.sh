#!/usr/bin/env bash
# Draws the charts shown in the docs and renders them to PNG, so they can be looked at and shown in the README.
#
#   scripts/render-charts.sh            cph2020 and dk2020 charts and the policy compare overlay, into docs/img/
#   scripts/render-charts.sh FILE.svg   only render FILE.svg to FILE.png
#
# Rendering uses headless Chromium from the distribution's packages, installed here when missing (needs root).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    apt-get update
    apt-get install -y chromium
fi

# Renders one SVG to a PNG of the SVG's own size beside it.
render() {
    local svg=$1 png=${1%.svg}.png width height profile
    width=$(sed -n 's/^<svg width="\([0-9]*\)".*/\1/p' "$svg" | head -1)
    height=$(sed -n 's/^<svg width="[0-9]*" height="\([0-9]*\)".*/\1/p' "$svg" | head -1)
    if [ -z "$width" ] || [ -z "$height" ]; then
        echo "render-charts: cannot read the size of $svg" >&2
        return 1
    fi
    profile=$(mktemp -d)
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" \
        --screenshot="$(realpath -m "$png")" --window-size="$width,$height" \
        "file://$(realpath "$svg")" >/dev/null 2>&1
    rm -rf "$profile"
    test -s "$png"
    echo "rendered $png (${width}x${height})"
}

if [ $# -gt 0 ]; then
    for svg in "$@"; do render "$svg"; done
    exit 0
fi

cargo build --release --quiet
backlog=target/release/backlog
mkdir -p docs/img
"$backlog" simulate scenarios/cph2020.toml --plot docs/img/cph2020.svg >/dev/null
"$backlog" simulate scenarios/dk2020.toml --reps 1 --plot docs/img/dk2020.svg >/dev/null
"$backlog" compare scenarios/cph2020.toml scenarios/policy-phone-counts.toml \
    scenarios/policy-differentiated-contact.toml scenarios/policy-meeting-cap.toml \
    --plot docs/img/compare.svg >/dev/null
render docs/img/cph2020.svg
render docs/img/dk2020.svg
render docs/img/compare.svg
