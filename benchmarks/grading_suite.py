"""Time the graded suite on the reference solutions, one exercise at a time and all together.

Each row is a fresh ``python -m pytest --impl=solutions`` process, so TensorFlow's import is
included, as it is for a student or a grader. Prints a table and writes
``benchmarks/results/grading_suite.{md,csv}``.

Usage::

    .venv/bin/python benchmarks/grading_suite.py [--repeat 3] [--target 60]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))
from grader.course.cli import known_modules  # noqa: E402  (the modules, in course order)

MODULES = tuple(m for m in known_modules() if (ROOT / "solutions" / f"{m}.py").is_file())


def run_suite(modules: tuple[str, ...]) -> tuple[float, int, int]:
    """Run the graded tests of ``modules`` on the references; return (seconds, passed, failed)."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--impl=solutions"]
    for module in modules:
        command += ["--task", module]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed)", done.stdout)}
    return seconds, counts.get("passed", 0), counts.get("failed", 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the median is reported")
    parser.add_argument("--target", type=float, default=60.0, help="seconds allowed for the whole suite")
    args = parser.parse_args(argv)
    rows = []
    for label, modules in [*((m, (m,)) for m in MODULES), (f"all {len(MODULES)} modules", MODULES)]:
        runs = [run_suite(modules) for _ in range(args.repeat)]
        seconds = statistics.median(r[0] for r in runs)
        rows.append({"suite": label, "median_s": round(seconds, 2), "min_s": round(min(r[0] for r in runs), 2),
                     "tests_passed": runs[-1][1], "tests_failed": runs[-1][2]})
        print(f"{label:<24} {seconds:7.2f} s  ({runs[-1][1]} passed, {runs[-1][2]} failed)", file=sys.stderr)
    total = rows[-1]["median_s"]
    verdict = "met" if total <= args.target and rows[-1]["tests_failed"] == 0 else "NOT met"
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        "# Graded suite on the reference solutions",
        "",
        f"Machine: {machine}. Each run is a fresh `pytest --impl=solutions` process (TensorFlow's "
        f"import included); median of {args.repeat} runs.",
        "",
        "| suite | median (s) | min (s) | tests passed | tests failed |",
        "|---|---:|---:|---:|---:|",
        *(f"| {r['suite']} | {r['median_s']} | {r['min_s']} | {r['tests_passed']} | {r['tests_failed']} |"
          for r in rows),
        "",
        f"Target: the whole suite under {args.target:g} s: **{verdict}** ({total} s).",
        "",
        "Reproduce: `.venv/bin/python benchmarks/grading_suite.py` (or `make bench`).",
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "grading_suite.md").write_text("\n".join(lines) + "\n")
    with open(RESULTS / "grading_suite.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print("\n".join(lines))
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
