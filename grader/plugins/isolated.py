"""Isolated grading: the ``impl`` fixture, the workers, and a report a tool can read.

Loaded by :mod:`grader.plugins.graded` (its ``pytest_plugins``), so every graded run —
``pytest --impl``, ``pytest --audit``, ``course check``, ``course grade`` — runs the code under
test in worker processes (:mod:`grader.trusted.isolation`) and hands the tests a proxy of the module: one route.

Options:
    --submissions-file FILE     the folders to grade (``course`` writes it; JSON: a list of
                                ``{name, folder, paths, problems, prefix}``): each graded test
                                runs once per folder, folder after folder
    --time-limit SECONDS        time the student's code may run in one test (default 30)
    --import-time-limit SECONDS time to import the student's module (default 60; TensorFlow is
                                imported by the worker beforehand and does not count)
    --memory-limit MIB          memory of a worker (default 2048)
    --report FILE               JSON lines: the graded tests collected, one line per graded test
                                as it finishes, and a last line when the run ends
    --work-dir DIR              where isolation keeps its folders (default: /run as root)

A line per graded test holds its submission, task, points, outcome and the message a student
needs: the check's own message, or what their code raised with only their frames of the
traceback, or what happened to the worker (timed out, crashed, exited), and what it printed.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path
from collections.abc import Iterable
from typing import Any, TextIO

import pytest

from grader import checks, split_task
from grader.plugins import graded as plugin
from grader.trusted.isolation import Isolation, Limits, RemoteModule, StudentError, WorkerFailure

PRINTED_CHARS = 1500  # of what the student's code printed, kept in a failed test's message
_course_key = pytest.StashKey["_Course"]()
_record_key = pytest.StashKey[dict[str, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("course", "isolated grading (the course command)")
    group.addoption("--submissions-file", default=None, metavar="FILE",
                    help="grade the folders this JSON file lists (written by `course`)")
    group.addoption("--time-limit", type=float, default=Limits.time, metavar="SECONDS",
                    help="time the student's code may run in one test (default %(default)s)")
    group.addoption("--import-time-limit", type=float, default=Limits.import_time, metavar="SECONDS",
                    help="time to import the student's module (default %(default)s)")
    group.addoption("--memory-limit", type=int, default=Limits.memory // 2**20, metavar="MIB",
                    help="memory of one worker process in MiB (default %(default)s)")
    group.addoption("--prefetch", type=int, default=1, metavar="N",
                    help="start the workers of the next N modules ahead of their tests (default 1)")
    group.addoption("--report", default=None, metavar="FILE",
                    help="write one JSON line per graded test to FILE")
    group.addoption("--work-dir", default=None, metavar="DIR",
                    help="where isolation keeps its folders (default: /run as root, else the temporary folder)")


class NotGraded:
    """Stands in for a module that is missing, or not a file that can be graded: every attribute
    fails the test with the reason, and every other module is still graded."""

    def __init__(self, module: str, reason: str, kind: str) -> None:
        self._module, self._reason, self._kind = module, reason, kind

    def __getattr__(self, name: str) -> Any:
        raise WorkerFailure(f"{self._module}.{name}: {self._reason}", self._kind)

    def __repr__(self) -> str:
        return f"NotGraded({self._module!r})"


Unit = tuple[str, str]  # (what is graded: a submission or an audit's variant, module): one worker's tests
AUDIT = "audit"  # the owner of every variant in an audit: one clean worker serves them in turn


class _Course:
    """State of one run: the folders, the isolation layer, the report, the order of work."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.isolation: Isolation | None = None
        path = config.getoption("report")
        self.report: TextIO | None = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115
        self.order: list[Unit] = []
        self.remaining: dict[Unit, int] = {}
        self.proxies: dict[Unit, RemoteModule] = {}
        self.audit = bool(config.getoption("audit"))
        self.exitstatus: int | None = None  # of the finished session
        self.folders: dict[str, Path] = {}
        self.paths: dict[str, dict[str, str]] = {}  # name -> module -> its path in the submission
        self.problems: dict[str, dict[str, str]] = {}  # name -> module -> why it is not graded
        self.prefixes: dict[str, str] = {}
        listing = config.getoption("submissions_file")
        for entry in json.loads(Path(listing).read_text()) if listing else []:
            name = str(entry["name"])
            self.folders[name] = Path(entry["folder"])
            self.paths[name], self.problems[name] = dict(entry["paths"]), dict(entry["problems"])
            self.prefixes[name] = str(entry.get("prefix", ""))
        self.several = list(self.folders) not in ([], [""])
        if self.folders and self.audit:
            raise pytest.UsageError("--submissions-file grades students; --audit checks the suite")
        if not (self.folders or self.audit):  # one folder, the --impl one, under the name ""
            self.folders[""] = plugin.folder_of(config, plugin.implementation(config))

    def folder(self, name: str) -> Path:
        """The folder of a submission (by name) or of an audit's variant."""
        return self.folders[name] if name in self.folders else plugin.folder_of(self.config, name)

    def name(self, item: pytest.Item) -> str:
        """What ``item`` grades: a submission's name, an audit's variant, or "" for the one folder."""
        return plugin.variant(item) if (self.several or self.audit) else ""

    def owner(self, name: str) -> str:
        return AUDIT if self.audit else name

    def write(self, record: dict[str, Any]) -> None:
        if self.report is not None:
            self.report.write(json.dumps(record) + "\n")
            self.report.flush()

    def display_prefix(self, name: str, module: str) -> str:
        """How messages name the folder of ``module``: its place in the submission (after the
        submission's prefix), or the folder relative to the working directory."""
        if name in self.prefixes:
            where = os.path.dirname(self.paths[name].get(module, ""))
            return self.prefixes[name] + (f"{where}/" if where else "")
        folder = self.folder(name)
        try:
            return f"{folder.relative_to(Path.cwd())}/"
        except ValueError:
            return f"{folder}/"

    def missing(self, name: str, module: str) -> NotGraded:
        """What the tests of a module that will not run get: why, in the grader's words."""
        problem = self.problems.get(name, {}).get(module)
        if problem is not None:
            return NotGraded(module, problem, "import")
        where = self.display_prefix(name, module) or "the submission"
        return NotGraded(module, f"{module}.py is not in {where}: not attempted", "missing")

    def prepare(self, unit: Unit, load: bool) -> None:
        name, module = unit
        assert self.isolation is not None
        self.isolation.prepare(self.folder(name), module, self.display_prefix(name, module), load=load,
                               owner=self.owner(name))


