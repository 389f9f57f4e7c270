"""The graded tests of c2w3_softmax.predict_proba, and the mutants they must catch."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant, observe
from tests.c2w3_softmax.oracles import fail_if_not_finite, TASK


def _logit_model(scale: float) -> keras.Model:
    """A fixed linear model (5 features -> 4 logits); weights from a seeded NumPy generator."""
    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(4)])
    rng = np.random.default_rng(8)
    model.layers[-1].set_weights([scale * rng.normal(size=(5, 4)), scale * rng.normal(size=4)])
    return model


def _check_proba(impl, scale: float, what: str) -> None:
    model = _logit_model(scale)
    X = np.random.default_rng(9).normal(size=(7, 5)).astype("float32")
    logits = model(X).numpy().astype(np.float64)
    call = f"predict_proba(model, X) with a model giving 4 logits{what} and X of shape {X.shape}"
    probabilities = checks.check_shape(impl.predict_proba(model, X), (7, 4), call=call)
    fail_if_not_finite(probabilities, call, "Use a stable softmax (keras.ops.softmax, tf.nn.softmax or "
                        "your own with the max shift) on the logits.")
    checks.check_close(probabilities, tf.nn.softmax(logits, axis=-1).numpy(), call=call, rtol=1e-5,
                       atol=1e-6, mistakes=checks.known_mistakes(TASK + "predict_proba", model, X))


@graded(TASK + "predict_proba", points=2)
def test_predict_proba_is_softmax_of_the_logits(impl):
    _check_proba(impl, 1.0, "")


@graded(TASK + "predict_proba", points=1)
def test_predict_proba_stays_finite_for_large_logits(impl):
    _check_proba(impl, 300.0, " that reach ±1000")


@graded(TASK + "predict_proba", points=1)
def test_predict_proba_prints_nothing(impl):
    model = _logit_model(1.0)
    with observe() as seen:
        impl.predict_proba(model, np.zeros((3, 5), "float32"))
    out = seen.printed
    if out:
        checks.fail(f"predict_proba(model, X) printed {out[:60]!r}: model.predict shows a progress "
                    "bar; call the model, model(X, training=False), or pass verbose=0")


@mutant(TASK + "predict_proba", "returning the logits themselves")
def proba_logits(ref):
    return lambda model, X: model(X, training=False).numpy()


@mutant(TASK + "predict_proba", "a sigmoid of the logits (that is for multi-label outputs)")
def proba_sigmoid(ref):
    return lambda model, X: keras.ops.convert_to_numpy(keras.ops.sigmoid(model(X, training=False)))


@mutant(TASK + "predict_proba", "softmax over axis 0, the batch (Keras rows are examples)")
def proba_batch_axis(ref):
    return lambda model, X: tf.nn.softmax(model(X, training=False), axis=0).numpy()


@mutant(TASK + "predict_proba", "np.exp of the logits without the max shift")
def proba_no_max_shift(ref):
    def predict_proba(model, X):
        with np.errstate(over="ignore", invalid="ignore"):
            T = np.exp(model(X, training=False).numpy())
            return T / T.sum(axis=1, keepdims=True)
    return predict_proba


@mutant(TASK + "predict_proba", "model.predict(X) with its progress bar")
def proba_predict_prints(ref):
    return lambda model, X: tf.nn.softmax(model.predict(X)).numpy()
