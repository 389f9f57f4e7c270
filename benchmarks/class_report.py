"""The class report on a synthetic class: submissions made of correct code and the suite's own mutants.

Each submission holds, for each chosen module, a copy of the reference (``solutions/M.py``) with
none, one or two of the suite's mutants planted in it as source edits (two always in different
functions). A mutant written as ``rewrite(ref, name, old, new)`` becomes such an edit: its factory
is called with the reference module while ``rewrite`` in its globals is a recorder that captures
``(name, old, new)``, and ``old -> new`` is then applied inside that function's source text in a
copy of the solution file. Mutants that are not one rewrite of their own function are left out.
One submission holds the stub of the last module (not attempted). Which submission holds what
is drawn with a fixed seed; a few mistakes are drawn much more often than the rest, as in a class.

The class is graded by ``course grade --submissions TMP --out TMP/graded -j N --task M ...``
through :func:`grader.course.cli.main`; the report's own Markdown is printed, and written, after
what each submission holds and how many planted mistakes the report recognised (a mistake in a
function that another graded function calls makes that one fail too, unrecognised), to
``benchmarks/results/class_report.md``, with the plot copied to ``class_report.png``.

Usage::

    .venv/bin/python benchmarks/class_report.py [--module M ...] [-j 2] [--seed 0]
"""

from __future__ import annotations

import argparse
import ast
import importlib
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))

from grader import MUTANTS, Mutant, split_task  # noqa: E402
from grader.course import cli  # noqa: E402
from grader.mutants import dotted_name, load_reference  # noqa: E402
from grader.stubgen import generate  # noqa: E402

DEFAULT_MODULES = ("c1w2_logistic_regression", "c1w3_shallow_network")
SUBMISSIONS = 12
MISTAKE_LINE = re.compile(r"^\d+\. \d+ % \((\d+) of \d+\) — (\S+): (.*)$")


class Edit(NamedTuple):
    """A mutant as an edit of the reference's source: ``old -> new`` inside function ``name``."""

    task: str
    description: str
    name: str
    old: str
    new: str


def as_edit(mutant: Mutant, reference: ModuleType) -> Edit | None:
    """The mutant as one source edit of its own function, or None if it is not one ``rewrite``."""
    calls: list[tuple[str, str, str]] = []
    built = object()

    def record(ref: ModuleType, name: str, old: str, new: str) -> Any:
        calls.append((name, old, new))
        return built

    namespace = mutant.factory.__globals__
    if "rewrite" not in namespace:
        return None
    original, namespace["rewrite"] = namespace["rewrite"], record
    try:
        returned = mutant.factory(reference)
    finally:
        namespace["rewrite"] = original
    if returned is not built or len(calls) != 1 or calls[0][0] != split_task(mutant.task)[1]:
        return None
    return Edit(mutant.task, mutant.description, *calls[0])


def apply_edit(source: str, edit: Edit) -> str:
    """``source`` (a module's text) with ``edit`` applied inside its top-level function ``edit.name``,
    every occurrence as :func:`grader.rewrite` does.

    Raises:
        ValueError: the function is not there, or does not hold ``edit.old``.
    """
    lines = source.splitlines(keepends=True)
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == edit.name:
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            function = "".join(lines[start:node.end_lineno])
            if edit.old not in function:
                raise ValueError(f"{edit.name} does not hold the text to edit. Received: old={edit.old!r}")
            return "".join(lines[:start]) + function.replace(edit.old, edit.new) + "".join(lines[node.end_lineno:])
    raise ValueError(f"no function {edit.name} at the top of the module. Received: name={edit.name!r}")


def module_edits(module: str) -> tuple[list[Edit], int]:
    """The rewrite mutants of ``module`` as edits, and how many of its mutants are not rewrites."""
    for path in cli.graded_test_files():
        if path.parent.name == module:
            importlib.import_module(dotted_name(path))  # registers the file's mutants
    reference = load_reference(module)
    mutants = [m for m in MUTANTS.values() if split_task(m.task)[0] == module]
    edits = [edit for edit in (as_edit(m, reference) for m in mutants) if edit is not None]
    return edits, len(mutants) - len(edits)


def plant(rng: random.Random, edits: list[Edit]) -> list[Edit]:
    """None (35 %), one (45 %) or two (20 %) edits of different functions; the first edits of the
    (shuffled) list are drawn far more often than the last."""
    weights = [(rank + 1) ** -1.5 for rank in range(len(edits))]
    draw = rng.random()
    if draw < 0.35 or not edits:
        return []
    planted = rng.choices(edits, weights)
    others = [(e, w) for e, w in zip(edits, weights) if e.name != planted[0].name]
    if draw >= 0.8 and others:
        planted += rng.choices([e for e, _ in others], [w for _, w in others])
    return planted


