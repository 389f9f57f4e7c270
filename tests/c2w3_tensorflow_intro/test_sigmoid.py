"""The graded tests of c2w3_tensorflow_intro.sigmoid, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant
from tests.c2w3_tensorflow_intro.oracles import TASK, watched


@graded(TASK + "sigmoid", points=1)
def test_sigmoid_matches_tf_nn_sigmoid(impl):
    for dtype in (np.float32, np.float64):
        z = np.linspace(-12.0, 12.0, 13).reshape(1, 13).astype(dtype)
        got, _, _ = watched(impl.sigmoid, z)
        checks.check_close(got, tf.nn.sigmoid(z.astype(np.float64)).numpy(),
                           call=f"sigmoid(z) with z a {np.dtype(dtype).name} array of shape (1, 13)",
                           rtol=1e-5, atol=1e-7,
                           mistakes=checks.known_mistakes(TASK + "sigmoid", z))


@graded(TASK + "sigmoid", points=1)
def test_sigmoid_of_integers_is_a_float(impl):
    for z in (0, -1, np.array([-3, -1, 0, 2, 5])):
        call = f"sigmoid({z!r})"
        try:
            got, _, _ = watched(impl.sigmoid, z)
        except (tf.errors.InvalidArgumentError, TypeError) as err:
            checks.fail(f"{call} raised {type(err).__name__}: {str(err).splitlines()[0][:160]}. TensorFlow's "
                        "sigmoid is defined on floats: tf.cast(z, tf.float32) first")
        dtype = getattr(got, "dtype", None)
        if dtype is None or not tf.as_dtype(dtype).is_floating:
            checks.fail(f"{call} returned {type(got).__name__} of dtype {dtype}; expected floats "
                        "(tf.cast(z, tf.float32) first: TensorFlow's sigmoid is defined on floats)")
        checks.check_close(got, tf.nn.sigmoid(np.asarray(z, dtype=np.float64)).numpy(), call=call,
                           rtol=1e-5, atol=1e-7)


@mutant(TASK + "sigmoid", "tf.keras.activations.sigmoid on the raw input (an int32 tensor for integers)")
def sigmoid_no_cast(ref):
    return lambda z: tf.keras.activations.sigmoid(tf.convert_to_tensor(z))


@mutant(TASK + "sigmoid", "the logits z themselves (no sigmoid)")
def sigmoid_returns_logits(ref):
    return lambda z: tf.cast(z, tf.float32)


@mutant(TASK + "sigmoid", "1 / (1 + exp(z)) (the sign of z flipped)")
def sigmoid_wrong_sign(ref):
    return lambda z: 1.0 / (1.0 + tf.exp(tf.cast(z, tf.float32)))
