"""What the supervisor costs: ``course grade`` against plain ``pytest --impl``, memory, ``course check``.

Since issue 8 both rows run the code in worker processes (there is one route): the difference is
the supervisor (reading and staging the submission, writing the results).

Every row is a fresh process tree, TensorFlow's imports included, timed wall-clock; memory is
sampled every 100 ms, in one more run of each row that is not timed, over the whole tree (the ``course`` process, the trusted pytest and every
worker), as the sum of RSS (shared library pages counted once per process) and the sum of PSS
(each shared page split between the processes that map it: the memory really used).

Rows:
    pytest --impl          ``pytest --impl=solutions -m graded`` on the graded test files: the
                           baseline, without the supervisor
    course grade           ``course grade --submission solutions``: the same tests, isolated
    course check MODULE    ``course check MODULE`` on the stubs and on the references
                           (``--impl solutions``, every test runs to the end), after the same
                           module's tests under plain pytest for comparison
    TensorFlow import      ``python -c "import tensorflow, keras"``: what each process pays once

Prints a table and writes ``benchmarks/results/course_grading.{md,csv}``.

Usage::

    .venv/bin/python benchmarks/course_grading.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))

from grader.course.cli import graded_test_files, known_modules  # noqa: E402


def _tree(root_pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _memory(pids: list[int]) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in bytes."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return rss, pss


def measure(command: list[str], sample: bool) -> dict[str, float]:
    """Run ``command``: wall seconds and exit code; with ``sample``, the peak memory of its
    process tree too (sampling reads every process's page tables, which slows it: such runs
    are not timed)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    peak = {"rss": 0, "pss": 0, "processes": 0}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(child.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    while child.poll() is None:
        if sample:
            pids = _tree(child.pid)
            rss, pss = _memory(pids)
            peak = {"rss": max(peak["rss"], rss), "pss": max(peak["pss"], pss),
                    "processes": max(peak["processes"], len(pids))}
        time.sleep(0.1 if sample else 0.01)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the whole tree, once reaped
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    reader.join()
    text = b"".join(output).decode(errors="replace")
    return {"seconds": seconds, "cpu": cpu, "code": child.returncode, "rss": peak["rss"], "pss": peak["pss"],
            "processes": peak["processes"], "output": text}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    python = sys.executable
    files = [str(p) for p in graded_test_files()]
    modules = [m for m in known_modules() if (ROOT / "solutions" / f"{m}.py").is_file()]
    rows: list[tuple[str, list[str]]] = [
        ("TensorFlow import (one process)", [python, "-c", "import tensorflow, keras"]),
        ("pytest --impl=solutions", [python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                                "--impl=solutions", "-m", "graded", *files]),
        ("course grade --submission solutions", [python, "-m", "grader.course", "grade",
                                                 "--submission", "solutions"]),
    ]
    for module in modules:
        rows.append((f"pytest --task {module} --impl=solutions",
                     [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--impl=solutions", "-m", "graded",
                      f"--task={module}", *files]))
        rows.append((f"course check {module} (stubs)", [python, "-m", "grader.course", "check", module]))
        rows.append((f"course check {module} (references)", [python, "-m", "grader.course", "check", module,
                                                           "--impl", "solutions"]))
    load_before = os.getloadavg()[0]
    table = []
    for label, command in rows:
        runs = [measure(command, sample=False) for _ in range(args.repeat)]
        runs.append(measure(command, sample=True))
        seconds = statistics.median(r["seconds"] for r in runs[:-1])
        table.append({"what": label, "median_s": round(seconds, 2),
                      "cpu_s": round(statistics.median(r["cpu"] for r in runs[:-1]), 1),
                      "runs_s": " ".join(f"{r['seconds']:.1f}" for r in runs[:-1]),
                      "peak_rss_mib": round(max(r["rss"] for r in runs) / 2**20),
                      "peak_pss_mib": round(max(r["pss"] for r in runs) / 2**20),
                      "processes": max(r["processes"] for r in runs),
                      "exit": " ".join(str(r["code"]) for r in runs)})
        score = re.findall(r"(\d+/\d+) points", runs[-1]["output"])
        print(f"{label:<62} {seconds:6.1f} s  CPU {table[-1]['cpu_s']:6.1f} s  peak PSS {table[-1]['peak_pss_mib']:5} MiB  "
              f"RSS {table[-1]['peak_rss_mib']:5} MiB  {score[-1] if score else ''}", flush=True)
    baseline = table[1]["median_s"]
    ratio = table[2]["median_s"] / baseline
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / "course_grading.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    lines = [
        "# Isolated grading: time and memory", "",
        f"`{Path(sys.argv[0]).name}` on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {args.repeat} fresh runs per row, median wall time; peak memory "
        "of the whole process tree (course, the trusted pytest, every worker), sampled every 100 ms in "
        "one more, untimed run (reading page tables slows the processes). Load average (1 min) "
        f"{load_before:.1f} before and {os.getloadavg()[0]:.1f} after: other work on the machine "
        "inflates every figure alike.", "",
        "| what | median wall (s) | runs (s) | CPU, all processes (s) | peak PSS (MiB) | peak RSS sum (MiB) "
        "| processes | exit codes |",
        "|---|---:|---|---:|---:|---:|---:|---|",
        *(f"| {r['what']} | {r['median_s']} | {r['runs_s']} | {r['cpu_s']} | {r['peak_pss_mib']} | "
          f"{r['peak_rss_mib']} | {r['processes']} | {r['exit']} |" for r in table),
        "", f"`course grade` / `pytest --impl`: **{ratio:.2f}×** wall time, "
        f"{table[2]['cpu_s'] / table[1]['cpu_s']:.2f}× CPU time (target ≤ 1.3× once more modules exist).",
        "PSS counts each shared page (TensorFlow's libraries, mapped by every process) once in all; the",
        "RSS sum counts it once per process and overstates the memory in use.",
    ]
    (RESULTS / "course_grading.md").write_text("\n".join(lines) + "\n")
    print(f"\ncourse grade / pytest --impl: {ratio:.2f}x; wrote {RESULTS / 'course_grading.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
