"""Unit tests of the stub generator: regions become raises, markers are checked, the repo is in sync."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from grader import stubgen
from grader.stubgen import MarkerError, make_stub

SOLUTION = '''\
"""A module that teaches something."""

import numpy as np


def _helper(x):
    return x + 1


def square(x: float) -> float:
    """Return x squared."""
    # A narrative comment stays.
    ### BEGIN SOLUTION
    y = x * x
    return y
    ### END SOLUTION


class Layer:
    def call(self, x):
        """Call."""
        ### BEGIN SOLUTION
        return _helper(x)
        ### END SOLUTION
'''


def test_make_stub_replaces_each_region_with_a_named_raise() -> None:
    stub = make_stub(SOLUTION, "mod")
    assert 'raise NotImplementedError("mod.square")' in stub
    assert '        raise NotImplementedError("mod.Layer.call")' in stub
    assert "x * x" not in stub and "return _helper(x)" not in stub
    assert "SOLUTION" not in stub.replace("solutions/", "")


def test_make_stub_keeps_signatures_docstrings_helpers_and_comments() -> None:
    stub = make_stub(SOLUTION, "mod")
    for kept in ('"""A module that teaches something."""', "def _helper(x):\n    return x + 1",
                 "def square(x: float) -> float:", '"""Return x squared."""',
                 "# A narrative comment stays.", "import numpy as np"):
        assert kept in stub
    ast.parse(stub)


def test_make_stub_output_raises_when_called(tmp_path: Path) -> None:
    namespace: dict[str, object] = {}
    exec(compile(make_stub(SOLUTION, "mod"), "stub", "exec"), namespace)
    with pytest.raises(NotImplementedError, match=r"^mod\.square$"):
        namespace["square"](2.0)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", r"x\.py:2: .*never closed"),
        ("def f():\n    return 1\n    ### END SOLUTION\n", r"x\.py:3: .*without a"),
        ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    return 1\n"
         "    ### END SOLUTION\n    ### END SOLUTION\n", r"x\.py:3: nested"),
        ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", r"x\.py:1: solution region outside any function"),
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n  ### END SOLUTION\n", r"x\.py:4: .*not indented"),
        ("def f():\n    ### BEGIN SOLUTON\n    return 1\n", r"x\.py:2: malformed marker"),
        ("def f():\n    return 1\n", r"x\.py: no .* region"),
        ("def f(:\n    pass\n", r"x\.py:1: not valid Python"),
        ("def f():\n    ### BEGIN SOLUTION\n    a = 1\n    ### END SOLUTION\n"
         "    ### BEGIN SOLUTION\n    return a\n    ### END SOLUTION\n", r"x\.py:5: second solution region in f"),
    ],
    ids=["unclosed", "end-without-begin", "nested", "outside-function", "misindented-end",
         "misspelt", "no-region", "syntax-error", "two-regions"],
)
def test_make_stub_rejects_bad_markers_naming_file_and_line(source: str, message: str) -> None:
    with pytest.raises(MarkerError, match=message):
        make_stub(source, "x", "x.py")


def test_check_reports_stale_missing_and_orphan_stubs(tmp_path: Path) -> None:
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    exercises.mkdir()
    (solutions / "a.py").write_text(SOLUTION)
    (solutions / "b.py").write_text(SOLUTION)
    (exercises / "a.py").write_text("edited by hand\n")
    (exercises / "orphan.py").write_text("")
    problems = stubgen.out_of_sync(solutions, exercises)
    assert problems == ["b.py: missing", "a.py: differs from the generated stub",
                        "orphan.py: has no solution in solutions/"]
    assert stubgen.main(["--force", "--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    (exercises / "orphan.py").unlink()
    next(exercises.glob("a.py.orig-*")).unlink()  # the hand edit, kept by --force
    assert stubgen.out_of_sync(solutions, exercises) == []
    assert stubgen.main(["--check", "--solutions", str(solutions), "--exercises", str(exercises)]) == 0


def test_regenerating_never_loses_a_students_edits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    (solutions / "a.py").write_text(SOLUTION)
    assert stubgen.main(["--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "."], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "s"],
                   check=True)
    (exercises / "a.py").write_text("my answer\n")  # the student's work
    assert stubgen.out_of_sync(solutions, exercises) == []  # the committed stub is in sync
    assert stubgen.main(["--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    assert (exercises / "a.py").read_text() == "my answer\n"
    assert "has your code" in capsys.readouterr().err
    (solutions / "a.py").write_text(SOLUTION.replace("return", "return  "))  # a changed reference
    assert stubgen.out_of_sync(solutions, exercises) == ["a.py: differs from the generated stub"]
    assert stubgen.main(["--force", "--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    backups = list(exercises.glob("a.py.orig-*"))
    assert len(backups) == 1 and backups[0].read_text() == "my answer\n"
    assert stubgen.out_of_sync(solutions, exercises) == []


def test_a_stub_written_before_is_replaced_without_a_commit_in_between(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """An author changes a solution twice between commits: the stub of the first change is not work."""
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    (solutions / "a.py").write_text(SOLUTION)
    assert stubgen.main(["--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    (solutions / "a.py").write_text('"""A changed docstring."""\n' + SOLUTION)
    assert stubgen.main(["--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    assert "has your code" not in capsys.readouterr().err
    assert stubgen.out_of_sync(solutions, exercises) == []
    (exercises / "a.py").write_text("my answer\n")  # the student's work is still never replaced
    (solutions / "a.py").write_text(SOLUTION)
    assert stubgen.main(["--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    assert (exercises / "a.py").read_text() == "my answer\n"


def test_main_exits_2_with_the_marker_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.py").write_text("def f():\n    ### BEGIN SOLUTION\n    return 1\n")
    assert stubgen.main(["--solutions", str(tmp_path), "--exercises", str(tmp_path / "out")]) == 2
    assert "bad.py:2:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_repository_exercises_are_in_sync_with_solutions() -> None:
    problems = stubgen.out_of_sync(stubgen.ROOT / "solutions", stubgen.ROOT / "exercises")
    assert problems == [], "exercises/ is stale; run `make stubs`: " + "; ".join(problems)
