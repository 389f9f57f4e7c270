"""The graded tests of mls_model_evaluation.precision_recall_f1, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import f1_score, precision_score, recall_score

from grader import checks, graded, mutant, rewrite
from tests.mls_model_evaluation.oracles import TASK

FUNCTION = TASK + "precision_recall_f1"
NAMES = ("precision", "recall", "f1")


def labels(tp: int, fp: int, fn: int, tn: int) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_pred) with exactly these counts, in a fixed shuffled order."""
    y_true = np.array([1] * tp + [0] * fp + [1] * fn + [0] * tn)
    y_pred = np.array([1] * tp + [1] * fp + [0] * fn + [0] * tn)
    order = np.random.default_rng(tp + 7 * fp + 31 * fn).permutation(len(y_true))
    return y_true[order], y_pred[order]


def check_scores(impl, y_true, y_pred, expected, note=""):
    call = checks.call("precision_recall_f1", y_true=y_true, y_pred=y_pred) + note
    got = checks.unpack(impl.precision_recall_f1(y_true, y_pred), NAMES, call=call)
    for k, name in enumerate(NAMES):
        checks.check_scalar(got[k], expected[k], call=call, name=name, mistakes=checks.known_mistakes(
            FUNCTION, y_true, y_pred, pick=lambda out, k=k: out[k]))


def sklearn_scores(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    return tuple(float(score(y_true, y_pred, zero_division=0)) for score in (precision_score, recall_score, f1_score))


@graded(FUNCTION, points=3)
@settings(max_examples=20)
@given(seed=st.integers(0, 2**16), m=st.integers(1, 60), positive=st.sampled_from([0.02, 0.1, 0.5]),
       column=st.booleans())
def test_precision_recall_f1_matches_sklearn(impl, seed, m, positive, column):
    rng = np.random.default_rng(seed)
    y_true = (rng.random(m) < positive).astype(np.int64)
    y_pred = np.where(rng.random(m) < 0.7, y_true, (rng.random(m) < positive).astype(np.int64))
    if column:
        y_true, y_pred = y_true[:, None], y_pred[:, None]
    check_scores(impl, y_true, y_pred, sklearn_scores(y_true, y_pred),
                 " (expected: sklearn.metrics precision_score, recall_score, f1_score with zero_division=0)")


@graded(FUNCTION, points=2)
def test_precision_recall_f1_reproduces_the_course(impl):
    # The lecture's confusion matrix of 100 cv examples: TP 15, FP 5, FN 10, TN 70 gives
    # precision 15/20 = 0.75 and recall 15/25 = 0.6.
    y_true, y_pred = labels(15, 5, 10, 70)
    check_scores(impl, y_true, y_pred, (0.75, 0.6, 2 * 0.75 * 0.6 / 1.35), " (the lecture's TP 15, FP 5, FN 10, TN 70)")
    # The lecture's three algorithms: (P, R) = (0.5, 0.4), (0.7, 0.1), (0.02, 1.0), F1 = 0.444, 0.175, 0.0392.
    for (p, r, f1), counts in (((0.5, 0.4, 0.444), (2, 2, 3, 13)), ((0.7, 0.1, 0.175), (7, 3, 63, 27)),
                               ((0.02, 1.0, 0.0392), (1, 49, 0, 950))):
        y_true, y_pred = labels(*counts)
        check_scores(impl, y_true, y_pred, (p, r, 2 * p * r / (p + r)),
                     f" (the lecture's algorithm with P = {p}, R = {r} and F1 = {f1})")


@graded(FUNCTION, points=2)
def test_precision_recall_f1_is_zero_where_undefined_on_a_skewed_set(impl):
    # A rare disease in 0.5 % of 1000 patients (5 ill).
    y_true = np.zeros(1000, dtype=np.int64)
    y_true[[17, 256, 400, 731, 999]] = 1
    check_scores(impl, y_true, np.zeros(1000, dtype=np.int64), (0.0, 0.0, 0.0),
                 " (a rare disease in 0.5 % of patients and a program that always says y = 0: 99.5 % accurate, "
                 "yet it predicts no positive, so precision is 0/0, taken as 0.0, and recall 0)")
    check_scores(impl, y_true, np.ones(1000, dtype=np.int64), (0.005, 1.0, 2 * 0.005 / 1.005),
                 " (the program that always says y = 1)")
    check_scores(impl, np.zeros(8, dtype=np.int64), np.zeros(8, dtype=np.int64), (0.0, 0.0, 0.0),
                 " (no positive example and no positive prediction: every ratio is 0/0, taken as 0.0)")


@mutant(FUNCTION, "F1 as the arithmetic mean (P + R) / 2 instead of the harmonic mean")
def f1_arithmetic_mean(ref):
    return rewrite(ref, "precision_recall_f1", "2 * precision * recall / (precision + recall)",
                   "(precision + recall) / 2")


@mutant(FUNCTION, "precision and recall swapped")
def precision_recall_swapped(ref):
    return rewrite(ref, "precision_recall_f1", "return float(precision), float(recall), float(f1)",
                   "return float(recall), float(precision), float(f1)")


@mutant(FUNCTION, "precision computed as TP / (TP + FN)")
def precision_over_actual_positives(ref):
    return rewrite(ref, "precision_recall_f1", "precision = tp / (tp + fp) if tp + fp > 0 else 0.0",
                   "precision = tp / (tp + fn) if tp + fn > 0 else 0.0")


@mutant(FUNCTION, "nan instead of 0.0 where a ratio is 0/0")
def scores_nan_when_undefined(ref):
    def precision_recall_f1(y_true, y_pred):
        y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
        tp = np.sum((y_pred == 1) & (y_true == 1))
        with np.errstate(all="ignore"):
            precision = np.float64(tp) / np.sum(y_pred == 1)
            recall = np.float64(tp) / np.sum(y_true == 1)
            f1 = 2 * precision * recall / (precision + recall)
        return float(precision), float(recall), float(f1)
    return precision_recall_f1
