"""The ``course`` command: students check their work and ask for hints; instructors grade.

    course list                            every graded function in course order, points, status
    course check [MODULE[.FUNCTION] ...]   grade exercises/ (isolated); what failed and what next
    course check FILE.ipynb|FILE.py        grade one notebook or module file
    course watch [MODULE]                  check the function you edit on every save (a warm grader)
    course plot MODULE.FUNCTION            your training curve beside the reference's (a PNG)
    course hint MODULE.FUNCTION            the next graduated hint for that function (--all: those so far)
    course grade [--submission DIR]        score a folder; writes Gradescope's results.json
    course grade --submissions DIR -j N    score a folder of submissions, one results file each
    course autograder-zip                  the zip Gradescope expects (setup.sh, run_autograder)

Data goes to stdout (``--format table|json``), progress and errors to stderr; an error is one
line and a non-zero exit code (``--debug`` keeps the grader's own log).

This process never imports TensorFlow nor a student's file: it starts pytest (the trusted
side, :mod:`grader.plugins.isolated`) in a child process, which starts the workers that run the
student's code (:mod:`grader.trusted.isolation`). It reads the child's report, and writes the results
itself, last, whatever became of the child.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import csv
import functools
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from grader import split_task
from grader.course.warm import ServedGrader, WarmGrader
from grader.stubgen import generate
from grader.trusted import submission
from grader.trusted.sandbox import work_parent
from grader.trusted.results import (GradingRun, TestOutcome, clean, gradescope, junit_xml, module_rank, run_to_json,
                            task_rank, write_atomically)

ROOT = Path(__file__).resolve().parent.parent.parent
STATE = ROOT / ".course"
EXERCISES = ROOT / "exercises"  # what `course check` grades: the student's own files
DEFAULT_TIME_LIMIT, DEFAULT_IMPORT_LIMIT, DEFAULT_MEMORY_MIB = 30.0, 60.0, 2048
MESSAGE_LINES = 14  # of a failure message in the table output


class CourseError(Exception):
    """An error to show as one line, with exit code 2."""


# ---------------------------------------------------------------------------------------------
# Running the graded tests (the trusted side, in a child process)
# ---------------------------------------------------------------------------------------------

@functools.cache
def graded_test_files(root: Path = ROOT) -> tuple[Path, ...]:
    """Test files under ``tests/`` with at least one ``@graded(...)`` test (read once a process)."""
    files = []
    for path in sorted((root / "tests").rglob("test_*.py")):
        try:
            tree = ast.parse(path.read_text())
        except (OSError, SyntaxError):
            continue
        if any(isinstance(d, ast.Call) and getattr(d.func, "id", getattr(d.func, "attr", None)) == "graded"
               for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
               for d in node.decorator_list):
            files.append(path)
    return tuple(files)


def test_files_for(selectors: Iterable[str], root: Path = ROOT) -> list[Path]:
    """The graded test files a check of ``selectors`` needs: a function's own
    ``tests/MODULE/test_FUNCTION.py``, a module's folder, or all of them (no selector)."""
    files, selectors = graded_test_files(root), list(selectors)
    if not selectors:
        return list(files)
    wanted = set()
    for selector in selectors:
        module, _, function = selector.partition(".")
        own = root / "tests" / module / f"test_{function}.py"
        wanted |= {own} if function and own in files else {p for p in files if p.parent.name == module}
    return [p for p in files if p in wanted]


def known_modules(root: Path = ROOT) -> list[str]:
    names = {p.stem for folder in ("solutions", "exercises") for p in (root / folder).glob("*.py")}
    names |= {p.parent.name for p in graded_test_files(root) if p.parent != root / "tests"}
    return sorted(names - {"__init__"}, key=module_rank)


def display_name(folder: Path) -> str:
    try:
        return f"{folder.resolve().relative_to(Path.cwd().resolve())}/"
    except ValueError:
        return f"{folder}/"


def run_graded(folder: Path, tasks: Iterable[str] = (), prefix: str = "", **options: Any) -> GradingRun:
    """Grade one folder (see :func:`run_many`)."""
    return run_many({"": folder}, tasks, prefix=prefix, **options)[""]


