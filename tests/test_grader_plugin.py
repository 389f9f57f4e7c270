"""Unit tests of the pytest plugin, the module loader and the checks, on a toy exercise.

Each test builds a small project (solutions/, a graded test file, a mutant) in a temporary
folder and runs pytest on it in a subprocess, so the toy never mixes with the real suite.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from grader import checks, graded, split_task
from grader.worker.loader import load_module

pytest_plugins = ["pytester"]

TOY_SOLUTION = '''\
"""Toy exercise."""


def double(x: float) -> float:
    """Return 2x."""
    ### BEGIN SOLUTION
    return 2.0 * x
    ### END SOLUTION


def halve(x: float) -> float:
    """Return x / 2."""
    ### BEGIN SOLUTION
    return x / 2.0
    ### END SOLUTION
'''

TOY_TESTS = '''\
from grader import checks, graded, mutant


@graded("toy.double", points=2)
def test_double_of_three(impl):
    checks.check_scalar(impl.double(3.0), 6.0, call="double(3.0)")


@graded("toy.halve", points=1)
def test_halve_of_three(impl):
    checks.check_scalar(impl.halve(3.0), 1.5, call="halve(3.0)")


@mutant("toy.double", "adds instead of multiplying")
def double_adds(ref):
    return lambda x: x + 2.0


@mutant("toy.halve", "{halve_mutant}")
def halve_integer_division(ref):
    return lambda x: float(x // 2)
'''


@pytest.fixture
def toy(pytester: pytest.Pytester) -> pytest.Pytester:
    """A toy project: one module with two graded functions, their tests and mutants."""
    pytester.makeini("[pytest]\naddopts = -p grader.plugins.graded\ngrader_root = .\n")
    (pytester.path / "solutions").mkdir()
    (pytester.path / "solutions" / "toy.py").write_text(TOY_SOLUTION)
    (pytester.path / "exercises").mkdir()
    (pytester.path / "exercises" / "toy.py").write_text("def double(x):\n    raise NotImplementedError\n")
    pytester.makepyfile(test_toy=TOY_TESTS.format(halve_mutant="floor division"))
    return pytester


def test_audit_passes_when_references_pass_stubs_fail_and_mutants_are_caught(toy: pytest.Pytester) -> None:
    result = toy.runpytest_subprocess("--audit")
    result.assert_outcomes(passed=2 * 3 + 2)  # 2 tests x (reference, stub, mutant) + 2 verdicts
    result.stdout.fnmatch_lines(["*audit: 2 mutants, 2 caught (* named in the message that caught them); fresh stubs passed 0 graded test(s)*"])


def test_audit_fails_on_a_mutant_that_no_test_catches(toy: pytest.Pytester) -> None:
    # 3.0 // 2 == 1.0 != 1.5 is caught; a test on 4.0 alone would not catch floor division.
    toy.makepyfile(test_toy=TOY_TESTS.format(halve_mutant="floor division").replace("halve(3.0), 1.5", "halve(4.0), 2.0")
                   .replace('call="halve(3.0)"', 'call="halve(4.0)"'))
    result = toy.runpytest_subprocess("--audit")
    result.assert_outcomes(passed=7, failed=1)
    result.stdout.fnmatch_lines(["*1 mutant(s) of toy.halve passed every graded test of it:*",
                                 "*toy.halve:halve_integer_division (floor division)*"])


def test_audit_fails_on_a_mutant_that_cannot_be_built(toy: pytest.Pytester) -> None:
    # Its module would fail to import, so every test "catches" it: that proves nothing.
    stale = ('\n\n@mutant("toy.halve", "a rewrite of text the reference no longer holds")\n'
             'def halve_stale_rewrite(ref):\n    return rewrite(ref, "halve", "x * 0.5", "x * 0.4")\n')
    toy.makepyfile(test_toy=TOY_TESTS.format(halve_mutant="floor division").replace(
        "import checks, graded, mutant", "import checks, graded, mutant, rewrite") + stale)
    result = toy.runpytest_subprocess("--audit")
    result.stdout.fnmatch_lines(["*1 mutant(s) of toy.halve cannot be built from the reference*",
                                 "*toy.halve:halve_stale_rewrite: AssertionError*no longer in the reference*"])
    assert result.ret != 0


def test_known_mistakes_name_the_mutant_a_student_wrote(toy: pytest.Pytester) -> None:
    """The message is built from the registered mutant, on the grader's side, from the reference."""
    toy.makepyfile(test_toy=TOY_TESTS.format(halve_mutant="floor division").replace(
        'checks.check_scalar(impl.halve(3.0), 1.5, call="halve(3.0)")',
        'checks.check_scalar(impl.halve(3.0), 1.5, call="halve(3.0)", mistakes=checks.known_mistakes("toy.halve", 3.0))'))
    submission = toy.path / "student"
    submission.mkdir()
    (submission / "toy.py").write_text("def double(x):\n    return 2.0 * x\n\n\ndef halve(x):\n    return float(x // 2)\n")
    result = toy.runpytest_subprocess(f"--impl={submission}")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*halve(3.0): the result is wrong: got 1, expected 1.5*",
                                 "*This is exactly what floor division gives.*"])


def test_audit_fails_when_a_fresh_stub_earns_points(toy: pytest.Pytester) -> None:
    weak_test = ('\n\n@graded("toy.halve")\ndef test_halve_is_callable(impl):\n'
                 '    assert callable(impl.halve)\n')
    toy.makepyfile(test_toy=TOY_TESTS.format(halve_mutant="floor division") + weak_test)
    result = toy.runpytest_subprocess("--audit")
    result.stdout.fnmatch_lines(["*the fresh stub of toy.halve passes this graded test: free points*",
                                 "*fresh stubs passed 1 graded test(s)*"])
    assert result.ret != 0


