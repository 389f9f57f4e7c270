"""The graded tests of c2w3_batch_norm.tf_batch_norm, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant
from tests.c2w3_batch_norm.oracles import random_batch, TF_BATCH_NORM


def _check_tf_batch_norm(impl: Any, eps: float | None, seed: int) -> None:
    x = random_batch(seed, batch=10, features=4)
    rng = np.random.default_rng(seed + 1)
    gamma, beta = rng.uniform(0.5, 2, 4).astype("float32"), rng.normal(size=4).astype("float32")
    kwargs = {} if eps is None else {"eps": eps}
    eps = 1e-3 if eps is None else eps
    oracle = keras.layers.BatchNormalization(epsilon=eps)
    oracle.build(x.shape)
    oracle.gamma.assign(gamma)
    oracle.beta.assign(beta)
    call = checks.call("tf_batch_norm", x=x, gamma=gamma, beta=beta, **kwargs)
    checks.check_close(impl.tf_batch_norm(x, gamma, beta, **kwargs), oracle(x, training=True), call=call,
                       rtol=1e-5, atol=1e-5, mistakes=checks.known_mistakes(TF_BATCH_NORM, x, gamma, beta, **kwargs))


@graded(TF_BATCH_NORM, points=1)
def test_tf_batch_norm_matches_keras_batch_normalization(impl):
    _check_tf_batch_norm(impl, eps=None, seed=10)


@graded(TF_BATCH_NORM, points=1)
def test_tf_batch_norm_passes_eps(impl):
    _check_tf_batch_norm(impl, eps=0.5, seed=11)


@mutant(TF_BATCH_NORM, "moments over axis 1 (the features) instead of the batch axis 0")
def tf_batch_norm_feature_axis(ref):
    def tf_batch_norm(x, gamma, beta, eps=1e-3):
        mean, variance = tf.nn.moments(x, axes=[1], keepdims=True)
        return tf.nn.batch_normalization(x, mean, variance, beta, gamma, eps)
    return tf_batch_norm


@mutant(TF_BATCH_NORM, "gamma and beta swapped (tf.nn.batch_normalization takes the offset before the scale)")
def tf_batch_norm_gamma_beta_swapped(ref):
    def tf_batch_norm(x, gamma, beta, eps=1e-3):
        mean, variance = tf.nn.moments(x, axes=[0])
        return tf.nn.batch_normalization(x, mean, variance, gamma, beta, eps)
    return tf_batch_norm


@mutant(TF_BATCH_NORM, "the unbiased variance (dividing by m - 1)")
def tf_batch_norm_unbiased(ref):
    def tf_batch_norm(x, gamma, beta, eps=1e-3):
        m = x.shape[0]
        mean, variance = tf.nn.moments(x, axes=[0])
        return tf.nn.batch_normalization(x, mean, variance * m / (m - 1), beta, gamma, eps)
    return tf_batch_norm


@mutant(TF_BATCH_NORM, "ignoring the eps argument (always 1e-3)")
def tf_batch_norm_fixed_eps(ref):
    correct = ref.tf_batch_norm  # bound now: ref.tf_batch_norm becomes this mutant
    return lambda x, gamma, beta, eps=1e-3: correct(x, gamma, beta)
