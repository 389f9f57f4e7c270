"""The graded tests of mls_model_evaluation.diagnose, and the mutants they must catch."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from grader import checks, graded, mutant, rewrite
from tests.mls_model_evaluation.oracles import COURSE_DIAGNOSES, TASK, TOLERANCE, VERDICTS, expected_diagnosis

FUNCTION = TASK + "diagnose"


def check_verdict(impl, j_train, j_cv, j_baseline, expected, note="", **kwargs):
    call = checks.call("diagnose", j_train=j_train, j_cv=j_cv, j_baseline=j_baseline, **kwargs) + note
    got = impl.diagnose(j_train, j_cv, j_baseline, **kwargs)
    if not isinstance(got, str) or got not in VERDICTS:
        checks.fail(f"{call} returned {got!r:.80}: expected one of the strings {', '.join(map(repr, VERDICTS))}")
    checks.check_equal(got, expected, call=call, name="the diagnosis",
                       mistakes=checks.known_mistakes(FUNCTION, j_train, j_cv, j_baseline, **kwargs))


@graded(FUNCTION, points=2)
def test_diagnose_reproduces_the_course(impl):
    for (j_train, j_cv, j_baseline), verdict in COURSE_DIAGNOSES:
        note = f" (the course's speech recognition example: baseline {j_baseline} %, the lecture says {verdict})"
        check_verdict(impl, j_train, j_cv, j_baseline, verdict, note)
        check_verdict(impl, j_train / 100, j_cv / 100, j_baseline / 100, verdict,
                      " (the same errors as fractions: the diagnosis must not depend on the units)")


# Gaps far from the threshold tolerance * j_baseline (at most 5 % or at least 20 % of the
# baseline, with the default 10 %), so that any reasonable arithmetic gives the same verdict.
small_gap = st.floats(-0.5, 0.05)
large_gap = st.floats(0.2, 3.0)


@graded(FUNCTION, points=2)
@settings(max_examples=25)
@given(baseline=st.floats(0.01, 50.0), bias=st.one_of(small_gap, large_gap),
       variance=st.one_of(small_gap, large_gap))
def test_diagnose_judges_each_gap_against_the_baseline(impl, baseline, bias, variance):
    j_train = max(baseline * (1 + bias), 0.0)
    j_cv = max(j_train + variance * baseline, 0.0)
    note = (f" (the bias gap j_train - j_baseline is {j_train - baseline:.4g}, the variance gap j_cv - j_train "
            f"{j_cv - j_train:.4g}; a gap is high above tolerance * j_baseline = {TOLERANCE * baseline:.4g})")
    check_verdict(impl, j_train, j_cv, baseline, expected_diagnosis(j_train, j_cv, baseline), note)


@graded(FUNCTION, points=1)
def test_diagnose_uses_the_tolerance(impl):
    for tolerance in (0.5, 0.01):
        check_verdict(impl, 10.8, 14.8, 10.6, expected_diagnosis(10.8, 14.8, 10.6, tolerance),
                      f" (gaps of 0.2 and 4.0 against a threshold of tolerance * j_baseline = {tolerance * 10.6:.4g})",
                      tolerance=tolerance)


@mutant(FUNCTION, "a diagnosis that ignores the baseline (high bias whenever J_cv is close to J_train)")
def diagnose_without_the_baseline(ref):
    return rewrite(ref, "diagnose", "high_bias = j_train - j_baseline > tolerance * j_baseline",
                   "high_bias = not j_cv - j_train > tolerance * j_baseline")


@mutant(FUNCTION, "bias and variance swapped")
def diagnose_swapped(ref):
    return rewrite(ref, "diagnose", "high_bias = j_train - j_baseline > tolerance * j_baseline\n"
                   "    high_variance = j_cv - j_train > tolerance * j_baseline",
                   "high_variance = j_train - j_baseline > tolerance * j_baseline\n"
                   "    high_bias = j_cv - j_train > tolerance * j_baseline")


@mutant(FUNCTION, "comparing the training error itself (not its gap to the baseline) with the threshold")
def diagnose_training_error_not_gap(ref):
    return rewrite(ref, "diagnose", "high_bias = j_train - j_baseline >", "high_bias = j_train >")


@mutant(FUNCTION, "gaps compared with the tolerance itself instead of tolerance * j_baseline")
def diagnose_absolute_tolerance(ref):
    return rewrite(ref, "diagnose", "high_bias = j_train - j_baseline > tolerance * j_baseline\n"
                   "    high_variance = j_cv - j_train > tolerance * j_baseline",
                   "high_bias = j_train - j_baseline > tolerance\n"
                   "    high_variance = j_cv - j_train > tolerance")
