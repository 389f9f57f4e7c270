"""The graded tests of c2w3_tensorflow_intro.compute_total_loss, and the mutants they must catch."""

from __future__ import annotations

import keras
import numpy as np
import scipy.special
import scipy.stats
import tensorflow as tf

from grader import checks, graded, mutant, rewrite
from tests.c2w3_tensorflow_intro.oracles import keras_cce, TASK, watched


def _labels(n_y: int, m: int, seed: int) -> np.ndarray:
    return np.eye(n_y, dtype=np.float32)[np.random.default_rng(seed).integers(n_y, size=m)].T


@graded(TASK + "compute_total_loss", points=2)
def test_compute_total_loss_matches_keras_summed_over_examples(impl):
    n_y, m = 4, 6
    logits = (3.0 * np.random.default_rng(0).normal(size=(n_y, m))).astype(np.float32)
    labels = _labels(n_y, m, seed=1)
    call = checks.call("compute_total_loss", logits=logits, labels=labels)
    got, _, _ = watched(impl.compute_total_loss, tf.constant(logits), tf.constant(labels))
    checks.check_close(got, keras_cce(labels, logits, from_logits=True), call=call,
                       name="the total loss", rtol=1e-5, atol=1e-5,
                       mistakes=checks.known_mistakes(TASK + "compute_total_loss", tf.constant(logits),
                                                      tf.constant(labels)))


@graded(TASK + "compute_total_loss", points=1)
def test_compute_total_loss_is_exact_for_confidently_wrong_logits(impl):
    logits = np.array([[40.0, -40.0, 0.0], [-40.0, 40.0, 0.0], [0.0, 0.0, 30.0]], dtype=np.float32)
    labels = np.eye(3, dtype=np.float32)[[1, 0, 2]].T  # the first two examples are confidently wrong
    call = checks.call("compute_total_loss", logits=logits, labels=labels) + " (logits of +-40)"
    got, _, _ = watched(impl.compute_total_loss, tf.constant(logits), tf.constant(labels))
    expected = float(np.sum(scipy.special.logsumexp(logits.astype(np.float64), axis=0)
                            - np.sum(labels * logits, axis=0)))  # -log softmax of the true class
    checks.check_close(got, expected, call=call, name="the total loss", rtol=1e-4, atol=1e-4,
                       mistakes=checks.known_mistakes(TASK + "compute_total_loss", tf.constant(logits),
                                                      tf.constant(labels)))


@mutant(TASK + "compute_total_loss", "the mean over the examples (reduce_mean) instead of the sum")
def loss_mean(ref):
    return rewrite(ref, "compute_total_loss", "tf.reduce_sum(losses)", "tf.reduce_mean(losses)")


@mutant(TASK + "compute_total_loss", "probabilities from tf.nn.softmax and a from_logits=False loss (the log of a probability rounded to 0 is clipped)")
def loss_from_probabilities(ref):
    return lambda logits, labels: tf.reduce_sum(keras.losses.categorical_crossentropy(
        tf.transpose(labels), tf.nn.softmax(tf.transpose(logits))))


@mutant(TASK + "compute_total_loss", "a softmax before a loss that applies its own (from_logits=True)")
def loss_double_softmax(ref):
    return lambda logits, labels: tf.reduce_sum(keras.losses.categorical_crossentropy(
        tf.transpose(labels), tf.nn.softmax(tf.transpose(logits)), from_logits=True))


@mutant(TASK + "compute_total_loss", "no transpose (Keras then takes the m examples as the classes)")
def loss_no_transpose(ref):
    return lambda logits, labels: tf.reduce_sum(keras.losses.categorical_crossentropy(
        labels, logits, from_logits=True))
