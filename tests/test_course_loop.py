"""Tests of the student's loop: what comes next, the progress line, stale statuses, hints again,
the telling message first, and the warm grader behind ``course watch`` (same verdicts as a cold
check, a worker whose libraries a student changed never serves the next check).

The end-to-end tests start grading processes (a few seconds each): one cold run, one warm
service for several checks, one ``course watch`` process.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.course import cli as course
from grader.course.warm import WarmGrader
from grader.course.watch import REST, graded_sources, to_check
from grader.stubgen import generate
from grader.trusted.results import FunctionResult, GradingRun, TestOutcome
from tests import test_course
from tests.test_course import ROOT, _fresh_stubs

state = test_course.state  # the fixture: a private .course/ and fresh stubs in place of exercises/

MODULE = "c1w2_logistic_regression"
REFERENCE = (ROOT / "solutions" / f"{MODULE}.py").read_text()
WRONG_SIGN = REFERENCE.replace("return 1 / (1 + np.exp(-z))", "return 1 / (1 + np.exp(z))")
TAMPERING = REFERENCE + "\nnp.mean = lambda *args, **kwargs: 0.0  # changes the library for whoever comes next\n"


def _status(**functions: str) -> dict:
    return {"functions": {t: {"status": s, "score": 1 if s == "passed" else 0} for t, s in functions.items()},
            "hints": {}}


# ---------------------------------------------------------------------------------------------
# What comes next, progress, stale statuses
# ---------------------------------------------------------------------------------------------

def test_next_stays_in_the_module_being_worked_on() -> None:
    tasks = ["c1w2_logistic_regression.sigmoid", "c1w2_logistic_regression.propagate",
             "c2w3_softmax.softmax", "c2w3_softmax.softmax_backward"]
    status = _status(**{"c2w3_softmax.softmax": "passed"})
    assert course.next_task(tasks, status) == "c1w2_logistic_regression.sigmoid"
    assert course.next_task(tasks, status, "c2w3_softmax") == "c2w3_softmax.softmax_backward"
    status["functions"]["c2w3_softmax.softmax_backward"] = {"status": "passed"}
    assert course.next_task(tasks, status, "c2w3_softmax") == "c1w2_logistic_regression.sigmoid"  # module done
    status["functions"].update({t: {"status": "passed"} for t in tasks})
    assert course.next_task(tasks, status, "c2w3_softmax") is None


def test_progress_counts_points_and_functions_per_module_and_overall() -> None:
    tasks = {"m.f": {"points": 3}, "m.g": {"points": 2}, "n.h": {"points": 5}}
    status = {"functions": {"m.f": {"status": "passed", "score": 3}, "m.g": {"status": "failed", "score": 1}},
              "hints": {}}
    assert course.progress(tasks, status, "m") == ("m: 4/5 points, 1 of 2 functions · "
                                                   "course: 4/10 points, 1 of 3 functions")


def test_a_status_is_stale_once_its_file_changes(tmp_path: Path, state: Path) -> None:
    path = tmp_path / f"{MODULE}.py"
    path.write_text(REFERENCE)
    run = GradingRun(tests=[TestOutcome(nodeid="t", task=f"{MODULE}.sigmoid", points=1, outcome="passed")])
    status = {"functions": {}, "hints": {}}
    course.remember(run, {MODULE: path}, status)
    entry = status["functions"][f"{MODULE}.sigmoid"]
    assert not course.stale(entry)
    path.write_text(WRONG_SIGN)
    assert course.stale(entry)
    assert not course.stale({"status": "passed"})  # a status from before digests: not judged


def test_the_message_shown_is_the_one_that_names_a_mistake() -> None:
    plain = TestOutcome(nodeid="a", task="m.f", points=1, kind="check", message="sigmoid(z): wrong values")
    named = TestOutcome(nodeid="b", task="m.f", points=1, kind="check", message="This is exactly what tanh gives",
                        mistakes=["tanh"])
    function = FunctionResult("m.f", False, [plain, named])
    assert function.message().startswith("This is exactly what tanh gives")
    assert "1 more failing test" in function.message()
    every = function.message(every=True)
    assert "tanh" in every and "wrong values" in every and "more failing" not in every


# ---------------------------------------------------------------------------------------------
# Hints again
# ---------------------------------------------------------------------------------------------

def test_hint_all_reads_again_the_hints_given_so_far(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hints = course.load_hints("c2w3_softmax")["softmax"]
    assert course.main(["hint", "--all"]) == 0
    assert "No hints given so far" in capsys.readouterr().out
    for _ in range(2):
        course.main(["hint", "c2w3_softmax.softmax"])
    capsys.readouterr()
    assert course.main(["hint", "--all", "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [(e["task"], e["hint"], e["text"]) for e in entries] == [
        ("c2w3_softmax.softmax", 1, hints[0]), ("c2w3_softmax.softmax", 2, hints[1])]
    assert course.main(["hint", "c2w3_softmax.softmax", "--all"]) == 0
    assert "Hint 2 of" in capsys.readouterr().out
    assert json.loads((state / "status.json").read_text())["hints"]["c2w3_softmax.softmax"] == 2  # not moved on


# ---------------------------------------------------------------------------------------------
# What a save checks
# ---------------------------------------------------------------------------------------------

def test_a_save_checks_the_functions_whose_source_changed(tmp_path: Path) -> None:
    path = tmp_path / f"{MODULE}.py"
    names = {"sigmoid", "propagate", "initialize_with_zeros"}
    path.write_text(REFERENCE)
    before = graded_sources(path, names)
    path.write_text(WRONG_SIGN)
    now = graded_sources(path, names)
    assert isinstance(before, dict) and isinstance(now, dict)
    assert to_check(before, now) == ["sigmoid"]
    assert to_check(now, now) == []
    helpers = dict(now, **{REST: now[REST] + "\nEPSILON = 1e-9\n"})
    assert sorted(to_check(now, helpers)) == sorted(names)  # every written function, none a stub
    path.write_text(REFERENCE.replace("def sigmoid(z: Any) -> Any:", "def sigmoid(z: Any) -> Any"))
    error = graded_sources(path, names)
    assert isinstance(error, str) and re.match(rf"{MODULE}\.py, line \d+: SyntaxError", error)


# ---------------------------------------------------------------------------------------------
# The warm grader: the verdicts of a cold check, and no worker a student tainted
# ---------------------------------------------------------------------------------------------

TASKS = [f"{MODULE}.sigmoid", f"{MODULE}.initialize_with_zeros", f"{MODULE}.propagate"]


def _verdicts(run: GradingRun, submission: str = "") -> list[tuple[str, str, str, str]]:
    """Each test's outcome and message, by its node id without the submission's parameter."""
    assert run.error is None and run.tests
    return sorted((t.nodeid.replace(f"[{submission}]", "").replace(f"-{submission}]", "]"), t.outcome, t.kind,
                   t.message) for t in run.tests)


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WarmGrader]:
    """One warm grader for the module's tests (what `course watch` starts)."""
    grader = WarmGrader(ROOT, course.test_files_for([MODULE]), "numpy", (30.0, 60.0, 2048))
    grader.start(tmp_path_factory.mktemp("warm") / "service.log")
    yield grader
    grader.close()
    assert grader.process is None


