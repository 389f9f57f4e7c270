"""Shared data, oracles and checks of the graded tests of c1w4_deep_network (one file per function).

Oracles: TensorFlow ops (``tf.matmul``, ``tf.nn.relu``, ``tf.sigmoid``) for the forward passes,
Keras' ``BinaryCrossentropy`` for the cost, ``tf.GradientTape`` for every backward pass,
``keras.optimizers.SGD`` for the update and the training loop, and ``scipy.stats.chi2`` for the
scale of the random weights. The course's test cases are rebuilt here from their seeds (a local
``RandomState`` drawn in the course's order); their expected outputs are the values the course's
notebook prints.

The backward passes are graded on caches that the tests build themselves, in the syllabus's
layout ``((A_prev, W, b), Z)`` from a TensorFlow forward pass, so that a student's backward pass
is graded independently of their forward pass.

What dA and dZ mean. The course's dA[l] and dZ[l] hold one column per example: each column is the
derivative of that example's loss, which is m times the derivative of the mean cost J. The tape
differentiates J, so its gradient with respect to A[l] (or to A_prev, for one layer) is multiplied
by m; dW and db are the tape's gradients of J as they are.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats

if TYPE_CHECKING:  # annotations only: an oracle imports what it runs (a check needing neither skips 4 s)
    import tensorflow as tf

from grader import checks, split_task

TASK = "c1w4_deep_network."
INIT = TASK + "initialize_parameters_deep"
LINEAR_FORWARD = TASK + "linear_forward"
ACTIVATION_FORWARD = TASK + "linear_activation_forward"
FORWARD = TASK + "L_model_forward"
COST = TASK + "compute_cost"
LINEAR_BACKWARD = TASK + "linear_backward"
ACTIVATION_BACKWARD = TASK + "linear_activation_backward"
BACKWARD = TASK + "L_model_backward"
UPDATE = TASK + "update_parameters"
MODEL = TASK + "L_layer_model"

PRINTED = {"rtol": 0.0, "atol": 1e-8}  # the course prints 8 decimals: rounding leaves at most 5e-9
ALPHA = 1e-6  # the largest probability with which a statistical test may fail a correct function

# ---------------------------------------------------------------------------------------------
# The course's test cases ("Building your Deep Neural Network: Step by Step") and printed values.

COURSE_INIT_5_4_3 = {
    "W1": [[0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
           [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
           [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
           [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068]],
    "W2": [[-0.01185047, -0.0020565, 0.01486148, 0.00236716],
           [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
           [-0.00768836, -0.00230031, 0.00745056, 0.01976111]],
}
COURSE_Z = [[3.26295337, -1.23429987]]
COURSE_A = {"sigmoid": [[0.96890023, 0.11013289]], "relu": [[3.43896131, 0.0]]}
COURSE_AL = [[0.03921668, 0.70498921, 0.19734387, 0.04728177]]
COURSE_COST_AL = [[0.8, 0.9, 0.4]]
COURSE_COST_Y = [[1, 1, 0]]
COURSE_COST = 0.2797765635793422
COURSE_LINEAR_BACKWARD = {
    "dA_prev": [[-1.15171336, 0.06718465, -0.3204696, 2.09812712],
                [0.60345879, -3.72508701, 5.81700741, -3.84326836],
                [-0.4319552, -1.30987417, 1.72354705, 0.05070578],
                [-0.38981415, 0.60811244, -1.25938424, 1.47191593],
                [-2.52214926, 2.67882552, -0.67947465, 1.48119548]],
    "dW": [[0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716],
           [0.85508818, 0.37530413, -0.59912655, 0.71278189, -0.58931808],
           [0.97913304, -0.24376494, -0.08839671, 0.55151192, -0.10290907]],
    "db": [[-0.14713786], [-0.11313155], [-0.13209101]],
}
COURSE_ACTIVATION_BACKWARD = {
    "sigmoid": {"dA_prev": [[0.11017994, 0.01105339], [0.09466817, 0.00949723], [-0.05743092, -0.00576154]],
                "dW": [[0.10266786, 0.09778551, -0.01968084]], "db": [[-0.05729622]]},
    "relu": {"dA_prev": [[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]],
             "dW": [[0.44513824, 0.37371418, -0.10478989]], "db": [[-0.20837892]]},
}
COURSE_GRADS = {
    "dA0": [[0.0, 0.52257901], [0.0, -0.3269206], [0.0, -0.32070404], [0.0, -0.74079187]],
    "dA1": [[0.12913162, -0.44014127], [-0.14175655, 0.48317296], [0.01663708, -0.05670698]],
    "dW1": [[0.41010002, 0.07807203, 0.13798444, 0.10502167], [0.0, 0.0, 0.0, 0.0],
            [0.05283652, 0.01005865, 0.01777766, 0.0135308]],
    "dW2": [[-0.39202432, -0.13325855, -0.04601089]],
    "db1": [[-0.22007063], [0.0], [-0.02835349]],
    "db2": [[0.15187861]],
}
COURSE_UPDATED = {
    "W1": [[-0.59562069, -0.09991781, -2.14584584, 1.82662008],
           [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
           [-1.0535704, -0.86128581, 0.68284052, 2.20374577]],
    "b1": [[-0.04659241], [-1.28888275], [0.53405496]],
    "W2": [[-0.55569196, 0.0354055, 1.32964895]],
    "b2": [[-0.84610769]],
}


def course_linear_case(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``linear_forward_test_case`` (seed 1) and ``linear_activation_forward_test_case`` (seed 2):
    A (3, 2), W (1, 3), b (1, 1) drawn with randn in that order."""
    rng = np.random.RandomState(seed)
    return rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1)


