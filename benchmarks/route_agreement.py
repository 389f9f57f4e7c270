"""The route that grades against the audit, mutant by mutant: do they agree?

The audit (``pytest --audit``) grades the references, fresh stubs and every mutant in worker
processes. This script writes each mutant's module file (:mod:`grader.mutants`, the very file
the audit's workers import), puts each in a submission folder of its own beside the references
and the fresh stubs, and grades them all with ``course grade --submissions`` as an instructor
would (as root: every worker under a user id of its own). Then, per mutant: the audit says
caught (some test of its function failed); ``course grade`` must give that function less than
its full points. The references must get full marks and the stubs none.

Prints a table and writes ``benchmarks/results/route_agreement.{md,csv}``.

Usage::

    .venv/bin/python benchmarks/route_agreement.py [-j 2]
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))

from grader import MUTANTS, mutants  # noqa: E402
from grader.course.cli import graded_test_files  # noqa: E402
from grader.stubgen import generate  # noqa: E402


def audit_missed() -> tuple[set[str], str]:
    """The mutants the audit did not catch (from its verdicts), and its summary line."""
    run = subprocess.run([sys.executable, "-m", "pytest", "--audit", "-q", "-p", "no:cacheprovider",
                          *map(str, graded_test_files())], cwd=ROOT, capture_output=True, text=True)
    missed = set(re.findall(r"^  (\S+:\S+) \(", run.stdout, re.MULTILINE))
    summary = next((line for line in run.stdout.splitlines() if line.startswith("audit:")), "audit: no summary")
    return missed, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    for path in graded_test_files():  # registers their mutants here too
        importlib.import_module(mutants.dotted_name(path))
    work = Path(tempfile.mkdtemp(prefix="route-agreement-"))
    submissions, out = work / "submissions", work / "graded"
    submissions.mkdir()
    shutil.copytree(ROOT / "solutions", submissions / "references")
    (submissions / "stubs").mkdir()
    for path, text in generate(ROOT / "solutions", submissions / "stubs").items():
        path.write_text(text)
    names = {}
    for number, (key, mutant) in enumerate(sorted(MUTANTS.items())):
        names[key] = f"mutant-{number:03d}"
        mutants.write_module(mutant, ROOT / "solutions", submissions / names[key])
    started = time.monotonic()
    graded = subprocess.run([sys.executable, "-m", "grader.course", "grade", "--submissions", str(submissions),
                             "--out", str(out), "-j", str(args.jobs), "--format", "json"],
                            cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if graded.returncode != 0:
        print(graded.stderr[-3000:], file=sys.stderr)

    def scores(name: str) -> dict[str, tuple[float, float]]:
        data = json.loads((out / name / "results.json").read_text())
        return {t["name"]: (t["score"], t["max_score"]) for t in data["tests"]}

    missed, summary = audit_missed()
    rows = []
    for key, name in names.items():
        task = MUTANTS[key].task
        got, full = scores(name).get(task, (0.0, 0.0))
        rows.append({"mutant": key, "audit": "passed" if key in missed else "caught",
                     "course grade": f"{got:g}/{full:g}", "grade caught": got < full,
                     "agree": (key not in missed) == (got < full)})
    references, stubs = scores("references"), scores("stubs")
    disagree = [row for row in rows if not row["agree"]]
    lines = [
        "# The route that grades against the audit, mutant by mutant",
        "",
        f"`{summary}` (`pytest --audit`); `course grade --submissions` over {len(rows) + 2} submission "
        f"folders with `-j {args.jobs}` in {seconds:.0f} s.",
        "",
        "| | count |",
        "|---|---|",
        f"| mutants | {len(rows)} |",
        f"| caught by the audit | {sum(r['audit'] == 'caught' for r in rows)} |",
        f"| caught by course grade (the function below full points) | {sum(r['grade caught'] for r in rows)} |",
        f"| **mutants on which the two routes disagree** | **{len(disagree)}** |",
        f"| references: functions at full points | {sum(g == f for g, f in references.values())} of {len(references)} |",
        f"| fresh stubs: functions above 0 | {sum(g > 0 for g, _ in stubs.values())} of {len(stubs)} |",
        "",
        "Command: `.venv/bin/python benchmarks/route_agreement.py`. Per mutant: "
        "[route_agreement.csv](route_agreement.csv).",
    ]
    if disagree:
        lines += ["", "Disagreements:", *(f"- {r['mutant']}: audit {r['audit']}, course grade {r['course grade']}"
                                         for r in disagree)]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "route_agreement.md").write_text(text)
    with open(RESULTS / "route_agreement.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    shutil.rmtree(work, ignore_errors=True)
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