def test_a_warm_check_gives_the_verdicts_of_a_cold_one(tmp_path: Path, warm: WarmGrader) -> None:
    stub = generate(ROOT / "solutions", tmp_path)[tmp_path / f"{MODULE}.py"]
    files = {"wrong_sign": WRONG_SIGN, "tampering": TAMPERING, "reference": REFERENCE, "stub": stub}
    folders = {}
    for name, text in files.items():
        folders[name] = tmp_path / name
        folders[name].mkdir()
        (folders[name] / f"{MODULE}.py").write_text(text)
    cold = course.run_many(folders, TASKS)  # one grading process for the four
    for name, folder in folders.items():  # in this order: the reference right after the tampering file
        hot = course.run_graded(folder, TASKS, warm=warm)
        assert _verdicts(hot) == _verdicts(cold[name], name), name
    assert course.run_graded(folders["reference"], TASKS, warm=warm).score == cold["reference"].max_score > 0


def test_a_warm_grader_that_died_or_hung_is_replaced(tmp_path: Path, warm: WarmGrader) -> None:
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / f"{MODULE}.py").write_text(REFERENCE)
    assert warm.process is not None
    warm.process.kill()  # died between two checks: the next check starts a fresh one
    warm.process.wait()
    first = course.run_graded(folder, TASKS[:1], warm=warm)
    assert first.error is None and first.score == first.max_score > 0
    late = course.run_graded(folder, TASKS[:1], warm=warm, total_limit=0.01)  # stopped: no answer in time
    assert late.error and "stopped" in late.error and warm.process is None
    again = course.run_graded(folder, TASKS[:1], warm=warm)
    assert again.error is None and again.score == again.max_score