def course_forward_case() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``L_model_forward_test_case_2hidden``: seed 6, X (5, 4), then W1 (4, 5), b1, W2 (3, 4), b2, W3 (1, 3), b3."""
    rng = np.random.RandomState(6)
    X = rng.randn(5, 4)
    parameters = {}
    for l, (n, n_prev) in enumerate(((4, 5), (3, 4), (1, 3)), start=1):
        parameters[f"W{l}"] = rng.randn(n, n_prev)
        parameters[f"b{l}"] = rng.randn(n, 1)
    return X, parameters


def course_linear_backward_case() -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``linear_backward_test_case``: seed 1, dZ (3, 4), A (5, 4), W (3, 5), b (3, 1)."""
    rng = np.random.RandomState(1)
    dZ = rng.randn(3, 4)
    return dZ, (rng.randn(5, 4), rng.randn(3, 5), rng.randn(3, 1))


def course_activation_backward_case() -> tuple[np.ndarray, tuple]:
    """``linear_activation_backward_test_case``: seed 2, dA (1, 2), A (3, 2), W (1, 3), b (1, 1), Z (1, 2)."""
    rng = np.random.RandomState(2)
    dA, A, W, b, Z = rng.randn(1, 2), rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1), rng.randn(1, 2)
    return dA, ((A, W, b), Z)


def course_backward_case() -> tuple[np.ndarray, np.ndarray, tuple]:
    """``L_model_backward_test_case``: seed 3, AL (1, 2), Y = [[1, 0]], then A1 (4, 2), W1 (3, 4), b1, Z1 (3, 2),
    A2 (3, 2), W2 (1, 3), b2, Z2 (1, 2). (Its caches are random draws, not a forward pass.)"""
    rng = np.random.RandomState(3)
    AL = rng.randn(1, 2)
    caches = []
    for n_prev, n in ((4, 3), (3, 1)):
        A, W, b, Z = rng.randn(n_prev, 2), rng.randn(n, n_prev), rng.randn(n, 1), rng.randn(n, 2)
        caches.append(((A, W, b), Z))
    return AL, np.array([[1, 0]]), tuple(caches)


def course_update_case() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """``update_parameters_test_case``: seed 2 for W1 (3, 4), b1, W2 (1, 3), b2; seed 3 for their gradients."""
    shapes = {"1": ((3, 4), (3, 1)), "2": ((1, 3), (1, 1))}
    rng = np.random.RandomState(2)
    parameters = {f"{k}{l}": rng.randn(*shape) for l, pair in shapes.items() for k, shape in zip("Wb", pair)}
    rng = np.random.RandomState(3)
    grads = {f"d{k}{l}": rng.randn(*shape) for l, pair in shapes.items() for k, shape in zip("Wb", pair)}
    return parameters, grads


# ---------------------------------------------------------------------------------------------
# Random problems of our own.