def run_many(folders: dict[str, Path], tasks: Iterable[str] = (), *, collect_only: bool = False,
             time_limit: float = DEFAULT_TIME_LIMIT, import_limit: float = DEFAULT_IMPORT_LIMIT,
             memory_mib: int = DEFAULT_MEMORY_MIB, total_limit: float = 3600.0, debug: bool = False,
             prefix: str = "", root: Path = ROOT,
             warm: WarmGrader | ServedGrader | None = None) -> dict[str, GradingRun]:
    """Run the graded tests of each folder in one child pytest and read its report.

    Each submission is read here, as :mod:`grader.trusted.submission` allows (regular files named like a
    module, anywhere in the folder, no link followed), and copied into a private folder; the
    child gets those copies and their names in a private file, never the submissions' own paths.
    Messages name the files relative to the submission, after ``prefix`` (``exercises/``).

    Whatever happens to the child (a crash, the total time limit, an interrupt), the tests it
    collected and never finished come back failed with a message saying why, so a results file
    can always be written. ``warm``: the same command line runs in a warm grader instead of a
    child process (``course watch``, notebooks, ``course check`` beside a ``course serve``).
    """
    started, tasks = time.monotonic(), list(tasks)
    private = Path(tempfile.mkdtemp(prefix="course-"))
    report, log_path = private / "report.jsonl", private / "pytest.log"
    modules = known_modules(root)
    found = {name: submission.scan(folder, modules) for name, folder in folders.items()}
    (private / "staged").mkdir()
    spec = [{"name": name, "folder": str(submission.stage(found[name], private / "staged" / str(number))),
             "paths": found[name].paths, "problems": found[name].problems, "prefix": prefix}
            for number, name in enumerate(folders)]
    (private / "submissions.json").write_text(json.dumps(spec))
    work = Path(tempfile.mkdtemp(prefix="course-work-", dir=work_parent()))  # isolation's folders, removed below
    os.chmod(work, 0o711)  # workers may pass through to their own folder, not list it
    command = [sys.executable, "-m", "pytest", f"--report={report}",
               f"--work-dir={work}",
               "-m", "graded", "-q", "--tb=no", "-p", "no:cacheprovider", "--continue-on-collection-errors",
               f"--rootdir={root}", "-c", str(root / "pyproject.toml"), *(f"--task={t}" for t in tasks)]
    command.append(f"--submissions-file={private / 'submissions.json'}")
    if collect_only:
        command.append("--collect-only")
    command += [f"--time-limit={time_limit}", f"--import-time-limit={import_limit}", f"--memory-limit={memory_mib}"]
    command += [str(p) for p in test_files_for(tasks, root)]
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    error = None
    if warm is not None:
        code = warm.run(command[3:], log_path, total_limit)  # the arguments after `python -m pytest`
        if isinstance(code, str):
            error = code
        elif code not in (0, 1, 5):
            error = f"the grading process stopped with exit code {code}"
    else:
        with open(log_path, "wb") as log:
            child = subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)
            try:
                code = child.wait(total_limit)
                if code not in (0, 1, 5):
                    error = f"the grading process stopped with exit code {code}"
            except subprocess.TimeoutExpired:
                error = f"grading took longer than {total_limit:g} s and was stopped"
            finally:
                _kill_tree(child)
    records = _read_report(report)
    collected = next((r for r in records if r.get("event") == "collected"), None)
    if collected is None and error is None:
        error = "the graded tests could not be collected"
    finished = {r.get("nodeid"): r for r in records if r.get("event") == "test"}
    runs = {name: GradingRun(tests=[], notes=list((collected or {}).get("notes", [])) + clean(found[name].notes),
                             error=error, submission=str(path)) for name, path in folders.items()}
    for entry in (collected or {}).get("tests", []):
        run = runs.get(str(entry.get("submission", "")))
        if run is None:
            continue
        record = finished.get(entry["nodeid"])
        if record is not None:
            run.tests.append(TestOutcome.from_record(record))
        else:
            run.tests.append(TestOutcome(nodeid=entry["nodeid"], task=entry["task"], points=int(entry["points"]),
                                         hidden=bool(entry.get("hidden")), kind="grader",
                                         message=f"not graded: {error or 'the grading process stopped early'}"))
    if debug or (error and not any(run.tests for run in runs.values())):
        tail = log_path.read_text(errors="replace")[-4000:]
        print(f"--- grader log ({log_path}) ---\n{tail}", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    if not debug:
        shutil.rmtree(private, ignore_errors=True)
    seconds = time.monotonic() - started
    for run in runs.values():
        run.seconds = seconds
    return runs


def _kill_tree(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except OSError:
            pass
        child.wait()


def _read_report(path: Path) -> list[dict[str, Any]]:
    records = []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a line cut short by a crash
        if isinstance(record, dict):
            records.append(clean(record))  # whatever bytes a student printed: valid text from here on
    return records


# ---------------------------------------------------------------------------------------------
# The catalog of graded functions, and the student's status
# ---------------------------------------------------------------------------------------------

def _fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted([*graded_test_files(root), *(root / "grader").rglob("*.py")]):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}\n".encode())
    return digest.hexdigest()


def catalog(root: Path = ROOT, state: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every graded function: ``task -> {"points", "hidden_points", "tests"}``, cached in .course/."""
    state = state or STATE
    cache = state / "catalog.json"
    fingerprint = _fingerprint(root)
    try:
        cached = json.loads(cache.read_text())
        if cached.get("fingerprint") == fingerprint:
            return cached["tasks"]
    except (OSError, ValueError, KeyError):
        pass
    print("Reading the graded tests (once, a few seconds)...", file=sys.stderr)
    run = run_graded(root / "exercises", collect_only=True, root=root)
    if run.error:
        raise CourseError(f"could not read the graded tests: {run.error}")
    tasks: dict[str, dict[str, Any]] = {}
    for test in run.tests:
        entry = tasks.setdefault(test.task, {"points": 0, "hidden_points": 0, "tests": 0})
        entry["hidden_points" if test.hidden else "points"] += test.points
        entry["tests"] += 1
    ordered = dict(sorted(tasks.items(), key=lambda item: task_rank(item[0])))
    state.mkdir(exist_ok=True)
    write_atomically(cache, json.dumps({"fingerprint": fingerprint, "tasks": ordered}, indent=1))
    return ordered


def load_status(state: Path | None = None) -> dict[str, Any]:
    state = state or STATE
    try:
        status = json.loads((state / "status.json").read_text())
        if isinstance(status, dict):
            status.setdefault("functions", {})
            status.setdefault("hints", {})
            return status
    except (OSError, ValueError):
        pass
    return {"functions": {}, "hints": {}}


def save_status(status: dict[str, Any], state: Path | None = None) -> None:
    state = state or STATE
    state.mkdir(exist_ok=True)
    write_atomically(state / "status.json", json.dumps(status, indent=1, sort_keys=True))


def next_task(tasks: Iterable[str], status: dict[str, Any], module: str | None = None) -> str | None:
    """The function to work on next: the first in course order that has not passed, in
    ``module`` (the one being worked on) or after it when given, else anywhere."""
    todo = [t for t in sorted(tasks, key=task_rank) if status["functions"].get(t, {}).get("status") != "passed"]
    if module is not None:
        later = [t for t in todo if module_rank(split_task(t)[0]) >= module_rank(module)]
        todo = later or todo
    return todo[0] if todo else None


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def remember(run: GradingRun, files: dict[str, Path], status: dict[str, Any]) -> None:
    """Keep each visible function's verdict, with the digest of the file it was checked in
    (``files``: module -> path), so that `course list` can tell when the file changed since."""
    for function in run.functions():
        if function.hidden:
            continue
        path = files[split_task(function.task)[0]]
        status["functions"][function.task] = {"status": function.status, "score": function.score,
                                              "max_score": function.max_score, "file": str(path),
                                              "digest": file_digest(path),
                                              "checked": time.strftime("%Y-%m-%d %H:%M:%S")}
    save_status(status)


def stale(entry: dict[str, Any]) -> bool:
    """The file a status was checked in has changed (or gone) since the check."""
    return "digest" in entry and file_digest(Path(entry.get("file", ""))) != entry["digest"]


def progress(tasks: dict[str, dict[str, Any]], status: dict[str, Any], module: str | None = None) -> str:
    """``module: 12/20 points, 3 of 6 functions · course: 40/494 points, 10 of 100 functions``."""
    def part(name: str, selected: list[str]) -> str:
        done = [t for t in selected if status["functions"].get(t, {}).get("status") == "passed"]
        points = sum(status["functions"].get(t, {}).get("score", 0) for t in selected)
        return (f"{name}: {points}/{sum(tasks[t]['points'] for t in selected)} points, "
                f"{len(done)} of {len(selected)} functions")
    parts = [part(module, [t for t in tasks if split_task(t)[0] == module])] if module else []
    return " · ".join([*parts, part("course", list(tasks))])


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

class Marks:
    """✓ ✗ · where the terminal can show them, ok/FAIL/-- where it cannot."""

    def __init__(self, stream: Any) -> None:
        try:
            "✓✗·—".encode(stream.encoding or "ascii")
            self.passed, self.failed, self.todo, self.dash = "✓", "✗", "·", "—"
        except (UnicodeEncodeError, LookupError):
            self.passed, self.failed, self.todo, self.dash = "ok", "XX", "--", "-"

    def of(self, status: str) -> str:
        return {"passed": self.passed, "failed": self.failed}.get(status, self.todo)


def _indent(text: str, prefix: str = "      ", lines: int = MESSAGE_LINES) -> str:
    rows = text.rstrip().splitlines()
    if len(rows) > lines:
        rows = rows[:lines] + [f"[... {len(rows) - lines} more lines]"]
    return "\n".join(prefix + row for row in rows)


STATUS_WORDS = {"passed": "passed", "failed": "failed", "not_started": "not started"}
FILE_CHANGED = "file changed since the check"


def render_run(run: GradingRun, marks: Marks, *, details: bool, title: str, notes: bool = True,
               every: bool = False) -> str:
    """The table of a run; ``details``: each failing function's telling message (``every``: the
    message of each of its failing tests, whole)."""
    out = io.StringIO()
    functions = run.functions()
    width = max([len(f.name) for f in functions] + [20])
    module = None
    if title:
        print(title, file=out)
    for note in run.notes if notes else []:
        print(f"  note: {note}", file=out)
    for function in functions:
        current = split_task(function.task)[0]
        if current != module:
            module = current
            print(f"\n{module}", file=out)
        name = split_task(function.task)[1] + (" (hidden tests)" if function.hidden else "")
        words = STATUS_WORDS[function.status]
        print(f"  {marks.of(function.status)} {name:<{width - len(module)}} {function.score:>3}/{function.max_score:<3} "
              f"{words if function.status != 'passed' else ''}".rstrip(), file=out)
        if details and function.failures and not function.hidden and function.status != "not_started":
            print(_indent(function.message(every), lines=10**6 if every else MESSAGE_LINES), file=out)
    passed = sum(f.status == "passed" for f in functions)
    failed = sum(f.status == "failed" for f in functions)
    todo = sum(f.status == "not_started" for f in functions)
    print(f"\n{run.score}/{run.max_score} points {marks.dash} {passed} passed, {failed} failed, "
          f"{todo} not started ({run.seconds:.1f} s)", file=out)
    if run.error:
        print(f"warning: {run.error}", file=out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

def _validate(selectors: list[str], tasks: dict[str, Any]) -> None:
    modules = {split_task(t)[0] for t in tasks}
    for selector in selectors:
        if selector not in modules and selector not in tasks:
            raise CourseError(f"no graded function or module {selector!r}; `course list` shows them all")


def command_list(args: argparse.Namespace) -> int:
    tasks = catalog()
    status = load_status()
    if args.format == "json":
        entries = [{"task": t, "points": e["points"], **status["functions"].get(t, {"status": "not_started"}),
                    "stale": stale(status["functions"].get(t, {}))} for t, e in tasks.items()]
        print(json.dumps({"functions": entries, "next": next_task(tasks, status)}, indent=1))
        return 0
    marks = Marks(sys.stdout)
    width = max([len(split_task(t)[1]) for t in tasks] + [10])
    module = None
    totals = {"score": 0, "max": 0, "passed": 0, "failed": 0, "not_started": 0}
    for task, entry in tasks.items():
        current, name = split_task(task)
        if current != module:
            module = current
            module_tasks = [t for t in tasks if split_task(t)[0] == module]
            got = sum(status["functions"].get(t, {}).get("score", 0) for t in module_tasks)
            print(f"{'' if current == next(iter(tasks)).partition('.')[0] else chr(10)}{module}  "
                  f"({got}/{sum(tasks[t]['points'] for t in module_tasks)} points)")
        seen = status["functions"].get(task, {})
        state = seen.get("status", "not_started")
        score = seen.get("score", 0) if state != "not_started" else 0
        totals["score"] += score
        totals["max"] += entry["points"]
        totals[state] = totals.get(state, 0) + 1
        note = f" {marks.dash} {FILE_CHANGED}" if state != "not_started" and stale(seen) else ""
        print(f"  {marks.of(state)} {name:<{width}} {score:>3}/{entry['points']:<3} {STATUS_WORDS[state]}{note}")
    print(f"\ntotal {totals['score']}/{totals['max']} points {marks.dash} {totals['passed']} passed, "
          f"{totals['failed']} failed, {totals['not_started']} not started")
    if any(stale(e) for e in status["functions"].values()):
        print(f"({FILE_CHANGED}: `course check MODULE` brings it up to date)")
    upcoming = next_task(tasks, status)
    if upcoming is None:
        print("Every graded function passes. Well done.")
    else:
        print(f"Next: {upcoming} {marks.dash} write it in exercises/{split_task(upcoming)[0]}.py, "
              f"then `course check {upcoming}`")
    return 0


def _limits(args: argparse.Namespace) -> dict[str, Any]:
    return {"time_limit": args.time_limit, "import_limit": args.import_time_limit,
            "memory_mib": args.memory_limit, "debug": args.debug}


def _selected(selectors: list[str]) -> tuple[Path | None, list[str]]:
    """``course check`` arguments: a module file or notebook given by its path (then the other
    arguments are its functions), or modules and functions by name."""
    paths = [s for s in selectors if s.endswith((".py", ".ipynb")) or os.sep in s]
    if not paths:
        if (STATE / "catalog.json").is_file():
            _validate(selectors, catalog())
        else:
            modules = known_modules()
            for selector in selectors:
                if selector.partition(".")[0] not in modules:
                    raise CourseError(f"no exercise module {selector.split('.')[0]!r}; `course list` shows them all")
        return None, selectors
    path = Path(paths[0])
    if len(paths) > 1:
        raise CourseError(f"check one file at a time. Received: {' '.join(paths)}")
    if not path.is_file():
        raise CourseError(f"no such file. Received: {path}")
    module = path.name.rsplit(".", 1)[0]
    if module not in known_modules():
        raise CourseError(f"a module file is named after its exercise (`course list` shows them). Received: {path.name}")
    tasks = [s if "." in s else f"{module}.{s}" for s in selectors if s != paths[0]]
    _validate(tasks, catalog())
    return path, tasks or [module]


def command_check(args: argparse.Namespace) -> int:
    path, selectors = _selected(args.selectors)
    folder = Path(args.impl).resolve() if args.impl else EXERCISES
    what = " ".join(selectors) or "every exercise"
    served = None if args.cold else served_grader()
    options = {**_limits(args), "warm": served}
    if served is not None:
        what += f" (warm grader at {Path(served.path).relative_to(ROOT) if Path(served.path).is_relative_to(ROOT) else served.path})"
    if path is not None:  # one file: graded alone, from a private copy named like its module
        private = Path(tempfile.mkdtemp(prefix="course-file-"))
        try:
            shutil.copyfile(path, private / path.name)
            print(f"Checking {what} in {path} ...", file=sys.stderr)
            run = run_graded(private, selectors, prefix=display_name(path.parent.resolve()), **options)
        finally:
            shutil.rmtree(private, ignore_errors=True)
    else:
        print(f"Checking {what} in {display_name(folder)} ...", file=sys.stderr)
        run = run_graded(folder, selectors, prefix=display_name(folder), **options)
    if not run.tests:
        raise CourseError(run.error or f"no graded tests match {what}")
    mine = path.resolve().parent in (EXERCISES, ROOT / "notebooks") if path else args.impl is None
    status = load_status()
    if mine:  # the student's own work: remembered for `course list`, hints and what comes next
        modules = {split_task(t.task)[0] for t in run.tests}
        remember(run, {m: path.resolve() if path else folder / f"{m}.py" for m in modules}, status)
    return report_check(run, status if mine else None, verbose=args.verbose, as_json=args.format == "json",
                        notes=args.debug)


def served_grader() -> ServedGrader | None:
    """The warm grader of a ``course serve`` of this checkout (``COURSE_GRADER``, else
    ``.course/grader.sock``), if one answers."""
    found = os.environ.get("COURSE_GRADER")
    return ServedGrader.find(Path(found) if found else STATE / "grader.sock", ROOT)


def report_check(run: GradingRun, status: dict[str, Any] | None, *, verbose: bool = False, as_json: bool = False,
                 notes: bool = False, notebook: bool = False) -> int:
    """What a check found and what to do next (``status``: the student's own, for the function
    after this one and the progress line; None for another folder; ``notebook``: said for a
    student working in the notebook, where the function after the last checked one comes next).
    Exit status 0: all passed."""
    functions = [f for f in run.functions() if not f.hidden]
    failing = next((f for f in functions if f.status == "failed"), None)
    todo = next((f for f in functions if f.status == "not_started"), None)
    module = split_task(functions[0].task)[0] if functions else None
    tasks = catalog() if status is not None or notebook else {}
    if status is not None:
        upcoming = next_task(tasks, status, module)
    else:
        last = max((task_rank(f.task) for f in functions), default=None)
        upcoming = next((t for t in tasks if last is not None and task_rank(t) > last), None)

    def where(task: str, written: bool = False) -> str:
        """Where to write ``task``, and how to check it."""
        if not notebook:
            return f"in exercises/{split_task(task)[0]}.py, then `course check {task}`"
        if written:
            return "in its cell above, run that cell, then this check again"
        return ("in its cell below, then run its check" if split_task(task)[0] == module
                else f"in notebooks/{split_task(task)[0]}.ipynb")
    if as_json:
        print(json.dumps({**run_to_json(run), "next": (failing or todo).task if (failing or todo) else upcoming},
                         indent=1))
    else:
        marks = Marks(sys.stdout)
        print(render_run(run, marks, details=True, title="", notes=notes, every=verbose).strip())
        if not verbose and any(len(f.failures) > 1 for f in functions if f.status == "failed"):
            print("(`course check -v` shows every failing test)")
        if failing is not None:
            print(f"Next: fix {failing.task} {marks.dash} stuck? `course hint {failing.task}`")
        elif todo is not None:
            print(f"Next: write {todo.task} {where(todo.task, written=True)}")
        else:
            print("All checked functions pass." + (
                f" Next: {upcoming} {marks.dash} write it {where(upcoming)}" if upcoming else ""))
        if status is not None:
            print(f"Progress {marks.dash} {progress(tasks, status, module)}")
    return 0 if all(f.status == "passed" for f in run.functions()) else 1


def command_serve(args: argparse.Namespace) -> int:
    from grader.course.serve import command_serve as serve  # it imports this module

    return serve(args)


def command_watch(args: argparse.Namespace) -> int:
    from grader.course.watch import watch  # it imports this module

    return watch(args)


def command_plot(args: argparse.Namespace) -> int:
    """Train with the student's function and the reference's, and write both costs as a PNG."""
    try:
        module, _ = split_task(args.task)
    except ValueError:
        raise CourseError(f"a plot is of one training function: `course plot MODULE.FUNCTION`. "
                          f"Received: {args.task!r}") from None
    if module not in known_modules():
        raise CourseError(f"no exercise module {module!r}; `course list` shows them all. Received: {args.task}")
    folder = Path(args.impl).resolve() if args.impl else EXERCISES
    out = Path(args.out).resolve() if args.out else STATE / "plots" / f"{args.task}.png"
    private = Path(tempfile.mkdtemp(prefix="course-plot-"))
    try:
        found = submission.scan(folder, [module])
        if module not in found.files:
            raise CourseError(found.problems.get(module) or f"{module}.py is not in {display_name(folder)}")
        staged = submission.stage(found, private / "staged")
        print(f"Training with your {args.task} and the reference's ...", file=sys.stderr)
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        try:
            done = subprocess.run([sys.executable, "-m", "grader.curves", args.task, str(staged), str(out),
                                   str(args.time_limit)], cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=args.time_limit * 2 + 120, start_new_session=True)
        except subprocess.TimeoutExpired:
            raise CourseError(f"training took longer than {args.time_limit * 2 + 120:g} s and was stopped") from None
    finally:
        shutil.rmtree(private, ignore_errors=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise CourseError(f"the plot could not be made ({tail})")
    answer = json.loads(lines[-1])
    if "png" not in answer:
        raise CourseError(answer.get("error", "the plot could not be made"))
    if answer["yours"] is not None:
        print(f"Your last cost: {answer['yours']:.6g} (the reference's: {answer['reference']:.6g})")
    else:
        print(f"No curve of yours: {answer['problem']}")
    print(f"wrote {display_name(Path(answer['png']).parent)}{Path(answer['png']).name}")
    return 0 if answer["yours"] is not None else 1


def load_hints(module: str, root: Path = ROOT) -> dict[str, list[str]]:
    path = root / "hints" / f"{module}.toml"
    try:
        data = tomllib.loads(path.read_text())
    except OSError:
        return {}
    except tomllib.TOMLDecodeError as err:
        raise CourseError(f"hints/{module}.toml is not valid TOML: {err}") from None
    return {name: [str(h) for h in table.get("hints", [])] for name, table in data.items() if isinstance(table, dict)}


def command_hint(args: argparse.Namespace) -> int:
    status = load_status()
    if args.all:
        return _hints_so_far(args.task, status, args.format == "json")
    if args.task is None:
        raise CourseError("a hint is for one function: `course hint MODULE.FUNCTION` (`--all`: those given so far)")
    module, name = _one_task(args.task)
    hints = load_hints(module).get(name)
    if not hints:
        raise CourseError(f"no hints for {args.task} (hints/{module}.toml has no [{name}] table)")
    shown = 0 if args.reset else int(status["hints"].get(args.task, 0))
    number = min(shown + 1, len(hints))
    status["hints"][args.task] = number
    save_status(status)
    if args.format == "json":
        print(json.dumps({"task": args.task, "hint": number, "of": len(hints), "text": hints[number - 1]}))
        return 0
    print(f"Hint {number} of {len(hints)} for {args.task}:")
    print(_indent(hints[number - 1], prefix="  ", lines=40))
    if number < len(hints):
        print(f"Run `course hint {args.task}` again for a more specific one.")
    else:
        print(f"That was the last hint for {args.task} (`--reset` starts again from the first).")
    return 0


def _one_task(task: str) -> tuple[str, str]:
    try:
        return split_task(task)
    except ValueError:
        raise CourseError(f"a hint is for one function: `course hint MODULE.FUNCTION`. Received: {task!r}") from None


def _hints_so_far(task: str | None, status: dict[str, Any], as_json: bool) -> int:
    """Every hint given so far (of one function, or of all), again, without moving on."""
    given = {t: int(n) for t, n in sorted(status["hints"].items(), key=lambda item: task_rank(item[0]))
             if task is None or t == task}
    if task is not None:
        _one_task(task)
    entries = []
    for name, count in given.items():
        module, function = split_task(name)
        hints = load_hints(module).get(function, [])
        entries += [{"task": name, "hint": n + 1, "of": len(hints), "text": hints[n]}
                    for n in range(min(count, len(hints)))]
    if as_json:
        print(json.dumps(entries, indent=1))
        return 0
    if not entries:
        print(f"No hints given so far{' for ' + task if task else ''}: `course hint MODULE.FUNCTION` gives the first.")
        return 0
    for entry in entries:
        print(f"Hint {entry['hint']} of {entry['of']} for {entry['task']}:")
        print(_indent(entry["text"], prefix="  ", lines=40))
    return 0


def _write_results(run: GradingRun, results: Path | None, junit: Path | None) -> None:
    private = os.geteuid() == 0
    if results is not None:
        write_atomically(results, json.dumps(gradescope(run), indent=1), private=private)
    if junit is not None:
        write_atomically(junit, junit_xml(run), private=private)


def command_grade(args: argparse.Namespace) -> int:
    if args.submissions:
        return grade_many(args)
    folder = Path(args.submission).absolute()
    results = Path(args.results) if args.results else None
    junit = Path(args.junit) if args.junit else None
    try:
        run = run_graded(folder, args.task, **_limits(args), total_limit=args.total_time_limit)
    except Exception as err:  # the grader's own failure: results.json is still written
        run = GradingRun(tests=[], error=f"the grader failed: {type(err).__name__}: {err}", submission=str(folder))
    _write_results(run, results, junit)
    if args.format == "json":
        print(json.dumps(run_to_json(run), indent=1))
    else:
        print(render_run(run, Marks(sys.stdout), details=args.details,
                         title=f"course grade {display_name(folder)}").rstrip())
        if results is not None:
            print(f"wrote {results}" + (f" and {junit}" if junit else ""))
    return 0 if not run.error else 3


def grade_many(args: argparse.Namespace) -> int:
    """Grade every folder of ``--submissions``: ``-j N`` grading processes, each taking its share
    of the folders one after another (one TensorFlow import per process, not per student), and
    one results.json per submission."""
    source = Path(args.submissions).resolve()
    out = Path(args.out or "graded").resolve()
    folders = {p.name: p for p in sorted(source.iterdir()) if p.is_dir() or p.is_symlink()}  # a link: noted
    if not folders:
        raise CourseError(f"{source} has no submission folders")
    jobs = max(1, min(args.jobs, len(folders)))
    names = list(folders)
    shares = [names[i::jobs] for i in range(jobs)]
    print(f"Grading {len(folders)} submissions in {jobs} process{'es' if jobs > 1 else ''} ...", file=sys.stderr)

    def grade(share: list[str]) -> dict[str, GradingRun]:
        """Grade a share; the submissions a dead grading process never reached go to a fresh one."""
        runs: dict[str, GradingRun] = {}
        pending, retried = list(share), set()
        while pending:
            try:
                runs.update(run_many({name: folders[name] for name in pending}, args.task, **_limits(args),
                                     total_limit=args.total_time_limit))
            except Exception as err:  # the grader's own failure: every results.json is still written
                runs.update({name: GradingRun(tests=[], error=f"the grader failed: {err}",
                                              submission=str(folders[name])) for name in pending})
            pending = [name for name in pending if name not in retried and runs[name].error
                       and all(test.kind == "grader" for test in runs[name].tests)]
            retried.update(pending)
        return runs

    runs: dict[str, GradingRun] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for result in pool.map(grade, shares):
            runs.update(result)
    rows = []
    for name in names:
        run = runs[name]
        try:
            _write_results(run, out / name / "results.json", out / name / "junit.xml" if args.junit else None)
        except Exception as err:  # noqa: BLE001 - one submission's results never cost another's
            run = GradingRun(tests=[], error=f"the results could not be written: {type(err).__name__}",
                             submission=run.submission)
            _write_results(run, out / name / "results.json", None)
            runs[name] = run  # the class report says what results.json says
        rows.append({"submission": name, "score": run.score, "max_score": run.max_score,
                     "error": run.error or "", "results": str(out / name / "results.json")})
    with open(out / "summary.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    from grader.course.report import write_class_report  # only grade_many writes a class report
    report = write_class_report(runs, out)
    if args.format == "json":
        print(json.dumps(rows, indent=1))
    else:
        width = max(len(r["submission"]) for r in rows)
        for row in rows:
            print(f"{row['submission']:<{width}}  {row['score']:>4}/{row['max_score']:<4} {row['error']}".rstrip())
        print(f"wrote {out / 'summary.csv'} and {out}/<submission>/results.json")
        print("wrote " + " and ".join(str(path) for path in report))
    return 0 if not any(r["error"] for r in rows) else 3


# ---------------------------------------------------------------------------------------------
# The Gradescope autograder
# ---------------------------------------------------------------------------------------------



ZIP_FOLDERS = ("grader", "hints")
GRADESCOPE = Path(__file__).resolve().parent / "gradescope"  # setup.sh and run_autograder


def autograder_files(root: Path = ROOT) -> dict[str, bytes]:
    """The zip's files: the two scripts, the grader, the stubs (generated afresh from solutions/,
    whatever exercises/ holds now), the hints, the graded tests with their shared oracles, and
    the references, from which the trusted side builds the mutants that name a student's
    mistake (``run_autograder`` makes the source folder unreadable to the workers)."""
    from grader import mutants  # NumPy: not for the other commands

    files = {name: (GRADESCOPE / name).read_bytes() for name in ("setup.sh", "run_autograder")}
    for name in ("requirements.txt", "pyproject.toml", "README.md"):
        if (root / name).is_file():
            files[name] = (root / name).read_bytes()
    for path, text in generate(root / "solutions", root / "exercises").items():
        files[str(path.relative_to(root))] = text.encode()
    for folder in ZIP_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".toml", ".md"):
                files[str(path.relative_to(root))] = path.read_bytes()
    for path in graded_test_files(root):
        for source in mutants.test_files(path):  # the file, its packages and shared oracles
            files[str(source.relative_to(root))] = source.read_bytes()
    for path in [*(root / "tests").rglob("conftest.py"), *(root / "solutions").glob("*.py")]:
        files[str(path.relative_to(root))] = path.read_bytes()
    return files


def command_autograder_zip(args: argparse.Namespace) -> int:
    out = Path(args.out)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(autograder_files().items()):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if name in ("setup.sh", "run_autograder") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    out.write_bytes(buffer.getvalue())
    print(f"wrote {out}: setup.sh, run_autograder and {len(autograder_files()) - 2} files of the grader, "
          "stubs, hints, graded tests and references (readable by the grader only)")
    return 0


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

def _positive(kind: type[float] | type[int]) -> Callable[[str], float]:
    """An argparse type: a number above 0 of ``kind``."""
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not value > 0:
            raise argparse.ArgumentTypeError(f"expected a number above 0. Received: {text}")
        return value
    return parse


def _limit_options(parser: argparse.ArgumentParser, time_limit: float = DEFAULT_TIME_LIMIT) -> None:
    parser.add_argument("--time-limit", type=_positive(float), default=time_limit, metavar="SECONDS",
                        help="time your code may run in one test (default %(default)s)")
    parser.add_argument("--import-time-limit", type=_positive(float), default=DEFAULT_IMPORT_LIMIT, metavar="SECONDS",
                        help="time to import a module, TensorFlow included (default %(default)s)")
    parser.add_argument("--memory-limit", type=_positive(int), default=DEFAULT_MEMORY_MIB, metavar="MIB",
                        help="memory of the process that runs the code (default %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description="Check, hint and grade the course's exercises.")
    parser.add_argument("--debug", action="store_true", help="keep and show the grader's own log; tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="every graded function, its points and your status")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(run=command_list)

    check = commands.add_parser("check", help="grade your exercises (all, a module, or one function)")
    check.add_argument("selectors", nargs="*", metavar="MODULE[.FUNCTION] | FILE [FUNCTION ...]",
                       help="modules or functions by name, or one module file or notebook by its path")
    check.add_argument("--impl", metavar="DIR", help="check another folder than exercises/")
    check.add_argument("-v", "--verbose", action="store_true", help="every failing test's message, whole")
    check.add_argument("--format", choices=("table", "json"), default="table")
    check.add_argument("--cold", action="store_true", help="a grading process of its own, even beside a `course serve`")
    _limit_options(check)
    check.set_defaults(run=command_check)

    watching = commands.add_parser("watch", help="check the function you edit each time you save")
    watching.add_argument("module", nargs="?", metavar="MODULE", help="one exercise (default: every one)")
    watching.add_argument("--impl", metavar="DIR", help="watch another folder than exercises/")
    watching.add_argument("-v", "--verbose", action="store_true", help="every failing test's message, whole")
    _limit_options(watching)
    watching.set_defaults(run=command_watch)

    serving = commands.add_parser("serve", help="a warm grader for `course check` and the notebooks (a Unix socket)")
    serving.add_argument("--socket", metavar="PATH", help="where to listen (default .course/grader.sock, where "
                         "`course check` and the notebooks look; elsewhere, set COURSE_GRADER to it)")
    serving.add_argument("--idle", type=_positive(float), metavar="SECONDS", help="stop after SECONDS without a check")
    serving.add_argument("--module", action="append", metavar="MODULE", help="import only these tests ahead")
    serving.add_argument("--until-stdin-closes", action="store_true", help=argparse.SUPPRESS)
    _limit_options(serving)
    serving.set_defaults(run=command_serve)

    plotting = commands.add_parser("plot", help="your training curve beside the reference's, as a PNG")
    plotting.add_argument("task", metavar="MODULE.FUNCTION", help="a training function (softmax regression, ...)")
    plotting.add_argument("--impl", metavar="DIR", help="another folder than exercises/")
    plotting.add_argument("--out", metavar="FILE", help="the PNG (default .course/plots/MODULE.FUNCTION.png)")
    plotting.add_argument("--time-limit", type=float, default=120.0, metavar="SECONDS",
                          help="time your training may take (default %(default)s)")
    plotting.set_defaults(run=command_plot)

    hint = commands.add_parser("hint", help="the next hint for a function")
    hint.add_argument("task", metavar="MODULE.FUNCTION", nargs="?")
    hint.add_argument("--reset", action="store_true", help="start again from the first hint")
    hint.add_argument("--all", action="store_true", help="read again the hints given so far (of TASK, or all)")
    hint.add_argument("--format", choices=("table", "json"), default="table")
    hint.set_defaults(run=command_hint)

    grade = commands.add_parser("grade", help="score a submission folder (writes results.json)")
    grade.add_argument("--submission", default=str(EXERCISES), metavar="DIR",
                       help="folder with some or all module files (default: exercises/)")
    grade.add_argument("--results", metavar="FILE", help="write Gradescope's results.json here")
    grade.add_argument("--junit", metavar="FILE", help="write JUnit XML here (with --submissions: any value "
                       "writes junit.xml beside each results.json)")
    grade.add_argument("--submissions", metavar="DIR", help="grade every folder in DIR, one results.json each")
    grade.add_argument("--out", metavar="DIR", help="with --submissions: where results go (default graded/)")
    grade.add_argument("-j", "--jobs", type=int, default=1, help="with --submissions: grading processes")
    grade.add_argument("--task", action="append", default=[], metavar="MODULE[.FUNCTION]",
                       help="grade only these (repeatable)")
    grade.add_argument("--details", action="store_true", help="show each failure's message in the table")
    grade.add_argument("--total-time-limit", type=float, default=3600.0, metavar="SECONDS")
    grade.add_argument("--format", choices=("table", "json"), default="table")
    _limit_options(grade)
    grade.set_defaults(run=command_grade)

    bundle = commands.add_parser("autograder-zip", help="build the zip Gradescope expects")
    bundle.add_argument("--out", default="autograder.zip", metavar="FILE")
    bundle.set_defaults(run=command_autograder_zip)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except CourseError as err:
        print(f"course: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("course: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `course list | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:
        if args.debug:
            raise
        print(f"course: {type(err).__name__}: {err} (run with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
