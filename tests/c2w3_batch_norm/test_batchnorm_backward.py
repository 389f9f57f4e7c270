"""The graded tests of c2w3_batch_norm.batchnorm_backward, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant
from tests.c2w3_batch_norm.oracles import BACKWARD, tf_normalise, unit_inputs


def _forward_for_backward(impl: Any, Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> Any:
    """The cache from the student's own forward pass (the backward pass is graded on it)."""
    try:
        result = impl.batchnorm_forward(Z, gamma, beta)
    except NotImplementedError as err:
        result = err  # fail outside the handler: one message, no chained traceback
    if isinstance(result, NotImplementedError):
        checks.fail(f"batchnorm_backward is graded on the cache that your batchnorm_forward "
                    f"returns, and batchnorm_forward is not written yet ({result})")
    return checks.unpack(result, ("Z_tilde", "cache"), call=checks.call("batchnorm_forward", Z=Z, gamma=gamma, beta=beta))[1]


def _backward_call(dZ_tilde: np.ndarray) -> str:
    return (f"batchnorm_backward(dZ_tilde, cache) with dZ_tilde of shape {dZ_tilde.shape} and the cache "
            "from your batchnorm_forward")


def _tape_gradients(Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, dZ_tilde: np.ndarray,
                    eps: float = 1e-5) -> list[np.ndarray]:
    """Gradients of sum(dZ_tilde * Z_tilde(Z, gamma, beta)) with respect to Z, gamma, beta."""
    variables = [tf.constant(Z), tf.constant(gamma), tf.constant(beta)]
    with tf.GradientTape() as tape:
        tape.watch(variables)
        loss = tf.reduce_sum(dZ_tilde * tf_normalise(*variables, eps))
    return [g.numpy() for g in tape.gradient(loss, variables)]


@graded(BACKWARD, points=2)
def test_batchnorm_backward_matches_gradient_tape(impl):
    Z, gamma, beta = unit_inputs(2, 3, 7)
    dZ_tilde = np.random.default_rng(3).normal(size=Z.shape)
    cache = _forward_for_backward(impl, Z, gamma, beta)
    call = _backward_call(dZ_tilde)
    dZ, dgamma, dbeta = checks.unpack(impl.batchnorm_backward(dZ_tilde, cache), ("dZ", "dgamma", "dbeta"), call=call)
    expected_dZ, expected_dgamma, expected_dbeta = _tape_gradients(Z, gamma, beta, dZ_tilde)
    for name, got, expected in (("dbeta", dbeta, expected_dbeta), ("dgamma", dgamma, expected_dgamma)):
        if checks.to_array(got, call=call, name=name).shape == (1, Z.shape[1]):
            checks.fail(f"{call}: {name} has shape (1, {Z.shape[1]}), expected {Z.shape[0], 1}: one value "
                        "per unit, summed over the examples (axis 1), not over the units (axis 0)")
        checks.check_close(got, expected, call=call, name=name)
    checks.check_close(dZ, expected_dZ, call=call, name="dZ", mistakes=checks.known_mistakes(
        BACKWARD, run=lambda module: module.batchnorm_backward(dZ_tilde, module.batchnorm_forward(Z, gamma, beta)[1])[0]))


@graded(BACKWARD, points=1)
@settings(max_examples=20)
@given(n=st.integers(1, 4), m=st.integers(2, 9), seed=st.integers(0, 2**16))
def test_batchnorm_backward_rows_of_dZ_sum_to_zero(impl, n, m, seed):
    # Adding a constant to every example of a unit leaves Z_tilde unchanged (the mean absorbs it),
    # so the gradient along that direction, the row sum of dZ, is zero.
    Z, gamma, beta = unit_inputs(seed, n, m)
    dZ_tilde = np.random.default_rng(seed + 1).normal(size=Z.shape)
    cache = _forward_for_backward(impl, Z, gamma, beta)
    call = _backward_call(dZ_tilde)
    dZ = checks.check_shape(checks.unpack(impl.batchnorm_backward(dZ_tilde, cache), ("dZ", "dgamma", "dbeta"),
                                          call=call)[0], Z.shape, call=call, name="dZ")
    row_sums = dZ.sum(axis=1)
    worst = int(np.abs(row_sums).argmax())
    if abs(row_sums[worst]) > 1e-8 * (1 + np.abs(dZ).sum()):
        checks.fail(f"{call}: row {worst} of dZ sums to {row_sums[worst]:.6g}, expected 0: shifting "
                    "every example of a unit by the same amount does not change Z_tilde. Does dZ "
                    "include the paths through mu and sigma2, which depend on every column of Z?")


@mutant(BACKWARD, "treating mu and sigma2 as constants (dZ = gamma * dZ_tilde / sqrt(sigma2 + eps))")
def backward_statistics_constant(ref):
    correct = ref.batchnorm_backward  # bound now: ref.batchnorm_backward becomes this mutant

    def batchnorm_backward(dZ_tilde, cache):
        _, gamma, inv_std = cache
        _, dgamma, dbeta = correct(dZ_tilde, cache)
        return gamma * dZ_tilde * inv_std, dgamma, dbeta
    return batchnorm_backward


@mutant(BACKWARD, "keeping the path through mu but not the one through sigma2")
def backward_forgets_variance_path(ref):
    correct = ref.batchnorm_backward

    def batchnorm_backward(dZ_tilde, cache):
        _, gamma, inv_std = cache
        _, dgamma, dbeta = correct(dZ_tilde, cache)
        dZ_norm = gamma * dZ_tilde
        return inv_std * (dZ_norm - dZ_norm.mean(axis=1, keepdims=True)), dgamma, dbeta
    return batchnorm_backward


@mutant(BACKWARD, "summing dgamma and dbeta over the units (axis 0) instead of the batch (axis 1)")
def backward_parameter_gradients_wrong_axis(ref):
    correct = ref.batchnorm_backward

    def batchnorm_backward(dZ_tilde, cache):
        Z_norm = cache[0]
        dZ, _, _ = correct(dZ_tilde, cache)
        return dZ, (dZ_tilde * Z_norm).sum(axis=0, keepdims=True), dZ_tilde.sum(axis=0, keepdims=True)
    return batchnorm_backward
