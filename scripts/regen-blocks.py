#!/usr/bin/env python3
"""Regenerates the example outputs in README.md and docs/*.md from real runs of the release binary.

    scripts/regen-blocks.py [FILE.md ...]

A fenced block is regenerated when the line before its opening fence is a marker:

    <!-- regen: backlog simulate scenarios/cph2020.toml -->
    <!-- regen stderr: backlog sweep scenarios/cph2020.toml --target "days_to_clear<=30" --reps 20 -->
    <!-- regen exit=2: backlog validate scenarios/broken.toml 2>&1 -->

The command runs in bash from the repository root, with `backlog` standing for target/release/backlog (build it
first: scripts/regen-docs.sh does), so pipes such as `| head -N` abbreviate an output. The block's content is
replaced by the command's stdout; stderr is discarded, unless the marker says `stderr`: then stderr is shown
with stdout (stderr's lines first, as a terminal shows them when stdout is not a terminal), less the progress
lines of long runs (`check: 48/120 runs (40%) after 1.9 s`), which depend on the machine's speed. The command
must exit 0, or with the status the marker's `exit=N` gives. Files are rewritten only where a block changed.
"""

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = re.compile(r"^<!-- regen(?P<opts>(?: [a-z]+(?:=\S+)?)*): (?P<cmd>.*) -->$")
PROGRESS = re.compile(r"^\S+: \d+/\d+ runs \(\d+%\) after ")


def run(cmd, opts, bindir, where):
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
    done = subprocess.run(
        ["bash", "-c", cmd], cwd=ROOT, env=env, capture_output=True, text=True
    )
    expected = int(opts.get("exit", "0"))
    if done.returncode != expected:
        sys.exit(
            f"regen-blocks: {where}: `{cmd}` exited {done.returncode}, not {expected}\n{done.stderr}"
        )
    out = done.stdout
    if "stderr" in opts:
        err = [line for line in done.stderr.splitlines() if not PROGRESS.match(line)]
        out = "".join(line + "\n" for line in err) + out
    if not out.strip():
        sys.exit(f"regen-blocks: {where}: `{cmd}` printed nothing")
    return out.rstrip("\n") + "\n"


def regen(path, bindir):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    result, i, count = [], 0, 0
    while i < len(lines):
        line = lines[i]
        result.append(line)
        i += 1
        m = MARKER.match(line)
        if not m:
            continue
        where = f"{os.path.relpath(path, ROOT)}:{i}"
        if i >= len(lines) or not lines[i].startswith("```"):
            sys.exit(f"regen-blocks: {where}: the marker is not followed by a fenced block")
        fence = lines[i]
        end = i + 1
        while end < len(lines) and lines[end] != "```":
            end += 1
        if end == len(lines):
            sys.exit(f"regen-blocks: {where}: the fenced block is not closed")
        opts = dict(
            (o.split("=", 1) + [""])[:2] for o in m.group("opts").split()
        )
        print(f"regen-blocks: {where}: {m.group('cmd')}", file=sys.stderr)
        out = run(m.group("cmd"), opts, bindir, where)
        result.append(fence)
        result.extend(out.rstrip("\n").split("\n"))
        result.append("```")
        i = end + 1
        count += 1
    text = "\n".join(result)
    with open(path, encoding="utf-8") as f:
        old = f.read()
    if text != old:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return count, text != old


def main():
    binary = os.path.join(ROOT, "target", "release", "backlog")
    if not os.access(binary, os.X_OK):
        sys.exit("regen-blocks: no target/release/backlog: run `cargo build --release` first")
    files = sys.argv[1:] or ["README.md"] + sorted(
        os.path.join("docs", f) for f in os.listdir(os.path.join(ROOT, "docs")) if f.endswith(".md")
    )
    with tempfile.TemporaryDirectory() as bindir:
        os.symlink(binary, os.path.join(bindir, "backlog"))
        total = 0
        for name in files:
            count, changed = regen(os.path.join(ROOT, name), bindir)
            total += count
            if count:
                print(
                    f"regen-blocks: {name}: {count} block(s), {'changed' if changed else 'unchanged'}",
                    file=sys.stderr,
                )
    print(f"regen-blocks: {total} block(s) regenerated", file=sys.stderr)


if __name__ == "__main__":
    main()
