#!/bin/sh
# What report.html adds to `remopt solve inputs/japan.toml` and to a
# 1,000-point sweep (issue 13: at most 20%). Runs the criterion bench
# benches/report_overhead.rs, then prints, per case, the median time of the
# whole command's work in memory, of report.html alone, and the share
# report.html adds: html / (whole - html); for the Japan solve also the
# same work without the page, timed directly: with / without - 1.
#
# Then times the whole command `remopt solve inputs/japan.toml --quiet`,
# 400 runs each of this build and of one built without the page
# (`--features bench-without-report-html`), alternating, and prints the
# medians and what the page adds to the command, and the page with the
# workbook (`--xlsx`). Both binaries are copies made the same way: the very
# same binary starts about 0.7 ms slower (548 page faults against 487) from
# the file the linker wrote than from a copy of it, which once made the
# page look as if it added 26%.
#
# Usage: benches/report_overhead.sh [criterion arguments]
set -eu
cd "$(dirname "$0")/.."
cargo bench --bench report_overhead -- "$@"
cargo build --release --quiet --features bench-without-report-html
cp target/release/remopt target/remopt-without-report-html
cargo build --release --quiet
cp target/release/remopt target/remopt-with-report-html
python3 - <<'PY'
import json, pathlib

medians = {}
for path in pathlib.Path("target/criterion").glob("report-overhead-*/*/new/benchmark.json"):
    bench = json.loads(path.read_text())
    estimates = json.loads((path.parent / "estimates.json").read_text())
    medians[(bench["group_id"], bench["function_id"])] = estimates["median"]["point_estimate"]

cases = [
    ("remopt solve inputs/japan.toml, in memory", "report-overhead-japan", "whole solve", "report.html alone"),
    ("remopt solve inputs/japan.toml, written", "report-overhead-japan", "whole solve, files written", "report.html alone"),
]
for label in ["grid of 40 x 25", "Monte Carlo of 1000 draws"]:
    cases.append((f"sweep, {label}", "report-overhead-sweep", f"{label}: whole sweep", f"{label}: report.html alone"))

for what, with_id, without_id in [
    ("in memory", "whole solve", "whole solve without report.html"),
    ("files written", "whole solve, files written", "whole solve without report.html, files written"),
]:
    with_page = medians.get(("report-overhead-japan", with_id))
    without_page = medians.get(("report-overhead-japan", without_id))
    if with_page and without_page:
        print(f"remopt solve inputs/japan.toml, {what}: {with_page / 1e6:.3f} ms with report.html, "
              f"{without_page / 1e6:.3f} ms without: adds {100 * (with_page / without_page - 1):.1f}%")
print(f"{'case':<48} {'whole':>12} {'report.html':>12} {'adds':>7}")
for label, group, whole, html in cases:
    w, h = medians.get((group, whole)), medians.get((group, html))
    if w is None or h is None:
        print(f"{label:<48} not measured")
        continue
    share = h / (w - h)
    print(f"{label:<48} {w / 1e6:>9.3f} ms {h / 1e6:>9.3f} ms {100 * share:>6.1f}%")
PY
python3 - <<'PY'
import os, statistics, tempfile, time

def run(binary, out, *extra):
    start = time.perf_counter()
    args = [binary, "solve", "inputs/japan.toml", "--quiet", "--out", out, *extra]
    pid = os.posix_spawn(binary, args, os.environ)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, binary
    return time.perf_counter() - start

cases = {
    "with report.html": ("target/remopt-with-report-html",),
    "with report.html and plan.xlsx (--xlsx)": ("target/remopt-with-report-html", "--xlsx"),
    "without": ("target/remopt-without-report-html",),
}
with tempfile.TemporaryDirectory(dir="target") as folder:
    times = {k: [] for k in cases}
    for _ in range(400):
        for k, (binary, *extra) in cases.items():
            times[k].append(run(binary, f"{folder}/out", *extra))
without = statistics.median(times["without"])
print("the command remopt solve inputs/japan.toml --quiet (medians of 400 runs, alternating):")
for k in cases:
    median = statistics.median(times[k])
    print(f"  {k:<42} {1e3 * median:.2f} ms: {100 * (median / without - 1):+.1f}%")
PY