def random_network(layer_dims: Sequence[int], m: int, seed: int
                   ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """X (n[0], m), labels Y (1, m) with both classes where m > 1, and parameters whose units are
    neither all on nor all off (W ~ N(0, 1/n[l-1]), b ~ N(0, 0.3²))."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(layer_dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    Y[0, :2] = [0.0, 1.0][:m]
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.normal(size=(layer_dims[l], layer_dims[l - 1])) / np.sqrt(layer_dims[l - 1])
        parameters[f"b{l}"] = 0.3 * rng.normal(size=(layer_dims[l], 1))
    return X, Y, parameters


def random_layer(n_prev: int, n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A_prev (n_prev, m), W (n, n_prev), b (n, 1) and an upstream gradient (n, m)."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1)),
            rng.normal(size=(n, m)))


def disc_task(m: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """X (2, m) standard normal and Y (1, m) = 1 inside the disc x1² + x2² < 1.4 (about half the
    points), 5 % of the labels flipped: no linear classifier does better than about 60 %, a small
    ReLU network about 90 %, and the flipped labels keep the cost away from 0."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2, m))
    Y = (X[0:1] ** 2 + X[1:2] ** 2 < 1.4).astype(float)
    flip = rng.random((1, m)) < 0.05
    Y[flip] = 1.0 - Y[flip]
    return X, Y


# ---------------------------------------------------------------------------------------------
# TensorFlow oracles.

def _t(value: Any) -> tf.Tensor:
    import tensorflow as tf
    return tf.constant(np.asarray(value, dtype=np.float64))


def activation_op(name: str) -> Callable[[Any], Any]:
    """tf.nn.relu or tf.sigmoid, by the course's name of the activation."""
    import tensorflow as tf
    return {"relu": tf.nn.relu, "sigmoid": tf.sigmoid}[name]


def tf_linear(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """W·A + b through tf.matmul (float64)."""
    import tensorflow as tf
    return (tf.matmul(_t(W), _t(A)) + _t(b)).numpy()


def tf_layer(A: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str) -> np.ndarray:
    """g(W·A + b) with tf.nn.relu or tf.sigmoid."""
    return activation_op(activation)(_t(tf_linear(A, W, b))).numpy()


def tf_forward(X: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, list[tuple]]:
    """A[L] of [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID in TensorFlow, and the caches
    ``((A[l-1], W[l], b[l]), Z[l])`` in the syllabus's layout."""
    L = len(parameters) // 2
    A, caches = np.asarray(X, dtype=np.float64), []
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z = tf_linear(A, W, b)
        caches.append(((A, W, b), Z))
        A = activation_op("sigmoid" if l == L else "relu")(_t(Z)).numpy()
    return A, caches


def keras_cost(AL: np.ndarray, Y: np.ndarray) -> float:
    """Keras' mean binary cross-entropy of the probabilities AL (1, m) for the labels Y (1, m)."""
    import keras
    bce = keras.losses.BinaryCrossentropy(dtype="float64")
    return float(bce(_t(Y).numpy().T, _t(AL).numpy().T))


def tape_network_gradients(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray]
                           ) -> tuple[np.ndarray, list[tuple], dict[str, np.ndarray]]:
    """``(AL, caches, grads)``: the forward pass and caches of :func:`tf_forward`, and the course's
    gradients from ``tf.GradientTape`` on Keras' mean binary cross-entropy: dW[l], db[l] as the
    tape gives them, dA[l] = m × dJ/dA[l] for l = 0, ..., L-1."""
    import keras
    import tensorflow as tf
    L, m = len(parameters) // 2, X.shape[1]
    v = {key: _t(value) for key, value in parameters.items()}
    x, y = _t(X), _t(Y)
    bce = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, *v.values()])
        A, outputs = x, [x]
        for l in range(1, L + 1):
            Z = tf.matmul(v[f"W{l}"], A) + v[f"b{l}"]
            A = tf.nn.relu(Z) if l < L else Z
            outputs.append(A)
        cost = bce(tf.transpose(y), tf.transpose(Z))
    grads = {}
    for l in range(L):
        grads[f"dA{l}"] = m * tape.gradient(cost, outputs[l]).numpy()
    for l in range(1, L + 1):
        grads[f"dW{l}"] = tape.gradient(cost, v[f"W{l}"]).numpy()
        grads[f"db{l}"] = tape.gradient(cost, v[f"b{l}"]).numpy()
    AL, caches = tf_forward(X, parameters)
    return AL, caches, grads


