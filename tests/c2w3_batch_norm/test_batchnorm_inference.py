"""The graded tests of c2w3_batch_norm.batchnorm_inference, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant
from tests.c2w3_batch_norm.oracles import eps_outside_sqrt, INFERENCE, unit_inputs


def _check_inference(impl: Any, Z: np.ndarray, eps: float | None, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = Z.shape[0]
    gamma, beta = rng.uniform(0.5, 2, (n, 1)), rng.normal(size=(n, 1))
    running_mean, running_var = rng.normal(0, 2, (n, 1)), rng.uniform(0.02, 3, (n, 1))
    kwargs = {} if eps is None else {"eps": eps}
    eps = 1e-5 if eps is None else eps
    call = checks.call("batchnorm_inference", Z=Z, gamma=gamma, beta=beta, running_mean=running_mean,
                       running_var=running_var, **kwargs)
    got = impl.batchnorm_inference(Z, gamma, beta, running_mean, running_var, **kwargs)
    expected = tf.nn.batch_normalization(Z, running_mean, running_var, offset=beta, scale=gamma,
                                         variance_epsilon=eps).numpy()
    checks.check_close(got, expected, call=call, name="Z_tilde", mistakes=checks.known_mistakes(
        INFERENCE, Z, gamma, beta, running_mean, running_var, **kwargs))


@graded(INFERENCE, points=1)
def test_batchnorm_inference_uses_running_statistics(impl):
    Z, _, _ = unit_inputs(6, 3, 5)
    _check_inference(impl, Z, eps=0.05, seed=7)


@graded(INFERENCE, points=1)
def test_batchnorm_inference_single_example(impl):
    Z, _, _ = unit_inputs(8, 4, 1)
    _check_inference(impl, Z, eps=None, seed=9)


@mutant(INFERENCE, "normalising with this batch's mean and variance instead of the running ones")
def inference_batch_statistics(ref):
    def batchnorm_inference(Z, gamma, beta, running_mean, running_var, eps=1e-5):
        return ref.batchnorm_forward(Z, gamma, beta, eps)[0]
    return batchnorm_inference


@mutant(INFERENCE, "adding eps outside the square root")
def inference_eps_outside_sqrt(ref):
    def batchnorm_inference(Z, gamma, beta, running_mean, running_var, eps=1e-5):
        return eps_outside_sqrt(Z, gamma, beta, eps, mean=running_mean, variance=running_var)
    return batchnorm_inference