def test_watch_checks_the_function_saved(tmp_path: Path) -> None:
    folder = _fresh_stubs(tmp_path / "exercises")
    path = folder / f"{MODULE}.py"
    stub = path.read_text()
    watcher = subprocess.Popen([sys.executable, "-m", "grader.course", "watch", MODULE, "--impl", str(folder)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert watcher.stdout is not None
    lines: list[str] = []

    def until(pattern: str) -> str:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = watcher.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError("".join(lines))

    try:
        until("^Ready")
        start, end = stub.index("def sigmoid"), stub.index("def initialize_with_zeros")
        body = REFERENCE[REFERENCE.index("def sigmoid"):REFERENCE.index("def initialize_with_zeros")]
        path.write_text(stub[:start] + body + stub[end:])
        until(r"checking c1w2_logistic_regression\.sigmoid$")
        assert "✓ sigmoid" in until("sigmoid") and "4/4" in lines[-1]
        until("^All checked functions pass")
        path.write_text(stub[:start] + body.replace("-> Any:", "-> Any", 1) + stub[end:])
        until(r"line \d+: SyntaxError")
    finally:
        watcher.terminate()
        watcher.wait(30)
    assert not any("Traceback" in line for line in lines), "".join(lines)


def _without_times(report: str) -> dict:
    data = json.loads(report)
    for entry in [data, *data["functions"], *(t for f in data["functions"] for t in f.get("tests", []))]:
        entry.pop("seconds", None)
    return data


def test_check_beside_course_serve_gives_the_cold_verdict(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    socket = state / "grader.sock"  # where `course check` looks
    server = subprocess.Popen([sys.executable, "-m", "grader.course", "serve", "--socket", str(socket),
                               "--module", MODULE, "--idle", "3"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        (course.EXERCISES / f"{MODULE}.py").write_text(WRONG_SIGN)
        assert course.main(["check", f"{MODULE}.sigmoid", "--format", "json"]) == 1
        served = capsys.readouterr()
        assert f"(warm grader at {socket})" in served.err
        assert course.load_status()["functions"][f"{MODULE}.sigmoid"]["status"] == "failed"
        assert course.main(["check", "--cold", f"{MODULE}.sigmoid", "--format", "json"]) == 1
        cold = capsys.readouterr()
        assert "warm grader" not in cold.err
        assert _without_times(served.out) == _without_times(cold.out)
        assert server.wait(60) == 0  # idle for 3 s: it stopped on its own
        assert not socket.exists()
    finally:
        server.kill()
        server.wait()
    assert course.served_grader() is None  # no server: a check of its own


def test_check_accepts_a_module_file_by_its_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / f"{MODULE}.py"
    shutil.copyfile(ROOT / "solutions" / f"{MODULE}.py", path)
    assert course.main(["check", str(path), "sigmoid"]) == 0
    out = capsys.readouterr().out
    assert "✓ sigmoid" in out and "All checked functions pass" in out
    assert course.main(["check", str(tmp_path / "no_such_module.py")]) == 2
    assert "Received:" in capsys.readouterr().err
