"""The graded tests of c2w1_regularization.backward_propagation_with_dropout, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant, rewrite
from tests.c2w1_regularization.oracles import (BACKWARD_DROPOUT, COURSE_DROPOUT_DA, PRINTED, check_gradients,
                                               course_dropout_backward_case, random_masks,
                                               random_problem, tape_backward)


def _problem(keep_prob: float, seed: int = 9):
    """A random network, masks of the test's own stream, and the tape's cache and gradients."""
    X, Y, parameters = random_problem(n_x=4, n1=6, n2=5, m=8, seed=seed)
    masks = random_masks(6, 5, 8, keep_prob, seed=seed + 1)
    cache, expected = tape_backward(X, Y, parameters, masks=masks, keep_prob=keep_prob)
    call = checks.call("backward_propagation_with_dropout", X=X, Y=Y, cache=cache, keep_prob=keep_prob) + \
        " (the cache of a forward pass with the masks D1 and D2 in it)"
    return X, Y, cache, expected, call


@graded(BACKWARD_DROPOUT, points=3)
def test_backward_propagation_with_dropout_matches_gradient_tape(impl):
    # The oracle: tf.GradientTape through relu(Z) * D / keep_prob with the cache's masks held fixed.
    keep_prob = 0.7
    X, Y, cache, expected, call = _problem(keep_prob)
    gradients = impl.backward_propagation_with_dropout(X, Y, cache, keep_prob)
    check_gradients(gradients, expected, call, BACKWARD_DROPOUT, (X, Y, cache, keep_prob))


@graded(BACKWARD_DROPOUT, points=2)
def test_backward_propagation_with_dropout_uses_the_masks_of_the_cache(impl):
    keep_prob = 0.5
    X, Y, cache, expected, call = _problem(keep_prob, seed=12)
    gradients = impl.backward_propagation_with_dropout(X, Y, cache, keep_prob)
    if not isinstance(gradients, dict):
        checks.fail(f"{call} should return a dict of gradients, got {type(gradients).__name__}")
    for key, mask, name in (("dA1", cache[1], "D1"), ("dA2", cache[6], "D2")):
        if key not in gradients:
            checks.fail(f"{call}: the gradients lack the key {key!r}")
        dA = checks.check_shape(gradients[key], mask.shape, call=call, name=f'gradients["{key}"]')
        leaks = np.argwhere((mask == 0) & (dA != 0))
        if leaks.size:
            index = tuple(int(i) for i in leaks[0])
            checks.fail(f"{call}: {key} is {dA[index]:.4g} at {index}, where the cache's mask {name} dropped the "
                        f"unit; a dropped unit took no part in the forward pass and gets no gradient: multiply "
                        f"by the same {name} from the cache (never a fresh mask), then divide by keep_prob")
        checks.check_close(dA, expected[key], call=call, name=f'gradients["{key}"]',
                           mistakes=checks.known_mistakes(BACKWARD_DROPOUT, X, Y, cache, keep_prob,
                                                          pick=lambda out, k=key: out[k]))


@graded(BACKWARD_DROPOUT, points=1)
def test_backward_propagation_with_dropout_reproduces_the_course(impl):
    X, Y, cache = course_dropout_backward_case()
    call = checks.call("backward_propagation_with_dropout", X=X, Y=Y, cache=cache, keep_prob=0.8) + \
        " (the course's backward_propagation_with_dropout_test_case, boolean masks)"
    gradients = impl.backward_propagation_with_dropout(X, Y, cache, 0.8)
    check_gradients(gradients, {key: np.array(value) for key, value in COURSE_DROPOUT_DA.items()}, call,
                    BACKWARD_DROPOUT, (X, Y, cache, 0.8), keys=("dA1", "dA2"), **PRINTED)


def _edit(ref, old: str, new: str):
    return rewrite(ref, "backward_propagation_with_dropout", old, new)


@mutant(BACKWARD_DROPOUT, "backward dropout that forgets to divide by keep_prob")
def backward_no_scaling(ref):
    return _edit(ref, "    dA1 = dA1 / keep_prob\n", "")


@mutant(BACKWARD_DROPOUT, "a fresh mask in the backward pass instead of the cache's D1 and D2")
def backward_fresh_mask(ref):
    return _edit(ref, "(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache",
                 "(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache\n"
                 "    rng = np.random.RandomState(1)\n"
                 "    D1 = rng.rand(*A1.shape) < keep_prob\n"
                 "    D2 = rng.rand(*A2.shape) < keep_prob")


@mutant(BACKWARD_DROPOUT, "backward dropout without the masks (only the division by keep_prob)")
def backward_no_masks(ref):
    return _edit(ref, "    dA2 = dA2 * D2\n", "")


@mutant(BACKWARD_DROPOUT, "multiplying by keep_prob instead of dividing")
def backward_times_keep_prob(ref):
    return _edit(ref, "/ keep_prob", "* keep_prob")


@mutant(BACKWARD_DROPOUT, "a mask on the output layer too (dZ3 scaled by 1/keep_prob)")
def backward_scales_output(ref):
    return _edit(ref, "dZ3 = A3 - Y\n", "dZ3 = (A3 - Y) / keep_prob\n")
