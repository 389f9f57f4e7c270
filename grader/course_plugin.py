"""The pytest side of the ``course`` command: isolated grading and a report a tool can read.

Loaded with ``-p grader.course_plugin`` next to :mod:`grader.plugin` (``course`` does this).

Options:
    --isolate                   run the student's code in worker processes (:mod:`grader.isolation`);
                                the ``impl`` fixture then returns a proxy of the module
    --submission NAME=DIR       grade several folders in this one session (repeatable; isolated
                                only): each graded test runs once per folder, folder after folder
    --time-limit SECONDS        time the student's code may run in one test (default 30)
    --import-time-limit SECONDS time to import the student's module (default 60; TensorFlow is
                                imported by the worker beforehand and does not count)
    --memory-limit MIB          memory of a worker (default 2048)
    --report FILE               JSON lines: the graded tests collected, one line per graded test
                                as it finishes, and a last line when the run ends
    --display PREFIX            how messages name the student's folder (``exercises/``)

A line per graded test holds its submission, task, points, outcome and the message a student
needs: the check's own message, or what their code raised with only their frames of the
traceback, or what happened to the worker (timed out, crashed, exited), and what it printed.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any, TextIO

import pytest

from grader import plugin, split_task
from grader.isolation import Isolation, Limits, RemoteModule, StudentError, WorkerFailure
from grader.loader import Unattempted

PRINTED_CHARS = 1500  # of what the student's code printed, kept in a failed test's message
_course_key = pytest.StashKey["_Course"]()
_record_key = pytest.StashKey[dict[str, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("course", "isolated grading (the course command)")
    group.addoption("--isolate", action="store_true",
                    help="run the student's code in separate worker processes, never in this one")
    group.addoption("--submission", action="append", default=[], metavar="NAME=DIR",
                    help="grade this folder too, under NAME (repeatable; with --isolate)")
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
    group.addoption("--display", default=None, metavar="PREFIX",
                    help="how messages name the student's folder, e.g. 'exercises/'")
    group.addoption("--work-dir", default=None, metavar="DIR",
                    help="where isolation keeps its folders (default: the temporary folder)")


Unit = tuple[str, str]  # (submission name, module): one worker's worth of tests


class _Course:
    """State of one run: the folders, the isolation layer, the report, the order of work."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.isolation: Isolation | None = None
        path = config.getoption("report")
        self.report: TextIO | None = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115
        self.order: list[Unit] = []
        self.remaining: dict[Unit, int] = {}
        state = config.stash[plugin._state_key]
        self.folders: dict[str, Path] = {}
        for entry in config.getoption("submission"):
            name, equals, folder = entry.partition("=")
            if not (equals and name and folder):
                raise pytest.UsageError(f"--submission takes NAME=DIR. Received: {entry!r}")
            self.folders[name] = Path(folder).expanduser().resolve()
        self.several = bool(self.folders)
        if not self.several:
            self.folders[""] = plugin._folder(state, state.impl, config)
        self.display = config.getoption("display")

    def write(self, record: dict[str, Any]) -> None:
        if self.report is not None:
            self.report.write(json.dumps(record) + "\n")
            self.report.flush()

    def display_prefix(self, name: str) -> str:
        if self.display is not None and not self.several:
            return self.display
        folder = self.folders[name]
        try:
            return f"{folder.relative_to(Path.cwd())}/"
        except ValueError:
            return f"{folder}/"

    def prepare(self, unit: Unit, load: bool) -> None:
        name, module = unit
        assert self.isolation is not None
        self.isolation.prepare(self.folders[name], module, self.display_prefix(name), load=load)


