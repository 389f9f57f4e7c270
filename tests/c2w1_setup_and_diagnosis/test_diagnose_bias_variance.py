"""The graded tests of c2w1_setup_and_diagnosis.diagnose_bias_variance, and the mutants they must catch."""

from __future__ import annotations

from hypothesis import assume, given, settings, strategies as st

from grader import graded, mutant, rewrite
from tests.c2w1_setup_and_diagnosis.oracles import check_diagnosis, DIAGNOSE


@graded(DIAGNOSE, points=2)
def test_diagnose_bias_variance_reproduces_the_course(impl):
    # The course's four classifiers (Bayes error about 0 %), then the second one again when the
    # Bayes error is 15 %: bias is measured against the Bayes error, so it is low there.
    for train_error, dev_error, expected in ((0.01, 0.11, "high variance"), (0.15, 0.16, "high bias"),
                                             (0.15, 0.30, "high bias and high variance"),
                                             (0.005, 0.01, "low bias and low variance")):
        check_diagnosis(impl, train_error, dev_error)
    check_diagnosis(impl, 0.15, 0.16, bayes_error=0.15)


@graded(DIAGNOSE, points=1)
def test_diagnose_bias_variance_measures_bias_against_the_bayes_error(impl):
    check_diagnosis(impl, 0.12, 0.25, bayes_error=0.10)   # bias 0.02, variance 0.13
    check_diagnosis(impl, 0.20, 0.22, bayes_error=0.08)   # bias 0.12, variance 0.02
    check_diagnosis(impl, 0.30, 0.40, bayes_error=0.28)   # bias 0.02, variance 0.10
    check_diagnosis(impl, 0.20, 0.10)                     # a dev error below the training error: low variance


@graded(DIAGNOSE, points=1)
def test_diagnose_bias_variance_high_means_strictly_above_tolerance(impl):
    # Dyadic numbers, so that every difference is exact: a gap equal to the tolerance is low.
    check_diagnosis(impl, 0.125, 0.25, tolerance=0.125)                     # both gaps exactly 0.125
    check_diagnosis(impl, 0.375, 0.5, bayes_error=0.25, tolerance=0.125)    # likewise against Bayes
    check_diagnosis(impl, 0.25, 0.375, bayes_error=0.125 - 2**-10, tolerance=0.125)  # bias just above
    check_diagnosis(impl, 0.25, 0.375 + 2**-10, bayes_error=0.125, tolerance=0.125)  # variance just above
    check_diagnosis(impl, 0.3125, 0.625, tolerance=0.25)                    # both within a wider tolerance


@graded(DIAGNOSE, points=1)
@settings(max_examples=25)
@given(train=st.integers(0, 1000), dev=st.integers(0, 1000), bayes=st.integers(0, 300), tolerance=st.integers(0, 200))
def test_diagnose_bias_variance_follows_the_definitions(impl, train, dev, bayes, tolerance):
    # Errors in tenths of a percent; gaps that equal the tolerance are left to the test above.
    assume(train - bayes != tolerance and dev - train != tolerance)
    options = {"bayes_error": bayes / 1000, "tolerance": tolerance / 1000}
    check_diagnosis(impl, train / 1000, dev / 1000, **options)


@mutant(DIAGNOSE, "bias measured against 0 instead of the Bayes error")
def diagnose_ignores_bayes(ref):
    return rewrite(ref, "diagnose_bias_variance", "train_error - bayes_error > tolerance", "train_error > tolerance")


@mutant(DIAGNOSE, "high at a gap equal to the tolerance (>= instead of >)")
def diagnose_greater_or_equal(ref):
    return rewrite(ref, "diagnose_bias_variance", "> tolerance", ">= tolerance")


@mutant(DIAGNOSE, "variance measured as dev - Bayes instead of dev - train")
def diagnose_variance_from_bayes(ref):
    return rewrite(ref, "diagnose_bias_variance", "dev_error - train_error > tolerance",
                   "dev_error - bayes_error > tolerance")


@mutant(DIAGNOSE, "bias measured on the dev error (dev - Bayes) instead of the training error")
def diagnose_bias_from_dev(ref):
    return rewrite(ref, "diagnose_bias_variance", "train_error - bayes_error > tolerance",
                   "dev_error - bayes_error > tolerance")


@mutant(DIAGNOSE, "ignoring the tolerance argument (always 0.05)")
def diagnose_fixed_tolerance(ref):
    return rewrite(ref, "diagnose_bias_variance", "> tolerance", "> 0.05")


@mutant(DIAGNOSE, "a tolerance of 5 (percent) for errors given as fractions")
def diagnose_percent_tolerance(ref):
    return rewrite(ref, "diagnose_bias_variance", "> tolerance", "> 100 * tolerance")


@mutant(DIAGNOSE, "variance as |dev - train| (a dev error below the training error counted as variance)")
def diagnose_absolute_variance(ref):
    return rewrite(ref, "diagnose_bias_variance", "dev_error - train_error > tolerance",
                   "abs(dev_error - train_error) > tolerance")


@mutant(DIAGNOSE, "the names swapped (a large train-dev gap called bias, a large train-Bayes gap variance)")
def diagnose_swapped(ref):
    correct = ref.diagnose_bias_variance  # bound now: ref.diagnose_bias_variance becomes this mutant
    swap = {"high bias": "high variance", "high variance": "high bias"}

    def diagnose_bias_variance(train_error, dev_error, bayes_error=0.0, tolerance=0.05):
        diagnosis = correct(train_error, dev_error, bayes_error, tolerance)
        return swap.get(diagnosis, diagnosis)
    return diagnose_bias_variance
