"""The graded tests of c2w3_tensorflow_intro.linear_function, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant
from tests.c2w3_tensorflow_intro.oracles import TASK, watched


def _linear_inputs(n_x: int, n_y: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=shape).astype(np.float32) for shape in ((n_x, m), (n_y, n_x), (n_y, 1)))


@graded(TASK + "linear_function", points=1)
def test_linear_function_shape_and_values(impl):
    X, W, b = _linear_inputs(n_x=3, n_y=4, m=5, seed=0)
    call = checks.call("linear_function", X=X, W=W, b=b)
    try:
        got, _, _ = watched(impl.linear_function, X, W, b)
    except tf.errors.InvalidArgumentError as err:
        reason = str(err)[str(err).find("Matrix size"):].split(" [Op")[0]
        checks.fail(f"{call} raised InvalidArgumentError ({reason}): W (n_y, n_x) multiplies "
                    "X (n_x, m) from the left, tf.matmul(W, X)")
    checks.check_close(got, W.astype(np.float64) @ X + b, call=call, name="Y = W X + b",
                       rtol=1e-5, atol=1e-5)


@graded(TASK + "linear_function", points=1)
def test_linear_function_multiplies_w_on_the_left(impl):
    X, W, b = _linear_inputs(n_x=3, n_y=3, m=3, seed=1)  # square: every order of product runs
    call = checks.call("linear_function", X=X, W=W, b=b)
    got, _, _ = watched(impl.linear_function, X, W, b)
    X, W, b = (a.astype(np.float64) for a in (X, W, b))
    checks.check_close(got, W @ X + b, call=call, name="Y = W X + b", rtol=1e-5, atol=1e-5,
                       mistakes=checks.known_mistakes(TASK + "linear_function", X, W, b))


@mutant(TASK + "linear_function", "X W + b (the product in the wrong order)")
def linear_xw(ref):
    return lambda X, W, b: tf.add(tf.matmul(X, W), b)


@mutant(TASK + "linear_function", "W X without b")
def linear_no_bias(ref):
    return lambda X, W, b: tf.matmul(W, X)


@mutant(TASK + "linear_function", "W.T X + b (W transposed)")
def linear_w_transposed(ref):
    return lambda X, W, b: tf.add(tf.matmul(W, X, transpose_a=True), b)
