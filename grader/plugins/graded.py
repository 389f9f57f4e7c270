"""The pytest plugin behind the graded suite.

Options:
    --impl exercises|solutions|PATH   the implementation the ``impl`` fixture hands to graded
                                      tests (default: exercises, the stubs a student fills in)
    --task MODULE[.FUNCTION]          only the graded tests of that module or function (repeatable)
    --audit                           prove the suite honest: every graded test runs on the
                                      references (must pass), on freshly generated stubs (must
                                      fail) and on each mutant of its function; one verdict per
                                      graded function checks that every mutant was caught.

Each graded test also gets its module's name as a marker, so ``pytest -m c2w3_softmax`` or
``pytest -m "graded(task='c2w3_softmax.softmax')"`` selects one unit of grading.

There is one route to a score: the code under test — a student's file, a reference, a stub or a
mutant — always runs in a worker process (:mod:`grader.plugins.isolated`, which provides the
``impl`` fixture), never in this one. This plugin says *what* is under test (:func:`folder_of`);
the isolation plugin runs it.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from grader import MUTANTS, mutants, split_task
from grader.stubgen import ROOT, generate
from grader.trusted.results import module_rank

REFERENCE, STUBS, MUTANT = "solutions", "stubs", "mutant-"
pytest_plugins = ["grader.plugins.isolated"]  # the isolation that runs every implementation


@dataclass
class _State:
    """What one pytest session has loaded and seen."""

    impl: str
    audit: bool
    root: Path  # holds solutions/ and exercises/
    work: Path | None = None  # fresh stubs and mutant modules of an audit
    folders: dict[str, Path] = field(default_factory=dict)  # variant -> its folder, once made
    scores: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    caught: dict[str, bool] = field(default_factory=dict)  # mutant key -> some test failed
    named: set[str] = field(default_factory=set)  # mutant keys whose failure message names them
    unimportable: dict[str, str] = field(default_factory=dict)  # mutant key -> a test whose worker could not import it
    tests: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # task -> graded tests run
    stub_passes: list[str] = field(default_factory=list)


_state_key = pytest.StashKey[_State]()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter hides the messages


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "graded exercises")
    group.addoption("--impl", default="exercises", metavar="exercises|solutions|PATH",
                    help="implementation to grade: the stubs (default), the references, or a folder "
                         "with some or all of a student's module files")
    group.addoption("--task", action="append", default=[], metavar="MODULE[.FUNCTION]",
                    help="run only the graded tests of this module or function (repeatable)")
    group.addoption("--audit", action="store_true",
                    help="references must pass, fresh stubs must fail, every mutant must be caught")
    parser.addini("grader_root", "folder that holds solutions/ and exercises/ (default: this repository)",
                  default=str(ROOT))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "graded(task, points): a graded test of task 'module.function'")
    root = Path(config.rootpath, config.getini("grader_root")).resolve()
    for path in sorted((root / "solutions").glob("*.py")):
        config.addinivalue_line("markers", f"{path.stem}: the graded tests of {path.stem}")
    config.stash[_state_key] = _State(impl=config.getoption("impl"), audit=config.getoption("audit"),
                                      root=root)
    mutants.use_solutions(root / "solutions")  # the recognised mistakes are built from these
    try:  # graders must be reproducible: the same examples every run, no flaky deadlines
        from hypothesis import HealthCheck, Phase, settings

        settings.register_profile(
            "grader", derandomize=True, database=None, deadline=None, print_blob=False,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            phases=[Phase.explicit, Phase.generate],  # no shrinking: a check must answer in seconds
        )
        settings.load_profile("grader")
    except ImportError:
        pass


def task_of(item: pytest.Item) -> tuple[str, int] | None:
    """``(task, points)`` of a graded test, None for any other item."""
    marker = item.get_closest_marker("graded")
    if marker is None:
        return None
    return marker.kwargs["task"], marker.kwargs.get("points", 1)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    state = metafunc.config.stash[_state_key]
    marker = metafunc.definition.get_closest_marker("graded")
    if not state.audit or marker is None or "impl" not in metafunc.fixturenames:
        return
    task = marker.kwargs["task"]
    keys = [key for key, m in MUTANTS.items() if m.task == task]
    metafunc.parametrize("impl", [REFERENCE, STUBS] + [MUTANT + key for key in keys], indirect=True,
                         ids=[REFERENCE, STUBS] + [MUTANT + MUTANTS[key].name for key in keys])


def implementation(config: pytest.Config) -> str:
    """The ``--impl`` value: ``exercises``, ``solutions`` or a folder."""
    return config.stash[_state_key].impl


def project_root(config: pytest.Config) -> Path:
    """The folder that holds solutions/ and exercises/."""
    return config.stash[_state_key].root


def variant(item: pytest.Item) -> str:
    """What a graded test runs on: ``solutions``, ``stubs``, ``mutant-<task>:<name>`` in an audit,
    otherwise the ``--impl`` value (or the submission's name, when several are graded)."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "impl" in callspec.params:
        return str(callspec.params["impl"])
    return item.config.stash[_state_key].impl


def folder_of(config: pytest.Config, name: str) -> Path:
    """The folder whose module files a variant (or the ``--impl`` value) stands for."""
    state = config.stash[_state_key]
    if name in state.folders:
        return state.folders[name]
    if name == STUBS or name.startswith(MUTANT):
        if state.work is None:
            state.work = config._tmp_path_factory.mktemp("audit")  # type: ignore[attr-defined]
        folder = state.work / (STUBS if name == STUBS else f"mutant-{len(state.folders)}")
        if name == STUBS:
            folder.mkdir()
            for path, text in generate(state.root / "solutions", folder).items():
                path.write_text(text)
        else:
            mutants.write_module(MUTANTS[name[len(MUTANT):]], state.root / "solutions", folder)
    elif name in (REFERENCE, "exercises"):
        folder = state.root / name
    else:
        folder = Path(name).expanduser().resolve()
    state.folders[name] = folder
    return folder


def pytest_runtest_setup(item: pytest.Item) -> None:
    state = item.config.stash[_state_key]
    name = variant(item)
    if state.audit and task_of(item) and name.startswith(MUTANT) and state.caught.get(name[len(MUTANT):]):
        pytest.skip("this mutant is already caught by an earlier test")


def mutants_that_do_not_build(keys: list[str]) -> list[str]:
    """``"key: error"`` for each mutant whose factory fails on a fresh copy of the reference."""
    broken = []
    for key in keys:
        try:
            mutants.build_here(MUTANTS[key])
        except Exception as err:  # noqa: BLE001 - any failure to build is the author's bug
            broken.append(f"{key}: {type(err).__name__}: {err}")
    return broken


class MutantVerdict(pytest.Item):
    """One item per graded function in an audit: every mutant of it failed some test of it."""

    def __init__(self, *, task: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.task = task

    def runtest(self) -> None:
        state = self.config.stash[_state_key]
        mutants = [key for key, m in MUTANTS.items() if m.task == self.task]
        if not mutants:
            raise AssertionError(f"{self.task} has no mutant: add a realistic wrong version with "
                                 "@mutant(...) beside its tests")
        broken = mutants_that_do_not_build(mutants)
        if broken:  # a mutant whose module cannot even be imported is "caught" by every test: no proof
            raise AssertionError(f"{len(broken)} mutant(s) of {self.task} cannot be built from the reference "
                                 "(fix the factory or its rewrite):\n  " + "\n  ".join(broken))
        unimportable = [f"{key} (see {state.unimportable[key]})" for key in mutants if key in state.unimportable]
        if unimportable:  # failed because its module file could not be imported in a worker: no proof either
            raise AssertionError(f"{len(unimportable)} mutant module(s) of {self.task} could not be imported in a "
                                 "worker (a test file's imports the audit did not ship?):\n  " + "\n  ".join(unimportable))
        missed = [f"{key} ({MUTANTS[key].description})" for key in mutants if not state.caught.get(key)]
        if missed:
            raise AssertionError(f"{len(missed)} mutant(s) of {self.task} passed every graded test "
                                 "of it:\n  " + "\n  ".join(missed))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, f"mutants of {self.task}"


def pytest_itemcollected(item: pytest.Item) -> None:
    found = task_of(item)
    if found is not None:  # so that `-m MODULE` selects one exercise
        item.add_marker(split_task(found[0])[0])


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    wanted = config.getoption("task")
    kept, dropped = [], []
    for item in items:
        found = task_of(item)
        if wanted and (found is None or not any(found[0] == w or found[0].startswith(w + ".")
                                                for w in wanted)):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    if config.stash[_state_key].audit:
        tasks: dict[str, pytest.Item] = {}
        for item in items:
            found = task_of(item)
            if found is not None:
                tasks.setdefault(found[0], item)
        for task, first in tasks.items():
            items.append(MutantVerdict.from_parent(first.parent, name=f"mutants_caught[{task}]",
                                                    task=task))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    report: pytest.TestReport = yield
    state = item.config.stash[_state_key]
    found = task_of(item)
    if found is None or report.when != "call":
        return report
    task, points = found
    name = variant(item)
    if not state.audit or name == REFERENCE:
        if report.failed and call.excinfo is not None and call.excinfo.errisinstance(NotImplementedError):
            report.longrepr = (f"{task}: not written yet; replace the `raise NotImplementedError(...)` "
                               "line with your code")
        state.scores[task][0] += points if report.passed else 0
        state.scores[task][1] += points
        state.tests[task] += 1
        return report
    if name == STUBS:  # a fresh stub must fail every graded test
        if report.passed:
            state.stub_passes.append(item.nodeid)
            report.outcome, report.longrepr = "failed", (
                f"the fresh stub of {task} passes this graded test: free points for doing nothing")
        else:
            report.outcome, report.longrepr = "passed", None
    else:  # a mutant needs to fail only some test of its function; the verdict item judges
        key = name[len(MUTANT):]
        if report.failed and getattr(call.excinfo.value if call.excinfo else None, "kind", None) == "import":
            state.unimportable[key] = item.nodeid
        state.caught[key] = state.caught.get(key, False) or report.failed
        if report.failed and f"what {MUTANTS[key].description} gives" in str(report.longrepr):
            state.named.add(key)
        report.outcome, report.longrepr = "passed", None
    return report


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash[_state_key]
    scores = state.scores
    if not scores:
        return
    write = terminalreporter.write_line
    label = "references" if state.audit else state.impl
    terminalreporter.section(f"graded functions ({label})")
    width = max(len(task) for task in scores)
    for task in sorted(scores):
        got, total = scores[task]
        mark = "ok  " if got == total else "FAIL"
        write(f"{mark} {task:<{width}}  {got:>3}/{total} points")
    got = sum(s[0] for s in scores.values())
    total = sum(s[1] for s in scores.values())
    write(f"total: {got}/{total} points over {len(scores)} graded functions")
    if state.audit:
        tasks = set(scores)
        n_mutants = sum(1 for m in MUTANTS.values() if m.task in tasks)
        n_caught = sum(1 for k, m in MUTANTS.items() if m.task in tasks and state.caught.get(k))
        n_named = sum(1 for k in state.named if MUTANTS[k].task in tasks)
        _module_table(state, write)
        if config.option.verbose > 0:  # which mutants a message does not name yet
            unnamed = sorted(k for k, m in MUTANTS.items() if m.task in tasks and state.caught.get(k)
                             and k not in state.named)
            write(f"caught but not named in their message ({len(unnamed)}):")
            for key in unnamed:
                write(f"  {key} ({MUTANTS[key].description})")
        write(f"audit: {n_mutants} mutants, {n_caught} caught ({n_named} named in the message that "
              f"caught them); fresh stubs passed {len(state.stub_passes)} graded test(s)")


def _module_table(state: _State, write: Any) -> None:
    """Per module: graded functions, graded tests, points, mutants caught and named."""
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for task, (_, points) in state.scores.items():
        row = rows[split_task(task)[0]]
        row[0] += 1
        row[1] += state.tests[task]
        row[2] += points
    for key, m in MUTANTS.items():
        if m.task in state.scores:
            row = rows[split_task(m.task)[0]]
            row[3] += 1
            row[4] += bool(state.caught.get(key))
            row[5] += key in state.named
    width = max(len(module) for module in rows)
    write(f"{'module':<{width}}  functions  tests  points  mutants  caught  named")
    for module in sorted(rows, key=module_rank):
        write(f"{module:<{width}}  {rows[module][0]:>9}  {rows[module][1]:>5}  {rows[module][2]:>6}  "
              f"{rows[module][3]:>7}  {rows[module][4]:>6}  {rows[module][5]:>5}")
