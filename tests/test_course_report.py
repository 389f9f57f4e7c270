"""Tests of the class report of ``course grade --submissions`` (:mod:`grader.course.report`).

Synthetic runs first (the shares, the ranking, each student counted once per mistake, the files);
then one real ``course grade --submissions`` of two tiny submissions (one grading process: a few
seconds).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.course import cli as course
from grader.course.report import class_report, render_markdown, share, write_class_report
from grader.trusted.results import GradingRun, TestOutcome

ROOT = Path(__file__).resolve().parent.parent
SOFTMAX, BACKWARD = "c2w3_softmax.softmax", "c2w3_softmax.softmax_backward"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _test(task: str, number: int, outcome: str = "passed", kind: str = "passed", mistakes: tuple[str, ...] = (),
          hidden: bool = False) -> TestOutcome:
    return TestOutcome(f"tests/{task}::test_{number}", task, points=1, hidden=hidden, outcome=outcome, kind=kind,
                       mistakes=list(mistakes))


def _failed(task: str, number: int, *mistakes: str, hidden: bool = False) -> TestOutcome:
    return _test(task, number, "failed", "check", mistakes, hidden)


def _runs() -> dict[str, GradingRun]:
    """Four submissions: three graded on softmax and softmax_backward, one whose run failed.

    "the axis" is named by four tests of one student, "the sign" by three tests of two students:
    counted per student the sign comes first (2 against 1), counted per test the axis would (4 against 3).
    """
    return {
        "carol": GradingRun(tests=[_test(SOFTMAX, 1, "failed", "not_started"), _test(SOFTMAX, 2, "failed", "not_started"),
                                   _failed(BACKWARD, 1, "the sign"), _failed(BACKWARD, 2, "the sign")]),
        "alice": GradingRun(tests=[_test(SOFTMAX, 1), _test(SOFTMAX, 2), _test(BACKWARD, 1), _test(BACKWARD, 2)]),
        "bob": GradingRun(tests=[_failed(SOFTMAX, 1, "the axis"), _failed(SOFTMAX, 2, "the axis"),
                                 _failed(SOFTMAX, 3, "the axis"), _failed(SOFTMAX, 4, "the axis", hidden=True),
                                 _test(BACKWARD, 1), _failed(BACKWARD, 2, "the sign", hidden=True)]),
        "dave": GradingRun(tests=[], error="the grading process stopped with exit code 9"),
    }


def test_share_rounds_half_up_and_names_what_it_counts() -> None:
    assert share(5, 12) == "42 % (5 of 12)"
    assert share(10, 12, "full marks") == "83 % full marks (10 of 12)"
    assert share(1, 8) == "13 % (1 of 8)" and share(0, 3) == "0 % (0 of 3)"


def test_class_report_counts_attempts_and_full_marks_per_function_in_course_order() -> None:
    report = class_report(_runs())
    assert (report.submissions, report.graded) == (4, 3)
    assert [(t.task, t.graded, t.attempted, t.full_marks) for t in report.functions] == [
        (SOFTMAX, 3, 2, 1),  # carol's stub is not an attempt
        (BACKWARD, 3, 3, 1),  # bob passed its visible tests, failed a hidden one: not full marks
    ]
    markdown = render_markdown(report)
    assert f"| {SOFTMAX} | 2 of 3 | 33 % full marks (1 of 3) |" in markdown
    assert f"| {BACKWARD} | 3 of 3 | 33 % full marks (1 of 3) |" in markdown


def test_class_report_counts_each_student_once_per_mistake_and_ranks_by_students() -> None:
    report = class_report(_runs())
    assert [(m.task, m.description, m.students) for m in report.mistakes] == [
        (BACKWARD, "the sign", 2), (SOFTMAX, "the axis", 1)]
    markdown = render_markdown(report)
    first, second = (f"1. 67 % (2 of 3) — {BACKWARD}: the sign", f"2. 33 % (1 of 3) — {SOFTMAX}: the axis")
    assert first in markdown and second in markdown


def test_class_report_ranks_ties_in_course_order() -> None:
    runs = {"a": GradingRun(tests=[_failed(BACKWARD, 1, "a late mistake")]),
            "b": GradingRun(tests=[_failed(SOFTMAX, 1, "an early mistake")])}
    assert [m.task for m in class_report(runs).mistakes] == [SOFTMAX, BACKWARD]


def test_class_report_lists_the_submissions_that_could_not_be_graded() -> None:
    markdown = render_markdown(class_report(_runs()))
    assert "4 submissions: 3 graded, 1 could not be graded" in markdown
    assert markdown.endswith("## Not graded\n\n- dave: the grading process stopped with exit code 9\n")


def test_render_markdown_keeps_a_description_on_its_line_and_escapes_markup() -> None:
    runs = {"a": GradingRun(tests=[_failed(SOFTMAX, 1, "A*(1 - A) | the\nsigmoid's")])}
    assert f"— {SOFTMAX}: A\\*(1 - A) \\| the sigmoid's\n" in render_markdown(class_report(runs))


def test_write_class_report_writes_markdown_and_a_png(tmp_path: Path) -> None:
    written = write_class_report(_runs(), tmp_path / "graded")
    assert written == [tmp_path / "graded" / "report.md", tmp_path / "graded" / "report.png"]
    assert written[0].read_text().startswith("# Class report\n")
    assert written[1].read_bytes().startswith(PNG_SIGNATURE)
    empty = write_class_report({"x": GradingRun(tests=[], error="the grader failed")}, tmp_path / "none")
    assert "No function was graded." in empty[0].read_text() and empty[1].read_bytes().startswith(PNG_SIGNATURE)


def test_the_course_process_imports_neither_matplotlib_nor_tensorflow_nor_the_graders_libraries() -> None:
    """It starts the grading process: pytest and NumPy are that process's to import (0.2 s sooner)."""
    code = ("import sys, grader.course.cli, grader.course.report; "
            "print(sorted({'matplotlib', 'tensorflow', 'keras', 'pytest', 'numpy'} & set(sys.modules)))")
    found = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_grade_submissions_writes_the_class_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    submissions, out = tmp_path / "submissions", tmp_path / "graded"
    (submissions / "correct").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "c1w2_logistic_regression.py", submissions / "correct")
    (submissions / "wrong_sign").mkdir()
    (submissions / "wrong_sign" / "c1w2_logistic_regression.py").write_text(
        "import numpy as np\n\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(z))\n")
    code = course.main(["grade", "--submissions", str(submissions), "--out", str(out),
                        "--task", "c1w2_logistic_regression.sigmoid"])
    assert code == 0
    assert f"wrote {out / 'report.md'} and {out / 'report.png'}" in capsys.readouterr().out
    markdown = (out / "report.md").read_text()
    assert "| c1w2_logistic_regression.sigmoid | 2 of 2 | 50 % full marks (1 of 2) |" in markdown
    assert "1. 50 % (1 of 2) — c1w2_logistic_regression.sigmoid: 1 / (1 + exp(z)), the sign of the exponent lost" \
        in markdown
    assert (out / "report.png").read_bytes().startswith(PNG_SIGNATURE)