def _submission(item: pytest.Item) -> str:
    return item.config.stash[_course_key].name(item)


@pytest.fixture
def impl(request: pytest.FixtureRequest) -> RemoteModule | NotGraded:
    """The module under test for this graded test's task, running in a worker process."""
    found = plugin.task_of(request.node)
    if found is None:
        raise pytest.UsageError(f"{request.node.nodeid} uses `impl` but has no @graded(...) marker")
    module = split_task(found[0])[0]
    course = request.config.stash[_course_key]
    name = course.name(request.node)
    if course.isolation is None:
        raise pytest.UsageError("graded tests run in worker processes; --collect-only starts none")
    session = course.isolation.session(course.folder(name), module, course.display_prefix(name, module),
                                       course.owner(name))
    if session is None:
        return course.missing(name, module)
    return course.proxies.setdefault((name, module), RemoteModule(session))


@pytest.hookimpl(trylast=True)  # after grader.plugins.graded's
def pytest_configure(config: pytest.Config) -> None:
    for path in sorted((plugin.project_root(config) / "exercises").glob("*.py")):  # the autograder ships no solutions/
        config.addinivalue_line("markers", f"{path.stem}: the graded tests of {path.stem}")
    course = _Course(config)
    config.stash[_course_key] = course
    if config.option.collectonly:
        return
    limits = Limits(time=config.getoption("time_limit"), import_time=config.getoption("import_time_limit"),
                    memory=config.getoption("memory_limit") * 2**20)
    root = Path(config.rootpath).resolve()
    folders = {Path(a.split("::")[0]).resolve().parent for a in config.args if Path(a.split("::")[0]).is_file()}
    protect = [] if course.audit else protected_paths(plugin.project_root(config), root, folders)
    if KEPT.isolation is not None and KEPT.isolation.limits == limits and KEPT.isolation.protect == protect:
        course.isolation = KEPT.isolation  # a warm service's: its clean worker is waiting
        return
    work_dir = config.getoption("work_dir")
    course.isolation = Isolation(limits, protect, Path(work_dir) if work_dir else None,
                                 preload=AUDIT_PRELOAD if course.audit else None,
                                 modules={task.partition(".")[0] for task in config.getoption("task")})
    first = next(iter(course.folders), plugin.REFERENCE)
    course.isolation.warm(course.owner(first), course.folder(first))  # imports overlap with collection
    if "tensorflow" in course.isolation.preload_for(course.folder(first)):  # its values come back as tensors:
        importlib.import_module("tensorflow")  # import it beside the worker's import, not after it