def test_audit_fails_for_a_graded_function_without_mutant(toy: pytest.Pytester) -> None:
    toy.makepyfile(test_toy=TOY_TESTS.split("@mutant")[0])
    result = toy.runpytest_subprocess("--audit")
    result.stdout.fnmatch_lines(["*toy.double has no mutant*"])
    assert result.ret != 0


def test_impl_solutions_scores_every_function(toy: pytest.Pytester) -> None:
    result = toy.runpytest_subprocess("--impl=solutions")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*ok   toy.double  *2/2 points*", "*total: 3/3 points over 2 graded functions*"])


def test_impl_path_grades_a_partial_submission_and_explains_missing_modules(toy: pytest.Pytester) -> None:
    submission = toy.path / "student"
    submission.mkdir()
    result = toy.runpytest_subprocess(f"--impl={submission}")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*toy.double: toy.py is not in student/: not attempted*"])
    (submission / "toy.py").write_text("def double(x):\n    return 2 * x\n")
    result = toy.runpytest_subprocess(f"--impl={submission}")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*FAIL toy.halve*0/1 points*"])


def test_impl_path_reports_an_import_error_without_stopping_the_run(toy: pytest.Pytester) -> None:
    submission = toy.path / "student"
    submission.mkdir()
    (submission / "toy.py").write_text("import sys\nsys.exit(3)\n")
    result = toy.runpytest_subprocess(f"--impl={submission}")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*importing student/toy.py called sys.exit(3): a module must not exit*"])


def test_default_impl_is_the_exercises_folder(toy: pytest.Pytester) -> None:
    result = toy.runpytest_subprocess()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*toy.double: not written yet; replace the `raise NotImplementedError(...)`*",
                                 "*graded functions (exercises)*", "*total: 0/3 points*"])


def test_task_option_and_module_marker_select_one_unit(toy: pytest.Pytester) -> None:
    toy.runpytest_subprocess("--impl=solutions", "--task", "toy.halve").assert_outcomes(passed=1)
    toy.runpytest_subprocess("--impl=solutions", "--task", "toy").assert_outcomes(passed=2)
    toy.runpytest_subprocess("--impl=solutions", "-m", "toy").assert_outcomes(passed=2)
    toy.runpytest_subprocess("--impl=solutions", "-m", "graded(task='toy.double')").assert_outcomes(passed=1)


def test_load_module_gives_independent_copies(tmp_path: Path) -> None:
    (tmp_path / "toy.py").write_text("state = []\n")
    first, second = load_module(tmp_path, "toy"), load_module(tmp_path, "toy")
    first.state.append(1)
    assert second.state == [] and first.__name__ != second.__name__


def test_graded_and_split_task_reject_malformed_names() -> None:
    assert split_task("c2w3_softmax.softmax") == ("c2w3_softmax", "softmax")
    with pytest.raises(ValueError, match=re.escape("Received: task='softmax'")):
        graded("softmax")
    with pytest.raises(ValueError, match=re.escape("Received: points=0")):
        graded("m.f", points=0)


def test_checks_reject_objects_that_only_pretend_to_be_equal() -> None:
    class AlwaysEqual:
        def __eq__(self, other: object) -> bool:
            return True

    with pytest.raises(pytest.fail.Exception, match="should be a number or an array"):
        checks.check_close(AlwaysEqual(), np.ones(3), call="f(x)")
    with pytest.raises(pytest.fail.Exception, match="returned None"):
        checks.check_close(None, np.ones(3), call="f(x)")


class _Mistakes(checks.KnownMistakes):
    """Known mistakes with given values, in place of mutants built from a reference."""

    def __init__(self, values: dict[str, object]) -> None:
        self.values = values

    def items(self):
        yield from self.values.items()


def test_check_close_names_the_index_and_the_likely_mistake() -> None:
    expected = np.array([[0.1, 0.7], [0.9, 0.3]])
    with pytest.raises(pytest.fail.Exception) as excinfo:
        checks.check_close(expected.T, expected, call="softmax(Z)", name="A", mistakes=_Mistakes(
            {"softmax over the wrong axis": expected.T, "something else": expected * 2,
             "the transpose, said another way": expected.T.copy()}))
    message = str(excinfo.value)
    assert message.startswith("softmax(Z): A is wrong at index (0, 1): got 0.9, expected 0.7")
    assert message.endswith("\nThis is exactly what softmax over the wrong axis gives, and also what the "
                            "transpose, said another way gives.")
    with pytest.raises(pytest.fail.Exception, match="has shape .1, 4., expected .4,.\nThis is exactly what a row gives"):
        checks.check_shape(np.ones((1, 4)), (4,), call="f(x)", mistakes=_Mistakes({"a row": np.ones((1, 4))}))
    with pytest.raises(pytest.fail.Exception, match=r"shape \(2, 3\), expected \(3, 2\) \(transposed\?\)"):
        checks.check_shape(np.zeros((2, 3)), (3, 2), call="f(x)")


def test_check_scalar_insists_on_a_python_float() -> None:
    with pytest.raises(pytest.fail.Exception, match="should be a Python float"):
        checks.check_scalar(np.array([[0.5]]), 0.5, call="cost(A, Y)")
    assert checks.check_scalar(0.5, 0.5, call="cost(A, Y)") == 0.5


def test_call_describes_arrays_by_shape_and_scalars_by_value() -> None:
    text = checks.call("batchnorm_forward", Z=np.zeros((4, 6)), eps=1e-5)
    assert text == "batchnorm_forward(Z, eps=1e-05) with Z of shape (4, 6)"
