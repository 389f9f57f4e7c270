"""Tests of ``course plot``: the learning curves of the training functions, the student's beside
the reference's (:mod:`grader.curves`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import curves
from grader.course import cli as course
from grader.course.cli import known_modules
from grader.stubgen import generate
from grader.trusted.results import function_order

ROOT = Path(__file__).resolve().parent.parent
GD = "c2w2_optimization.update_parameters_with_gd"
REFERENCE = (ROOT / "solutions" / "c2w2_optimization.py").read_text()
NO_BIAS_STEP = REFERENCE.replace('updated[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]',
                                 'updated[f"b{l}"] = parameters[f"b{l}"]')


def test_every_curve_is_of_a_graded_training_function() -> None:
    found = {task: c for module in known_modules() for task, c in curves.curves_of(module).items()}
    assert len(found) >= 9
    for task in found:
        module, name = task.split(".")
        assert name in function_order(module), task
    assert {"c2w3_softmax.train_softmax_regression", "c2w3_tensorflow_intro.model",
            "c2w2_optimization.update_parameters_with_adam"} <= set(found)


def test_costs_must_be_a_list_of_numbers() -> None:
    assert curves.as_costs((1, 2.5)) == [1.0, 2.5]
    for wrong in (None, 3.0, ["a"], []):
        with pytest.raises(ValueError):
            curves.as_costs(wrong)


def test_plot_draws_the_students_curve_beside_the_references(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(course, "STATE", tmp_path / ".course")
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "c2w2_optimization.py").write_text(REFERENCE)
    assert course.main(["plot", GD, "--impl", str(folder)]) == 0
    out = capsys.readouterr().out
    last = out.split("Your last cost: ")[1].split()[0]
    assert f"(the reference's: {last})" in out  # the same function: the same curve
    png = tmp_path / ".course" / "plots" / f"{GD}.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    (folder / "c2w2_optimization.py").write_text(NO_BIAS_STEP)  # b never moves: the cost stalls above 0
    assert course.main(["plot", GD, "--impl", str(folder), "--out", str(tmp_path / "wrong.png")]) == 0
    yours, reference = (float(x.strip("()',")) for x in capsys.readouterr().out.split()[3:7:3])
    assert yours > 10 * reference and (tmp_path / "wrong.png").is_file()

    (folder / "c2w2_optimization.py").write_text(generate(ROOT / "solutions", folder)[folder / "c2w2_optimization.py"])
    assert course.main(["plot", GD, "--impl", str(folder), "--out", str(tmp_path / "stub.png")]) == 1
    assert "No curve of yours" in capsys.readouterr().out


def test_plot_of_a_function_without_a_curve_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert course.main(["plot", "c2w3_softmax.softmax", "--impl", str(ROOT / "solutions")]) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("course: ")]
    assert len(errors) == 1 and "has no learning curve" in errors[0] and "train_softmax_regression" in errors[0]
    assert course.main(["plot", "softmax"]) == 2
    assert "Received: 'softmax'" in capsys.readouterr().err