def protected_paths(project: Path, root: Path, test_folders: Iterable[Path] = ()) -> list[Path]:
    """What a student's worker must not read: the references, the tests (and folders of hidden
    tests given on the command line), the repository's history and the student's status."""
    return [project / "solutions", root / "tests", root / ".git", root / ".course",
            *sorted(folder for folder in set(test_folders)
                    if not folder.is_relative_to(root / "tests") and folder != root and folder not in root.parents)]


class Kept:
    """A warm grading service's isolation (:mod:`grader.trusted.service`), kept from one run to
    the next: each run grades with it, and its clean worker waits for the next run."""

    isolation: Isolation | None = None


KEPT = Kept()


# What the audit's workers import before the code under test: a mutant's module loads its test file.
AUDIT_PRELOAD = "numpy,tensorflow,keras,scipy.stats,sklearn.datasets,hypothesis,pytest,grader.mutants"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    course = metafunc.config.stash.get(_course_key, None)
    if (course is not None and course.several and "impl" in metafunc.fixturenames
            and metafunc.definition.get_closest_marker("graded") is not None):
        names = list(course.folders)
        metafunc.parametrize("impl", names, indirect=True, ids=names)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each unit's tests together, unit after unit, so that one worker at a time is alive: the
    tool tests first, then submission after submission (an audit: module after module, variant
    after variant), then whatever else the run added (the audit's verdicts)."""
    course = config.stash[_course_key]
    units: dict[Unit, int] = {}

    def rank(pair: tuple[int, pytest.Item]) -> tuple[int, int, int]:
        index, item = pair
        found = plugin.task_of(item)
        if found is None:
            return (2 if isinstance(item, plugin.MutantVerdict) else 0), 0, index
        name = _submission(item)
        unit = (name, split_task(found[0])[0]) if course.audit else (name, "")
        return 1, units.setdefault(unit, len(units)), index

    items[:] = [item for _, item in sorted(enumerate(items), key=rank)]


def pytest_collection_finish(session: pytest.Session) -> None:
    course = session.config.stash[_course_key]
    tests = []
    for item in session.items:
        found = plugin.task_of(item)
        if found is None:
            continue
        task, points = found
        unit = (_submission(item), split_task(task)[0])
        if unit not in course.remaining:
            course.order.append(unit)
            course.remaining[unit] = 0
        course.remaining[unit] += 1
        tests.append({"nodeid": item.nodeid, "submission": unit[0], "task": task, "points": points,
                      "hidden": _hidden(item)})
    notes = course.isolation.notes if course.isolation is not None else []
    course.write({"event": "collected", "tests": tests, "notes": notes, "isolated": course.isolation is not None})
    if course.isolation is not None:
        owners = {course.owner(name) for name, _ in course.order}
        for owner in list(course.isolation.spares):
            if owner not in owners and not course.isolation.kept:  # warmed at configure, but no test came
                course.isolation.take_spare(owner).close()  # type: ignore[union-attr]
        if course.order:
            course.prepare(course.order[0], load=True)


def _hidden(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("graded")
    return bool(marker is not None and marker.kwargs.get("hidden", False))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    course = item.config.stash[_course_key]
    found = plugin.task_of(item)
    item.stash[_record_key] = {"started": time.perf_counter(), "outcome": "passed", "kind": "passed",
                               "message": "", "output": ""}
    checks.named_mistakes()  # what an earlier test named is not this one's
    if course.isolation is None or found is None:
        return
    course.isolation.begin_test(found[0])
    unit = (_submission(item), split_task(found[0])[0])
    position = course.order.index(unit) if unit in course.order else -1
    for upcoming in course.order[position + 1 : position + 1 + item.config.getoption("prefetch")]:
        if course.owner(upcoming[0]) != course.owner(unit[0]):  # the same owner's next reuses this worker
            # the next student's code is imported ahead only where the two cannot meet in /tmp
            course.prepare(upcoming, load=course.isolation.sandbox.private_tmp or not course.several)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    report: pytest.TestReport = yield
    course = item.config.stash[_course_key]
    found = plugin.task_of(item)
    record = item.stash.get(_record_key, None)
    if found is None or record is None:
        return report
    name = _submission(item)
    if report.when == "call" and course.isolation is not None:
        test = course.isolation.end_test()
        if test is not None and test.outputs:
            record["output"] = _clip("".join(test.outputs), PRINTED_CHARS)
    if (report.failed or report.skipped) and record["outcome"] == "passed":
        record["outcome"] = "skipped" if report.skipped else "failed"
        record["kind"], record["message"] = explain(call.excinfo, course.folder(name))
        record["mistakes"] = checks.named_mistakes() if record["kind"] == "check" else []
    if report.when == "teardown":
        task, points = found
        course.write({"event": "test", "nodeid": item.nodeid, "submission": name, "task": task,
                      "points": points, "hidden": _hidden(item), "outcome": record["outcome"],
                      "kind": record["kind"], "message": record["message"], "output": record["output"],
                      "mistakes": record.get("mistakes", []),
                      "seconds": round(time.perf_counter() - record["started"], 3)})
        unit = (name, split_task(task)[0])
        if course.isolation is not None and unit in course.remaining:
            course.remaining[unit] -= 1
            if course.remaining[unit] == 0:
                owner = course.owner(name)
                more = any(course.owner(n) == owner and left for (n, _), left in course.remaining.items())
                course.isolation.finish(course.folder(name), unit[1], owner, reuse=more)
    return report


def explain(excinfo: pytest.ExceptionInfo[BaseException] | None, folder: Path) -> tuple[str, str]:
    """``(kind, message)`` for a failed test: what a student needs, not pytest's internals.

    Kinds: ``not_started`` (the stub's NotImplementedError), ``missing`` (no module file),
    ``check`` (a check failed), ``exception`` (their code raised), ``timeout``, ``crash``,
    ``import``, ``protocol`` (the worker), ``skipped``, ``error`` (anything else).
    """
    if excinfo is None:
        return "error", "failed"
    error = excinfo.value
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    if isinstance(error, WorkerFailure):
        return error.kind, str(error.msg)
    if isinstance(error, StudentError):
        kind = "not_started" if error.error_type == "NotImplementedError" else "exception"
        return kind, error.student_text
    if isinstance(error, pytest.skip.Exception):
        return "skipped", str(error.msg or "skipped")
    if isinstance(error, pytest.fail.Exception):
        return "check", str(error.msg)
    if isinstance(error, NotImplementedError):
        return "not_started", f"not written yet: NotImplementedError({error})"
    frames = [entry for entry in excinfo.traceback if str(folder) in str(entry.path)]
    text = "".join(f'  File "{entry.path.name}", line {entry.lineno + 1}, in {entry.name}\n'
                   f"    {str(entry.statement).strip()}\n" for entry in frames)
    message = excinfo.exconly().strip()
    return ("exception" if frames else "error"), (message + (f"\nTraceback (your code):\n{text}" if text else ""))


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size] + f"\n[... {len(text) - size} more characters]"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    course = session.config.stash.get(_course_key, None)
    if course is None:
        return
    if course.isolation is not None:
        course.isolation.settle() if course.isolation is KEPT.isolation else course.isolation.close()
    course.write({"event": "finished", "exitstatus": int(exitstatus), "pid": os.getpid()})
    if course.report is not None:
        course.report.close()
    course.exitstatus = int(exitstatus)


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """The ``course`` command's run ends here: the report is whole (its last line written at the
    session's end, after the terminal summary), and what other plugins do at unconfigure time (a
    full garbage collection over TensorFlow's heap: 0.6 s) or the interpreter's teardown
    (TensorFlow's takes seconds) would only make the student wait."""
    course = config.stash.get(_course_key, None)
    if (course is not None and course.report is not None and course.exitstatus is not None
            and KEPT.isolation is None):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(course.exitstatus)