def _submission(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    return str(callspec.params.get("impl", "")) if callspec is not None else ""


class _IsolatedImpl:
    """Registered in isolated mode; its ``impl`` overrides :func:`grader.plugin.impl`."""

    def __init__(self, course: _Course) -> None:
        self.course = course

    @pytest.fixture
    def impl(self, request: pytest.FixtureRequest) -> RemoteModule | Unattempted:
        found = plugin._task(request.node)
        if found is None:
            raise pytest.UsageError(f"{request.node.nodeid} uses `impl` but has no @graded(...) marker")
        module = split_task(found[0])[0]
        course = self.course
        name = getattr(request, "param", "")
        assert course.isolation is not None
        display = course.display_prefix(name)
        session = course.isolation.session(course.folders[name], module, display)
        if session is None:
            return Unattempted(module, f"{module}.py is not in {display}: not attempted")
        return RemoteModule(session)


@pytest.hookimpl(trylast=True)  # after grader.plugin's
def pytest_configure(config: pytest.Config) -> None:
    state = config.stash[plugin._state_key]
    for path in sorted((state.root / "exercises").glob("*.py")):  # the autograder ships no solutions/
        config.addinivalue_line("markers", f"{path.stem}: the graded tests of {path.stem}")
    course = _Course(config)
    config.stash[_course_key] = course
    if not config.getoption("isolate"):
        if course.several:
            raise pytest.UsageError("--submission needs --isolate")
        return
    if config.getoption("audit"):
        raise pytest.UsageError("--isolate grades submissions; --audit checks the suite in one process")
    limits = Limits(time=config.getoption("time_limit"), import_time=config.getoption("import_time_limit"),
                    memory=config.getoption("memory_limit") * 2**20)
    protect = [state.root / "solutions", Path(config.rootpath) / "tests", Path(config.rootpath) / ".git",
               Path(config.rootpath) / ".course", *{Path(a).resolve().parent for a in config.args if Path(a).exists()}]
    work_dir = config.getoption("work_dir")
    course.isolation = Isolation(limits, protect, Path(work_dir) if work_dir else None)
    config.pluginmanager.register(_IsolatedImpl(course), "grader-isolated-impl")
    first = _first_module(course, config.getoption("task"))
    if first is not None:  # TensorFlow loads in the worker while pytest collects here
        course.prepare((next(iter(course.folders)), first), load=False)


def _first_module(course: _Course, tasks: list[str]) -> str | None:
    """The module whose tests will run first, guessed before collection from --task or the
    test files named on the command line (``tests/test_<module>.py``, in pytest's order)."""
    candidates = [t.partition(".")[0] for t in tasks]
    if not candidates:
        for argument in course.config.args or [str(course.config.rootpath / "tests")]:
            path = Path(argument.split("::")[0])
            files = sorted(path.glob("test_*.py")) if path.is_dir() else [path]
            candidates += [f.stem[len("test_"):] for f in files if f.stem.startswith("test_")]
    folder = next(iter(course.folders.values()))
    for module in candidates:
        if (folder / f"{module}.py").is_file():
            return module
    return None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    course = metafunc.config.stash.get(_course_key, None)
    if (course is not None and course.several and "impl" in metafunc.fixturenames
            and metafunc.definition.get_closest_marker("graded") is not None):
        names = list(course.folders)
        metafunc.parametrize("impl", names, indirect=True, ids=names)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    course = config.stash[_course_key]
    if course.several:  # one submission after another, so that only its workers are alive
        rank = {name: i for i, name in enumerate(course.folders)}
        items.sort(key=lambda item: rank.get(_submission(item), -1))


def pytest_collection_finish(session: pytest.Session) -> None:
    course = session.config.stash[_course_key]
    tests = []
    for item in session.items:
        found = plugin._task(item)
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
        wanted = {(course.folders[name], module) for name, module in course.order}
        for key in list(course.isolation.sessions):
            if key not in wanted:  # a guess at configure time that has no tests
                course.isolation.finish(*key)
        if course.order:
            course.prepare(course.order[0], load=True)


def _hidden(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("graded")
    return bool(marker is not None and marker.kwargs.get("hidden", False))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    course = item.config.stash[_course_key]
    found = plugin._task(item)
    item.stash[_record_key] = {"started": time.perf_counter(), "outcome": "passed", "kind": "passed",
                               "message": "", "output": ""}
    if course.isolation is None or found is None:
        return
    course.isolation.begin_test(found[0])
    unit = (_submission(item), split_task(found[0])[0])
    position = course.order.index(unit) if unit in course.order else -1
    for upcoming in course.order[position + 1 : position + 1 + item.config.getoption("prefetch")]:
        if upcoming[0] != unit[0]:  # the same student's next module reuses this worker if clean
            course.prepare(upcoming, load=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    report: pytest.TestReport = yield
    course = item.config.stash[_course_key]
    found = plugin._task(item)
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
        record["kind"], record["message"] = explain(call.excinfo, course.folders[name])
    if report.when == "teardown":
        task, points = found
        course.write({"event": "test", "nodeid": item.nodeid, "submission": name, "task": task,
                      "points": points, "hidden": _hidden(item), "outcome": record["outcome"],
                      "kind": record["kind"], "message": record["message"], "output": record["output"],
                      "seconds": round(time.perf_counter() - record["started"], 3)})
        unit = (name, split_task(task)[0])
        if course.isolation is not None and unit in course.remaining:
            course.remaining[unit] -= 1
            if course.remaining[unit] == 0:
                more = any(n == name and left for (n, _), left in course.remaining.items())
                course.isolation.finish(course.folders[name], unit[1], reuse=more)
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
        message = str(error.msg)
        if "not attempted" in message:
            return "missing", message
        if re.search(r"importing \S+ failed", message):
            return "import", message
        return "check", message
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
        course.isolation.close()
    course.write({"event": "finished", "exitstatus": int(exitstatus), "pid": os.getpid()})
    if course.report is not None:
        course.report.close()