def tape_layer_gradients(upstream: np.ndarray, A_prev: np.ndarray, W: np.ndarray, b: np.ndarray,
                         activation: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dA_prev, dW, db)`` of one layer from ``tf.GradientTape``.

    The layer's output is Z = W·A_prev + b (``activation=None``, the linear part alone) or
    g(Z); with J = (1/m)·sum(upstream ⊙ output), the tape's dJ/dW and dJ/db are the course's dW
    and db for that upstream gradient (dZ or dA), and m·dJ/dA_prev is its dA_prev.
    """
    import tensorflow as tf
    m = A_prev.shape[1]
    a, w, bb, up = _t(A_prev), _t(W), _t(b), _t(upstream)
    with tf.GradientTape() as tape:
        tape.watch([a, w, bb])
        out = tf.matmul(w, a) + bb
        if activation is not None:
            out = activation_op(activation)(out)
        J = tf.reduce_sum(up * out) / m
    dA_prev, dW, db = tape.gradient(J, [a, w, bb])
    return m * dA_prev.numpy(), dW.numpy(), db.numpy()


def keras_sgd_step(parameters: dict[str, np.ndarray], grads: dict[str, np.ndarray],
                   learning_rate: float) -> dict[str, np.ndarray]:
    """One ``keras.optimizers.SGD(learning_rate)`` step on float64 variables holding the parameters."""
    import keras
    import tensorflow as tf
    keys = sorted(parameters)
    variables = [tf.Variable(np.asarray(parameters[key], dtype=np.float64)) for key in keys]
    keras.optimizers.SGD(learning_rate=learning_rate).apply_gradients(
        zip([_t(grads["d" + key]) for key in keys], variables))
    return {key: variable.numpy() for key, variable in zip(keys, variables)}


def keras_gradient_descent(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray], learning_rate: float,
                           num_iterations: int) -> tuple[dict[str, np.ndarray], list[float]]:
    """Full-batch ``keras.optimizers.SGD`` on the network's mean binary cross-entropy from
    ``parameters``: the trained parameters and the costs of iterations 0, 100, 200, ..."""
    import keras
    import tensorflow as tf
    L = len(parameters) // 2
    keys = [f"{k}{l}" for l in range(1, L + 1) for k in "Wb"]
    variables = [tf.Variable(np.asarray(parameters[key], dtype=np.float64)) for key in keys]
    x, y = _t(X), tf.transpose(_t(Y))
    bce = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)

    @tf.function
    def step() -> tf.Tensor:
        with tf.GradientTape() as tape:
            A = x
            for l in range(L):
                Z = tf.matmul(variables[2 * l], A) + variables[2 * l + 1]
                A = tf.nn.relu(Z)
            cost = bce(y, tf.transpose(Z))
        optimizer.apply_gradients(zip(tape.gradient(cost, variables), variables))
        return cost

    costs = []
    for i in range(num_iterations):
        cost = float(step())
        if i % 100 == 0:
            costs.append(cost)
    return {key: variable.numpy() for key, variable in zip(keys, variables)}, costs


# ---------------------------------------------------------------------------------------------
# Checks shared by the tests.

def describe(key: str, layer_dims: Sequence[int], prefix: str = "parameters") -> str:
    """The name of an array in a message, with its layer: 'parameters["W2"] (layer 2: 3 units, each
    with 4 inputs)', 'grads["db1"] (layer 1: 4 units)', 'grads["dA1"] (the gradient of A1: 3 units)'."""
    kind, l = key.rstrip("0123456789"), int(key[len(key.rstrip("0123456789")):])
    name = f'{prefix}["{key}"]'
    if kind in ("W", "dW"):
        return f"{name} (layer {l}: {layer_dims[l]} units, each with {layer_dims[l - 1]} inputs)"
    if kind in ("b", "db"):
        return f"{name} (layer {l}: {layer_dims[l]} units)"
    return f"{name} (the gradient of A{l}, layer {l}'s output: {layer_dims[l]} units{', the input X' if l == 0 else ''})"


