"""The graded tests of c2w3_batch_norm.batchnorm_forward, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant
from tests.c2w3_batch_norm.oracles import FORWARD, tf_normalise, unit_inputs


def _check_forward(impl: Any, Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float | None) -> None:
    kwargs = {} if eps is None else {"eps": eps}
    eps = 1e-5 if eps is None else eps
    call = checks.call("batchnorm_forward", Z=Z, gamma=gamma, beta=beta, **kwargs)
    Z_tilde, _ = checks.unpack(impl.batchnorm_forward(Z, gamma, beta, **kwargs), ("Z_tilde", "cache"), call=call)
    checks.check_close(Z_tilde, tf_normalise(Z, gamma, beta, eps), call=call, name="Z_tilde",
                       mistakes=checks.known_mistakes(FORWARD, Z, gamma, beta, **kwargs, pick=lambda out: out[0]))


@graded(FORWARD, points=1)
def test_batchnorm_forward_matches_tf_nn_batch_normalization(impl):
    Z, gamma, beta = unit_inputs(0, 4, 6)
    _check_forward(impl, Z, gamma, beta, eps=None)


@graded(FORWARD, points=1)
def test_batchnorm_forward_eps_inside_square_root(impl):
    Z, gamma, beta = unit_inputs(1, 3, 5)
    Z[1] = 2.0 + 0.01 * np.arange(5)  # a unit that barely varies: eps decides its scale
    _check_forward(impl, Z, gamma, beta, eps=0.01)


@graded(FORWARD, points=1)
@settings(max_examples=20)
@given(n=st.integers(1, 5), m=st.integers(1, 9), seed=st.integers(0, 2**16))
def test_batchnorm_forward_any_shape_even_one_example(impl, n, m, seed):
    Z, gamma, beta = unit_inputs(seed, n, m)
    _check_forward(impl, Z, gamma, beta, eps=1e-3)


def _forward_variant(axis: int = 1, ddof: int = 0, eps_inside: bool = True):
    """A forward pass with one of the classic mistakes; the cache is what the reference keeps."""
    def batchnorm_forward(Z, gamma, beta, eps=1e-5):
        mu = Z.mean(axis=axis, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):  # the nan and inf are the mistake's
            sigma2 = ((Z - mu) ** 2).sum(axis=axis, keepdims=True) / (Z.shape[axis] - ddof)
            inv_std = 1 / np.sqrt(sigma2 + eps) if eps_inside else 1 / (np.sqrt(sigma2) + eps)
            Z_norm = (Z - mu) * inv_std
        return gamma * Z_norm + beta, (Z_norm, gamma, inv_std)
    return batchnorm_forward


@mutant(FORWARD, "the unbiased variance (dividing by m - 1)")
def forward_unbiased_variance(ref):
    return _forward_variant(ddof=1)


@mutant(FORWARD, "normalising each example over the units (axis 0) instead of each unit over the batch (axis 1)")
def forward_feature_axis(ref):
    return _forward_variant(axis=0)


@mutant(FORWARD, "adding eps outside the square root, (Z - mu) / (sigma + eps)")
def forward_eps_outside_sqrt(ref):
    return _forward_variant(eps_inside=False)


@mutant(FORWARD, "leaving eps out (dividing by sqrt(sigma2))")
def forward_no_eps(ref):
    forward = _forward_variant()
    return lambda Z, gamma, beta, eps=1e-5: forward(Z, gamma, beta, eps=0.0)


@mutant(FORWARD, "ignoring the eps argument (always 1e-5)")
def forward_fixed_eps(ref):
    forward = _forward_variant()
    return lambda Z, gamma, beta, eps=1e-5: forward(Z, gamma, beta, eps=1e-5)