def make_class(folder: Path, modules: list[str],
               seed: int) -> tuple[dict[str, dict[str, str]], Counter[tuple[str, str]], int]:
    """Write the submissions under ``folder``. Returns what each holds (submission -> module -> what),
    how many submissions each mistake (task, description) was planted in, and how many mutants
    were left out (not rewrites)."""
    rng = random.Random(seed)
    stubs = generate(ROOT / "solutions", folder)  # path -> text, none of them written
    planted: Counter[tuple[str, str]] = Counter()
    contents: dict[str, dict[str, str]] = {}
    left_out = 0
    per_module: dict[str, list[Edit]] = {}
    for module in modules:
        edits, skipped = module_edits(module)
        left_out += skipped
        rng.shuffle(edits)
        per_module[module] = edits
    for number in range(1, SUBMISSIONS + 1):
        name = f"student_{number:02d}"
        (folder / name).mkdir(parents=True)
        contents[name] = {}
        for module in modules:
            target = folder / name / f"{module}.py"
            if number == SUBMISSIONS and module == modules[-1]:
                target.write_text(stubs[folder / f"{module}.py"])
                contents[name][module] = "the stub"
                continue
            source = (ROOT / "solutions" / f"{module}.py").read_text()
            edits = plant(rng, per_module[module])
            for edit in edits:
                source = apply_edit(source, edit)
                planted[(edit.task, edit.description)] += 1
            target.write_text(source)
            contents[name][module] = "; ".join(f"{split_task(e.task)[1]}: {e.description}" for e in edits) or "correct"
    return contents, planted, left_out


def recognised(report: str) -> Counter[tuple[str, str]]:
    """(task, description) -> students, read back from the mistake lines of ``report.md``."""
    found: Counter[tuple[str, str]] = Counter()
    for line in report.splitlines():
        match = MISTAKE_LINE.match(line)
        if match:
            found[(match[2], re.sub(r"\\(.)", r"\1", match[3]))] = int(match[1])
    return found


def cell(text: str) -> str:
    """``text`` as a cell of a Markdown table."""
    return text.replace("|", "\\|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--module", action="append", metavar="MODULE",
                        help=f"a module to grade (repeatable; default {' '.join(DEFAULT_MODULES)})")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="grading processes (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="draws who holds which mistake (default %(default)s)")
    args = parser.parse_args(argv)
    modules = args.module or list(DEFAULT_MODULES)
    for module in modules:
        if not (module.isidentifier() and (ROOT / "solutions" / f"{module}.py").is_file()):
            print(f"class_report: no exercise module with a reference in solutions/. Received: module={module!r}",
                  file=sys.stderr)
            return 2
    if args.jobs < 1:
        print(f"class_report: -j needs at least 1 grading process. Received: jobs={args.jobs}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="class-report-") as temporary:
        folder = Path(temporary)
        contents, planted, left_out = make_class(folder / "submissions", modules, args.seed)
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        code = cli.main(["grade", "--submissions", str(folder / "submissions"), "--out", str(folder / "graded"),
                         "-j", str(args.jobs), *(f"--task={m}" for m in modules)])
        seconds = time.perf_counter() - started
        report = (folder / "graded" / "report.md").read_text()
        RESULTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / "graded" / "report.png", RESULTS / "class_report.png")
    print("\n" + report)
    found = recognised(report)
    lines = [
        "# The class report on a synthetic class", "",
        f"`{Path(__file__).name} -j {args.jobs} --seed {args.seed}` on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}: {SUBMISSIONS} submissions of {', '.join(modules)}, graded by "
        f"`course grade --submissions ... -j {args.jobs}` in {seconds:.0f} s (exit code {code}; load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after). Each module file is the reference with "
        f"none, one or two of the suite's rewrite mutants planted ({left_out} mutants that are not one "
        "rewrite left out); the last submission holds the stub of the last module.", "",
        "## What each submission holds", "",
        "| submission | " + " | ".join(modules) + " |", "|---|" + "---|" * len(modules),
        *(f"| {name} | " + " | ".join(cell(held[m]) for m in modules) + " |" for name, held in contents.items()),
        "", "## Planted and recognised", "",
        "A planted mistake goes unrecognised where another planted mistake changes what its function computes, or "
        "where the failure is no value a mutant gives (an exception, a missing print); one that was not planted is "
        "named where a test's input makes two mutants agree (its message names both).", "",
        "| function | mistake | planted in | recognised in |", "|---|---|---:|---:|",
        *(f"| {task} | {cell(description)} | {count} | {found.get((task, description), 0)} |"
          for (task, description), count in sorted(planted.items(), key=lambda item: -item[1])),
        "", "Recognised but not planted: " + ("; ".join(f"{task}: {description} ({count})"
                                                   for (task, description), count in found.items()
                                                   if (task, description) not in planted) or "none") + ".", "",
        "## The report (`report.md`, headings one level down; plot: `class_report.png`)", "",
        *(("#" + line if line.startswith("#") else line) for line in report.splitlines()),
    ]
    (RESULTS / "class_report.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS / 'class_report.md'} and {RESULTS / 'class_report.png'}")
    return code


if __name__ == "__main__":
    sys.exit(main())