def parameter_keys(L: int) -> list[str]:
    return [f"{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]


def gradient_keys(L: int) -> list[str]:
    return [f"dA{l}" for l in range(L)] + [f"d{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]


def check_keys(result: Any, keys: Sequence[str], call: str, what: str, mistakes: checks.KnownMistakes | None = None,
               advice: str = "") -> None:
    """Fail unless ``result`` is a dict with exactly ``keys``, naming a known mistake with the same keys."""
    if not isinstance(result, dict):
        checks.fail(f"{call} should return a dict {{{', '.join(repr(k) for k in keys[:4])}, ...}}, "
                    f"got {type(result).__name__}")
    got = sorted(map(str, result))
    if got != sorted(keys):
        missing = [key for key in keys if key not in result]
        extra = [key for key in got if key not in keys]
        named = mistakes.named(lambda value: sorted(map(str, value)) == got) if mistakes is not None else ""
        checks.fail(f"{call}: {what} has the keys {got}, expected exactly {list(keys)} "
                    f"(missing: {missing}; unexpected: {extra}).{advice}{named}")


def check_arrays(result: dict, expected: dict[str, Any], layer_dims: Sequence[int], call: str, prefix: str,
                 mistakes: Any = None, **tolerance: float) -> None:
    """Every ``expected[key]`` against ``result[key]``, shapes first (the message names the layer
    and both shapes), then values; ``mistakes(key)`` gives the known mistakes for one key."""
    for key, value in expected.items():
        checks.check_close(result[key], value, call=call, name=describe(key, layer_dims, prefix),
                           mistakes=mistakes(key) if mistakes is not None else None, **tolerance)


def check_triple(result: Any, expected: dict[str, Any], call: str, task: str, args: tuple, **tolerance: float) -> None:
    """``(dA_prev, dW, db)`` against ``expected`` (those three keys), naming the mutant of ``task``
    (called on ``args``) whose value the student's equals."""
    names = ("dA_prev", "dW", "db")
    values = checks.unpack(result, names, call=call)
    for i, (name, value) in enumerate(zip(names, values)):
        checks.check_close(value, expected[name], call=call, name=name,
                           mistakes=checks.known_mistakes(task, *args, pick=lambda out, i=i: out[i]), **tolerance)


def check_same(got: Any, expected: Any, call: str, what: str, layout: str,
               mistakes: checks.KnownMistakes | None = None) -> None:
    """Fail unless the nested result ``got`` (a cache, a list of caches) is :func:`checks.same` as
    ``expected``, saying which ``layout`` was expected and naming a known mistake of that form."""
    if checks.same(got, expected):
        return
    named = mistakes.equal_to(got) if mistakes is not None else ""
    summary = _structure(got)
    checks.fail(f"{call}: {what} is not {layout}; got {summary}{named}")


def _structure(value: Any) -> str:
    """A short description of a nested result: tuples and lists by their items, arrays by shape."""
    if isinstance(value, (tuple, list)):
        inner = ", ".join(_structure(item) for item in value[:6])
        more = ", ..." if len(value) > 6 else ""
        return f"({inner}{more})" if isinstance(value, tuple) else f"[{inner}{more}]"
    shape = getattr(value, "shape", None)
    return f"array{tuple(shape)}" if shape is not None else type(value).__name__


def variance_bounds(N: int, k: int) -> tuple[float, float]:
    """The interval in which mean(W²)/σ² of N independent N(0, σ²) draws lies with probability
    1 - ALPHA/k: sum(W²)/σ² is chi-square with N degrees of freedom (the mean 0 is known)."""
    a = ALPHA / k
    return stats.chi2.ppf(a / 2, N) / N, stats.chi2.isf(a / 2, N) / N


def effect_mistakes(task: str, *args: Any, **kwargs: Any) -> checks.KnownMistakes:
    """The known mistakes of ``task`` called with (copies of) ``args``, each as what the call did
    besides returning: ``{"printed": str, "numpy_global_random": bool, "changed_arguments": bool}``.
    A failure about a side effect names only the mistakes that have it (``mistakes.named(lambda
    effects: effects["printed"] != "")``), not one that merely returns the same values."""
    name = split_task(task)[1]

    def copy(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: np.array(item) for key, item in value.items()}
        return np.array(value) if isinstance(value, np.ndarray) else value

    def run(module: Any) -> dict[str, Any]:
        copies = [copy(arg) for arg in args]
        state = np.random.get_state()
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                getattr(module, name)(*copies, **kwargs)
            after = np.random.get_state()
            global_random = not (np.array_equal(state[1], after[1]) and state[2:] == after[2:])
        finally:
            np.random.set_state(state)
        changed = any(not checks.same(c, a, rtol=0, atol=0) for c, a in zip(copies, args))
        return {"printed": out.getvalue(), "numpy_global_random": global_random, "changed_arguments": changed}

    return checks.known_mistakes(task, run=run)
