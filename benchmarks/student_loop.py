"""How long a student waits: a save in ``course watch``, a cold ``course check`` of one function
and of one module, for every module.

Rows:
    watch, save to verdict   a real ``course watch MODULE --impl DIR`` process (ready: the warm
                             grader has imported everything); the function's body is written
                             into the file, alternately the reference's and the stub's; timed
                             from the write to the line that ends the verdict. A NumPy function
                             (c1w2_logistic_regression.sigmoid) and a Keras one
                             (c2w3_batch_norm.dense_bn_block, a layer the tests train)
    course check FUNCTION    a fresh ``course check MODULE.FUNCTION --impl solutions`` process
                             tree, TensorFlow's imports included, for the first graded function of
                             every module (course order)
    course check MODULE      the same for the whole module
    served check FUNCTION    ``course check MODULE.FUNCTION`` while a ``course serve`` runs (its
                             warm grader makes the check; the first one, waiting for the server's
                             imports, is left out)
    TensorFlow import        ``python -c "import tensorflow, keras"``: the floor of a cold check

Prints a table and writes ``benchmarks/results/student_loop.{md,csv}``.

Usage::

    .venv/bin/python benchmarks/student_loop.py [--repeat 5] [--modules c1w2_logistic_regression ...]
"""

from __future__ import annotations

import argparse
import ast
import csv
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))

from grader.course.cli import catalog, known_modules  # noqa: E402
from grader.stubgen import generate  # noqa: E402

WATCHED = (("NumPy", "c1w2_logistic_regression", "sigmoid"), ("Keras", "c2w3_batch_norm", "dense_bn_block"))
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")


def _function_source(text: str, name: str) -> str:
    lines = text.splitlines(keepends=True)
    node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == name)
    return "".join(lines[node.lineno - 1 : node.end_lineno])


def watch_seconds(module: str, function: str, saves: int) -> list[float]:
    """Seconds from each save to the end of its verdict, in a real ``course watch`` process."""
    folder = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    stubs = generate(ROOT / "solutions", folder)
    stub = stubs[folder / f"{module}.py"]
    path = folder / f"{module}.py"
    path.write_text(stub)
    reference = _function_source((ROOT / "solutions" / f"{module}.py").read_text(), function)
    solved = stub.replace(_function_source(stub, function), reference)
    watcher = subprocess.Popen([sys.executable, "-m", "grader.course", "watch", module, "--impl", str(folder)],
                               cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert watcher.stdout is not None

    def until(pattern: str) -> None:
        for line in watcher.stdout:
            if re.search(pattern, line):
                return
        raise RuntimeError(f"course watch stopped before {pattern!r}")

    seconds = []
    try:
        until("^Ready")
        for number in range(saves):
            time.sleep(1.0)  # a student types between two saves
            started = time.perf_counter()
            path.write_text(solved if number % 2 == 0 else stub)
            until(r"^(All checked functions pass|Next:)")
            seconds.append(time.perf_counter() - started)
    finally:
        watcher.terminate()
        watcher.wait(30)
        shutil.rmtree(folder, ignore_errors=True)
    return seconds


def wall(command: list[str], env: dict[str, str] = ENV) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="cold runs per row (the median is shown)")
    parser.add_argument("--saves", type=int, default=6, help="saves per watched function")
    parser.add_argument("--modules", nargs="*", default=None, help="default: every module")
    args = parser.parse_args(argv)
    tasks = catalog()
    modules = args.modules or known_modules()
    course = [sys.executable, "-m", "grader.course"]
    rows: list[dict[str, object]] = []

    def add(what: str, target: str, seconds: list[float]) -> None:
        row = {"row": what, "target": target, "runs": len(seconds), "median_s": round(statistics.median(seconds), 2),
               "max_s": round(max(seconds), 2)}
        rows.append(row)
        print(f"{what:<26} {target:<44} median {row['median_s']:>6.2f} s   max {row['max_s']:>6.2f} s", flush=True)

    add("TensorFlow import", "python -c 'import tensorflow, keras'",
        [wall([sys.executable, "-c", "import tensorflow, keras"]) for _ in range(args.repeat)])
    for kind, module, function in WATCHED:
        add(f"watch, save to verdict ({kind})", f"{module}.{function}", watch_seconds(module, function, args.saves))
    firsts = {module: next(t for t in tasks if t.startswith(module + ".")) for module in modules}
    for module, first in firsts.items():
        add("course check FUNCTION", first,
            [wall([*course, "check", "--cold", first, "--impl", "solutions"]) for _ in range(args.repeat)])
        add("course check MODULE", module,
            [wall([*course, "check", "--cold", module, "--impl", "solutions"]) for _ in range(args.repeat)])
    socket = Path(tempfile.mkdtemp(prefix="bench-serve-")) / "grader.sock"
    server = subprocess.Popen([*course, "serve", "--socket", str(socket)], cwd=ROOT, env=ENV,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = dict(ENV, COURSE_GRADER=str(socket))
    try:
        while not socket.exists():
            time.sleep(0.1)
        wall([*course, "check", next(iter(firsts.values())), "--impl", "solutions"], served)  # waits for its imports
        for module, first in firsts.items():
            add("served check FUNCTION", first,
                [wall([*course, "check", first, "--impl", "solutions"], served) for _ in range(args.repeat)])
    finally:
        server.terminate()
        server.wait(60)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / "student_loop.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    load = os.getloadavg()[0]
    lines = [f"# The student's loop: waits ({platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
             f"load {load:.2f} at the end; `benchmarks/student_loop.py --repeat {args.repeat}`)", "",
             "| row | target | runs | median s | max s |", "|---|---|---|---|---|"]
    lines += [f"| {r['row']} | {r['target']} | {r['runs']} | {r['median_s']} | {r['max_s']} |" for r in rows]
    (RESULTS / "student_loop.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS / 'student_loop.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
