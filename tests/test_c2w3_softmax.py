"""Graded tests of c2w3_softmax, and the wrong versions (mutants) that they must catch.

Oracles: ``tf.nn.softmax``, Keras losses, ``tf.GradientTape`` with ``keras.optimizers.SGD`` for
the training trajectory, Keras' own compiled loss and metrics for the builders, and scikit-learn's
bundled digits for the accuracy targets.
"""

from __future__ import annotations

import functools

import keras
import numpy as np
import scipy.special
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from grader import checks, graded, mutant, observe, rewrite

TASK = "c2w3_softmax."


# ---------------------------------------------------------------------------------------------
# Shared data and oracles
# ---------------------------------------------------------------------------------------------

def _logits(C: int, m: int, seed: int, scale: float = 3.0) -> np.ndarray:
    return scale * np.random.default_rng(seed).normal(size=(C, m))


def _one_hot(labels: np.ndarray, C: int) -> np.ndarray:
    """One-hot columns (C, m) for integer labels (m,)."""
    return tf.one_hot(labels, C, axis=0, dtype=tf.float64).numpy()


def _tf_softmax(Z: np.ndarray, axis: int = 0) -> np.ndarray:
    return tf.nn.softmax(tf.constant(Z, tf.float64), axis=axis).numpy()


def _cce(Y: np.ndarray, Z_or_A: np.ndarray, from_logits: bool) -> tf.Tensor:
    """Keras' mean categorical cross-entropy of column-layout (C, m) arrays, in float64."""
    loss = keras.losses.CategoricalCrossentropy(from_logits=from_logits, dtype="float64")
    return loss(tf.transpose(Y), tf.transpose(Z_or_A))


@functools.cache
def _digits_split() -> tuple[np.ndarray, ...]:
    X, y = load_digits(return_X_y=True)
    return tuple(train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y))


def _digits() -> tuple[np.ndarray, ...]:
    """scikit-learn's 8x8 digits scaled to [0, 1], one fixed stratified 75/25 split, one example
    per row: fresh copies (X_train, X_test, y_train, y_test), so no test can spoil another's data."""
    return tuple(array.copy() for array in _digits_split())


def _digits_columns() -> tuple[np.ndarray, ...]:
    """The same split in the course's layout: X (64, m) contiguous, labels (1, m)."""
    X_train, X_test, y_train, y_test = _digits_split()
    return (np.ascontiguousarray(X_train.T), np.ascontiguousarray(X_test.T), y_train[None, :].copy(),
            y_test.copy())


def _fail_if_not_finite(array: np.ndarray, call: str, advice: str) -> None:
    bad = np.argwhere(~np.isfinite(array))
    if bad.size:
        index = tuple(int(i) for i in bad[0])
        checks.fail(f"{call}: the result holds {array[index]} at index {index} (expected only finite "
                    f"numbers). {advice}")


# ---------------------------------------------------------------------------------------------
# softmax
# ---------------------------------------------------------------------------------------------

MAX_SHIFT_ADVICE = ("np.exp overflows to inf above about 709 and inf/inf is nan; subtract each "
                    "column's own max before exponentiating: softmax(z) = softmax(z - max(z)).")


@graded(TASK + "softmax", points=2)
def test_softmax_matches_tf_nn_softmax(impl):
    Z = _logits(4, 7, seed=0)
    call = checks.call("softmax", Z=Z)
    checks.check_close(impl.softmax(Z), _tf_softmax(Z), call=call, mistakes={
        "softmax over axis 1 (each row instead of each column)": _tf_softmax(Z, axis=1),
        "normalising by the sum over the whole array": np.exp(Z) / np.exp(Z).sum(),
        "forgetting to normalise (returning exp(Z))": np.exp(Z),
    })


@graded(TASK + "softmax", points=2)
def test_softmax_stays_finite_for_large_logits(impl):
    # Column 2 lives near -1000 while column 0 reaches +1000: only a per-column max is safe.
    Z = np.array([[1000.0, 0.0, -1000.0, 10.0],
                  [999.0, -1000.0, -1001.0, 1000.0],
                  [-1000.0, 1000.0, -1003.0, -1000.0]])
    call = checks.call("softmax", Z=Z) + " holding logits of ±1000"
    A = checks.check_shape(impl.softmax(Z), Z.shape, call=call)
    _fail_if_not_finite(A, call, MAX_SHIFT_ADVICE + " One max over the whole array is not enough: "
                        "a column of logits near -1000 then underflows to 0/0.")
    checks.check_close(A, _tf_softmax(Z), call=call)


@graded(TASK + "softmax", points=1)
@settings(max_examples=25)
@given(C=st.integers(1, 5), m=st.integers(1, 6), seed=st.integers(0, 2**16),
       scale=st.sampled_from([0.1, 5.0, 60.0]))
def test_softmax_columns_are_probability_distributions(impl, C, m, seed, scale):
    Z = _logits(C, m, seed, scale)
    call = checks.call("softmax", Z=Z)
    A = checks.check_shape(impl.softmax(Z), (C, m), call=call)
    _fail_if_not_finite(A, call, MAX_SHIFT_ADVICE)
    sums = A.sum(axis=0)
    if not np.allclose(sums, 1.0, atol=1e-9):
        j = int(np.argmax(np.abs(sums - 1.0)))
        checks.fail(f"{call}: column {j} sums to {sums[j]:.6g}, expected 1 (softmax normalises each "
                    "column, the classes of one example, over axis 0)")
    checks.check_close(A, _tf_softmax(Z), call=call)


@mutant(TASK + "softmax", "softmax over axis 1 instead of the class axis 0")
def softmax_wrong_axis(ref):
    def softmax(Z):
        T = np.exp(Z - Z.max(axis=1, keepdims=True))
        return T / T.sum(axis=1, keepdims=True)
    return softmax


@mutant(TASK + "softmax", "no max shift: exp(1000) overflows to inf, inf/inf = nan")
def softmax_no_max_shift(ref):
    def softmax(Z):
        T = np.exp(Z)
        return T / T.sum(axis=0, keepdims=True)
    return softmax


@mutant(TASK + "softmax", "subtracts the max of the whole array instead of each column's max")
def softmax_global_max(ref):
    def softmax(Z):
        T = np.exp(Z - Z.max())
        return T / T.sum(axis=0, keepdims=True)
    return softmax


@mutant(TASK + "softmax", "sum without axis: divides by the sum over all entries")
def softmax_sum_over_everything(ref):
    def softmax(Z):
        T = np.exp(Z - Z.max(axis=0, keepdims=True))
        return T / T.sum()
    return softmax


# ---------------------------------------------------------------------------------------------
# hardmax
# ---------------------------------------------------------------------------------------------

def _check_one_hot_of_max(H, Z: np.ndarray, call: str) -> None:
    C, m = Z.shape
    H = checks.to_array(H, call=call)
    if H.shape in ((m,), (1, m)):
        checks.fail(f"{call}: the result has shape {H.shape}: these look like the argmax indices. "
                    f"hardmax returns the one-hot matrix of shape {(C, m)}: a 1 at the largest "
                    "entry of each column, 0 elsewhere")
    H = checks.check_shape(H, (C, m), call=call)
    if not np.isin(H, (0.0, 1.0)).all():
        checks.fail(f"{call}: the result should hold only 0s and 1s, got values such as "
                    f"{H[~np.isin(H, (0.0, 1.0))][0]:.6g}")
    ones = H.sum(axis=0)
    for j in range(m):
        if ones[j] != 1:
            tied = np.sum(Z[:, j] == Z[:, j].max()) > 1
            advice = ("on a tie hardmax still puts a single 1, at the first largest entry (as "
                      "np.argmax does); comparing Z with its max marks every tied entry" if tied else
                      "hardmax puts one 1 in each column, over the class axis 0")
            checks.fail(f"{call}: column {j} holds {int(ones[j])} ones, expected exactly 1. "
                        f"Z[:, {j}] = {np.round(Z[:, j], 4).tolist()}: {advice}")
        row = int(np.argmax(H[:, j]))
        if Z[row, j] != Z[:, j].max():
            checks.fail(f"{call}: column {j} has its 1 in row {row}, but the largest entry of "
                        f"Z[:, {j}] = {np.round(Z[:, j], 4).tolist()} is in row {int(np.argmax(Z[:, j]))} "
                        "(hardmax works on each column, over the class axis 0)")


@graded(TASK + "hardmax", points=1)
def test_hardmax_is_one_hot_of_each_columns_argmax(impl):
    Z = _logits(5, 6, seed=1)
    call = checks.call("hardmax", Z=Z)
    H = impl.hardmax(Z)
    _check_one_hot_of_max(H, Z, call)
    checks.check_close(H, tf.one_hot(tf.argmax(Z, axis=0), 5, axis=0).numpy(), call=call)


@graded(TASK + "hardmax", points=1)
def test_hardmax_puts_one_one_per_column_on_ties(impl):
    Z = np.array([[2.0, 0.0, 1.0, -3.0],
                  [2.0, 1.0, 1.0, -3.0],
                  [0.0, 1.0, 1.0, -3.0]])
    _check_one_hot_of_max(impl.hardmax(Z), Z, checks.call("hardmax", Z=Z) + " with tied maxima")


@mutant(TASK + "hardmax", "returns the argmax indices instead of their one-hot matrix")
def hardmax_indices(ref):
    return lambda Z: np.argmax(Z, axis=0)


@mutant(TASK + "hardmax", "Z == max(Z): ties get several ones in one column")
def hardmax_ties_all_ones(ref):
    return lambda Z: (Z == Z.max(axis=0, keepdims=True)).astype(float)


@mutant(TASK + "hardmax", "argmax over axis 1 (rows) instead of the class axis 0")
def hardmax_wrong_axis(ref):
    def hardmax(Z):
        H = np.zeros_like(Z)
        H[np.arange(Z.shape[0]), np.argmax(Z, axis=1)] = 1.0
        return H
    return hardmax


# ---------------------------------------------------------------------------------------------
# softmax_cross_entropy_cost
# ---------------------------------------------------------------------------------------------

@graded(TASK + "softmax_cross_entropy_cost", points=2)
def test_softmax_cross_entropy_cost_matches_keras(impl):
    C, m = 4, 6
    Z = _logits(C, m, seed=2, scale=1.5)
    A = _tf_softmax(Z)
    Y = _one_hot(np.array([0, 3, 1, 1, 2, 0]), C)
    call = checks.call("softmax_cross_entropy_cost", A=A, Y=Y)
    cost = impl.softmax_cross_entropy_cost(A, Y)
    expected = float(_cce(Y, A, from_logits=False))
    if not np.all(np.isfinite(checks.to_array(cost, call=call, name="the cost"))):
        checks.fail(f"{call}: the cost is {cost}, expected {expected:.6g}. Y holds zeros, so "
                    "log(Y) is -inf: the cross-entropy is -sum(Y * log(A)), the log of the "
                    "predictions A")
    binary = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    checks.check_scalar(cost, expected, call=call, name="the cost", mistakes={
        "summing over the examples instead of averaging (missing 1/m)": expected * m,
        "averaging over all C*m entries instead of the m examples": expected / C,
        "a missing minus sign": -expected,
        "the binary cross-entropy formula (for sigmoid outputs, not softmax)": binary,
    })


@graded(TASK + "softmax_cross_entropy_cost", points=1)
@settings(max_examples=20)
@given(C=st.integers(2, 6), m=st.integers(1, 9), seed=st.integers(0, 2**16))
def test_softmax_cross_entropy_cost_equals_cross_entropy_of_logits(impl, C, m, seed):
    rng = np.random.default_rng(seed)
    Z = 2.0 * rng.normal(size=(C, m))
    Y = np.eye(C)[:, rng.integers(0, C, size=m)]
    A = scipy.special.softmax(Z, axis=0)  # an input; the oracle is Keras (student code runs first)
    cost = impl.softmax_cross_entropy_cost(A, Y)
    call = checks.call("softmax_cross_entropy_cost", A=A, Y=Y)
    checks.check_scalar(cost, float(_cce(Y, Z, from_logits=True)), call=call, name="the cost")


@mutant(TASK + "softmax_cross_entropy_cost", "sums over examples instead of averaging")
def cost_summed(ref):
    return lambda A, Y: float(-np.sum(Y * np.log(A)))


@mutant(TASK + "softmax_cross_entropy_cost", "log of the labels Y instead of the predictions A")
def cost_log_of_labels(ref):
    def softmax_cross_entropy_cost(A, Y):
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(-np.sum(A * np.log(Y)) / Y.shape[1])
    return softmax_cross_entropy_cost


@mutant(TASK + "softmax_cross_entropy_cost", "mean over all C*m entries instead of over the m examples")
def cost_mean_over_entries(ref):
    return lambda A, Y: float(-np.mean(Y * np.log(A)))


@mutant(TASK + "softmax_cross_entropy_cost", "np.squeeze(cost): a 0-d array, not a Python float")
def cost_numpy_scalar(ref):
    return lambda A, Y: np.squeeze(-np.sum(Y * np.log(A), keepdims=True) / Y.shape[1])


@mutant(TASK + "softmax_cross_entropy_cost", "binary cross-entropy formula")
def cost_binary(ref):
    return lambda A, Y: float(-np.mean(np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=0)))


# ---------------------------------------------------------------------------------------------
# softmax_backward
# ---------------------------------------------------------------------------------------------

def _tape_dZ(Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """m * dJ/dZ for the mean cross-entropy J: the per-example dZ = dL/dz of each column."""
    Zv = tf.Variable(Z, dtype=tf.float64)
    with tf.GradientTape() as tape:
        J = _cce(Y, Zv, from_logits=True)
    return Z.shape[1] * tape.gradient(J, Zv).numpy()


def _check_backward(impl, Z: np.ndarray, Y: np.ndarray) -> None:
    A = scipy.special.softmax(Z, axis=0)  # an input; the oracle is the tape (student code runs first)
    dZ = impl.softmax_backward(A, Y)
    m = Z.shape[1]
    expected = _tape_dZ(Z, Y)
    call = checks.call("softmax_backward", A=A, Y=Y)
    checks.check_close(dZ, expected, call=call, name="dZ", mistakes={
        "dividing by m (dZ is per example: dZ = A - Y; the 1/m goes into dW and db)": expected / m,
        "Y - A (the sign is flipped)": -expected,
        "multiplying by A*(1 - A), the sigmoid's derivative": expected * A * (1 - A),
    })


@graded(TASK + "softmax_backward", points=2)
def test_softmax_backward_matches_gradient_tape(impl):
    _check_backward(impl, _logits(4, 6, seed=3), _one_hot(np.array([2, 0, 3, 3, 1, 0]), 4))


@graded(TASK + "softmax_backward", points=1)
@settings(max_examples=20)
@given(C=st.integers(2, 5), m=st.integers(2, 8), seed=st.integers(0, 2**16))
def test_softmax_backward_matches_gradient_tape_for_soft_labels(impl, C, m, seed):
    rng = np.random.default_rng(seed)
    Y = rng.dirichlet(np.ones(C), size=m).T  # each column a distribution over the C classes
    _check_backward(impl, 2.0 * rng.normal(size=(C, m)), Y)


@mutant(TASK + "softmax_backward", "Y - A: the sign is flipped")
def backward_wrong_sign(ref):
    return lambda A, Y: Y - A


@mutant(TASK + "softmax_backward", "divides dZ by m (then dW = dZ X.T / m divides twice)")
def backward_divided_by_m(ref):
    return lambda A, Y: (A - Y) / Y.shape[1]


@mutant(TASK + "softmax_backward", "chains the sigmoid derivative: (A - Y) * A * (1 - A)")
def backward_sigmoid_derivative(ref):
    return lambda A, Y: (A - Y) * A * (1 - A)


# ---------------------------------------------------------------------------------------------
# train_softmax_regression
# ---------------------------------------------------------------------------------------------

def _small_problem() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    X = rng.normal(size=(3, 20))
    labels = rng.integers(0, 3, size=(1, 20))
    return X, labels


def _check_parameters(parameters, C: int, n_x: int, call: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(parameters, dict) or not {"W", "b"} <= parameters.keys():
        keys = f" with keys {sorted(parameters)}" if isinstance(parameters, dict) else ""
        checks.fail(f"{call}: parameters should be a dict with keys 'W' and 'b', got "
                    f"{type(parameters).__name__}{keys}")
    W = checks.check_shape(parameters["W"], (C, n_x), call=call, name='parameters["W"]')
    b = checks.check_shape(parameters["b"], (C, 1), call=call, name='parameters["b"]')
    return W, b


def _oracle_descent(W0, b0, X, labels, C, learning_rate, steps):
    """Batch gradient descent on the mean cross-entropy: GradientTape + keras SGD, in float64."""
    W, b = tf.Variable(W0, dtype=tf.float64), tf.Variable(b0, dtype=tf.float64)
    Y = _one_hot(labels.reshape(-1), C)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    costs = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            J = _cce(Y, W @ X + b, from_logits=True)
        costs.append(float(J))
        optimizer.apply_gradients(zip(tape.gradient(J, [W, b]), [W, b]))
    return W.numpy(), b.numpy(), costs


@graded(TASK + "train_softmax_regression", points=3)
def test_train_softmax_regression_follows_gradient_descent(impl):
    X, labels = _small_problem()
    C, lr, steps = 3, 0.5, 5
    def call(iterations: int) -> str:
        return checks.call("train_softmax_regression", X=X, Y=labels, num_classes=C, learning_rate=lr,
                           num_iterations=iterations, seed=1)

    result = impl.train_softmax_regression(X, labels, C, lr, 0, 1)
    if not (isinstance(result, tuple) and len(result) == 2):
        checks.fail(f"{call(0)} should return a tuple (parameters, costs), got {type(result).__name__}")
    W0, b0 = _check_parameters(result[0], C, 3, call(0) + " (the initial parameters)")
    call = call(steps)
    parameters, costs = impl.train_softmax_regression(X, labels, C, lr, steps, 1)
    W, b = _check_parameters(parameters, C, 3, call)
    if len(costs) != steps:
        checks.fail(f"{call}: costs has {len(costs)} entries, expected {steps}: one per iteration, "
                    "the cost before each update (costs[0] is the cost of the initial parameters)")
    W_exp, b_exp, costs_exp = _oracle_descent(W0, b0, X, labels, C, lr, steps)
    W_fast, b_fast, _ = _oracle_descent(W0, b0, X, labels, C, lr * X.shape[1], steps)
    after = " (the initial parameters come from the same call with num_iterations=0)"
    checks.check_close(b, b_exp, call=call + after, name='parameters["b"]', rtol=1e-7, mistakes={
        "never updating b": b0, "db without the 1/m": b_fast})
    checks.check_close(W, W_exp, call=call + after, name='parameters["W"]', rtol=1e-7, mistakes={
        "never updating W": W0, "dW without the 1/m": W_fast})
    checks.check_close(costs, costs_exp, call=call, name="costs (costs[i]: the cost before update i)",
                       rtol=1e-7)


@graded(TASK + "train_softmax_regression", points=1)
def test_train_softmax_regression_is_reproducible_from_its_seed(impl):
    X, labels = _small_problem()
    call = checks.call("train_softmax_regression", X=X, Y=labels, num_classes=3, learning_rate=0.5,
                       num_iterations=3, seed=7)
    with observe() as seen:
        first, costs = impl.train_softmax_regression(X, labels, 3, 0.5, 3, 7)
        again, _ = impl.train_softmax_regression(X, labels, 3, 0.5, 3, 7)
    W, b = _check_parameters(first, 3, 3, call)
    W2, b2 = _check_parameters(again, 3, 3, call)
    if seen.numpy_global_random:
        checks.fail(f"{call} drew from NumPy's global random state (np.random.randn, np.random.seed...): "
                    "draw the initial W from np.random.default_rng(seed) instead")
    if not (np.array_equal(W, W2) and np.array_equal(b, b2)):
        checks.fail(f"{call} twice gave different parameters: draw the initial W from "
                    "np.random.default_rng(seed), not from the global np.random state")
    if len(costs) != 3:
        checks.fail(f"{call}: costs has {len(costs)} entries, expected 3 (one per iteration)")


@graded(TASK + "train_softmax_regression", points=1)
def test_train_softmax_regression_prints_nothing(impl):
    X, labels = _small_problem()
    with observe() as seen:
        impl.train_softmax_regression(X, labels, 3, 0.5, 3, 0)
    out = seen.printed
    if out:
        checks.fail("train_softmax_regression(X, Y, num_classes=3, learning_rate=0.5, num_iterations=3, "
                    f"seed=0) printed {out[:80]!r}: a graded function returns its costs, it does not print")


@graded(TASK + "train_softmax_regression", points=2)
def test_train_softmax_regression_reaches_90_percent_on_digits(impl):
    X_train, X_test, Y_train, y_test = _digits_columns()
    call = checks.call("train_softmax_regression", X=X_train, Y=Y_train, num_classes=10,
                       learning_rate=1.0, num_iterations=200, seed=0) + " on the digits (pixels / 16)"
    parameters, _ = impl.train_softmax_regression(X_train, Y_train, 10, 1.0, 200, 0)
    W, b = _check_parameters(parameters, 10, 64, call)
    accuracy = float(np.mean(np.argmax(W @ X_test + b, axis=0) == y_test))
    if not accuracy >= 0.90:
        checks.fail(f"{call}: test accuracy {accuracy:.1%}, expected at least 90%")


@mutant(TASK + "train_softmax_regression", "forgets to update b")
def train_no_bias_update(ref):
    return rewrite(ref, "train_softmax_regression",
                   "b = b - learning_rate * dZ.sum(axis=1, keepdims=True) / m", "b = b")


@mutant(TASK + "train_softmax_regression", "dW and db without 1/m (the learning rate is m times too big)")
def train_no_one_over_m(ref):
    return rewrite(ref, "train_softmax_regression",
                   "(dZ @ X.T) / m\n        b = b - learning_rate * dZ.sum(axis=1, keepdims=True) / m",
                   "(dZ @ X.T)\n        b = b - learning_rate * dZ.sum(axis=1, keepdims=True)")


@mutant(TASK + "train_softmax_regression", "ignores the seed: draws W from the global np.random")
def train_ignores_seed(ref):
    train = ref.train_softmax_regression

    def train_softmax_regression(X, Y, num_classes, learning_rate=1.0, num_iterations=200, seed=0):
        return train(X, Y, num_classes, learning_rate, num_iterations, np.random.randint(2**31))
    return train_softmax_regression


@mutant(TASK + "train_softmax_regression", "prints the cost every 100 iterations")
def train_prints_costs(ref):
    train = ref.train_softmax_regression

    def train_softmax_regression(X, Y, num_classes, learning_rate=1.0, num_iterations=200, seed=0):
        parameters, costs = train(X, Y, num_classes, learning_rate, num_iterations, seed)
        for i in range(0, len(costs), 100):
            print(f"Cost after iteration {i}: {costs[i]}")
        return parameters, costs
    return train_softmax_regression


@mutant(TASK + "train_softmax_regression", "keeps the cost only every 100 iterations")
def train_costs_every_100(ref):
    train = ref.train_softmax_regression

    def train_softmax_regression(X, Y, num_classes, learning_rate=1.0, num_iterations=200, seed=0):
        parameters, costs = train(X, Y, num_classes, learning_rate, num_iterations, seed)
        return parameters, costs[::100]
    return train_softmax_regression


@mutant(TASK + "train_softmax_regression", "uses the integer labels (1, m) as Y in dZ = A - Y")
def train_labels_not_one_hot(ref):
    def train_softmax_regression(X, Y, num_classes, learning_rate=1.0, num_iterations=200, seed=0):
        X, Y = np.asarray(X, float), np.asarray(Y, float).reshape(1, -1)
        W = 0.01 * np.random.default_rng(seed).standard_normal((num_classes, X.shape[0]))
        b = np.zeros((num_classes, 1))
        Y1 = np.eye(num_classes)[:, Y.astype(int).ravel()]
        costs = []
        for _ in range(num_iterations):
            A = ref.softmax(W @ X + b)
            costs.append(ref.softmax_cross_entropy_cost(A, Y1))
            dZ = A - Y
            W = W - learning_rate * (dZ @ X.T) / X.shape[1]
            b = b - learning_rate * dZ.sum(axis=1, keepdims=True) / X.shape[1]
        return {"W": W, "b": b}, costs
    return train_softmax_regression


# ---------------------------------------------------------------------------------------------
# build_softmax_classifier
# ---------------------------------------------------------------------------------------------

def _batch(n_features: int, n_classes: int, seed: int = 5, batch: int = 12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return 3.0 * rng.normal(size=(batch, n_features)).astype("float32"), np.arange(batch) % n_classes


def _build(impl, n_features: int, n_classes: int, **kwargs) -> tuple[keras.Model, str]:
    call = checks.call("build_softmax_classifier", n_features=n_features, n_classes=n_classes, **kwargs)
    keras.utils.set_random_seed(0)
    model = impl.build_softmax_classifier(n_features, n_classes, **kwargs)
    if not isinstance(model, keras.Model):
        checks.fail(f"{call} should return a compiled keras.Model, got {type(model).__name__}")
    if model.optimizer is None or not getattr(model, "compiled", True):
        checks.fail(f"{call} returned a model that is not compiled: call model.compile(...)")
    return model, call


def _keras(call: str, what: str, run, advice: str = ""):
    """Run ``run()`` (a Keras call on the student's model); an exception becomes a clear failure."""
    try:
        return run()
    except Exception as err:
        checks.fail(f"{call}: {what} raised {type(err).__name__}: {str(err)[:300]}"
                    + (f"\n{advice}" if advice else ""))


SPARSE_ADVICE = ("The labels here are class indices of shape (batch,), not one-hot rows: the loss is "
                 "keras.losses.SparseCategoricalCrossentropy(from_logits=True)")


def _output(model: keras.Model, x: np.ndarray, units: int, call: str, what: str) -> np.ndarray:
    return checks.check_shape(model(x, training=False), (x.shape[0], units), call=call,
                              name=f"model(x) for x of shape {x.shape} ({what})")


@graded(TASK + "build_softmax_classifier", points=2)
def test_build_softmax_classifier_outputs_logits_from_a_linear_last_layer(impl):
    model, call = _build(impl, 6, 4)
    x, _ = _batch(6, 4)
    logits = _output(model, x, 4, call, "the logits")
    activation = getattr(model.layers[-1], "activation", None)
    name = getattr(activation, "__name__", str(activation))
    if activation is not None and activation is not keras.activations.linear:
        checks.fail(f"{call}: the last layer applies activation={name!r}. With "
                    "SparseCategoricalCrossentropy(from_logits=True) the last layer must be linear "
                    "(Dense(n_classes) with no activation): the model outputs logits")
    if (logits >= 0).all() and np.allclose(logits.sum(axis=1), 1.0, atol=1e-5):
        checks.fail(f"{call}: every row of model(x) is a probability distribution (sums to 1): the "
                    "model applies a softmax. It must output logits from a linear last layer; the "
                    "loss (from_logits=True) and predict_proba apply the softmax")


@graded(TASK + "build_softmax_classifier", points=2)
def test_build_softmax_classifier_loss_is_sparse_cross_entropy_from_logits(impl):
    model, call = _build(impl, 6, 4)
    x, y = _batch(6, 4)
    logits = model(x, training=False)
    loss = _keras(call, f"its compiled loss on integer labels y of shape {y.shape}",
                  lambda: model.compute_loss(x=x, y=y, y_pred=logits, training=False), SPARSE_ADVICE)
    expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, logits))
    as_probabilities = float(keras.losses.SparseCategoricalCrossentropy()(y, logits))
    checks.check_scalar(checks.to_array(loss, call=call), expected, python_float=False, rtol=1e-5,
                        call=call + f", its compiled loss on integer labels y of shape {y.shape}",
                        name="the loss", mistakes={
                            "SparseCategoricalCrossentropy() without from_logits=True (it takes the "
                            "logits for probabilities)": as_probabilities})


@graded(TASK + "build_softmax_classifier", points=1)
def test_build_softmax_classifier_uses_adam_with_the_learning_rate(impl):
    model, call = _build(impl, 6, 4, learning_rate=0.02)
    optimizer = model.optimizer
    if not isinstance(optimizer, keras.optimizers.Adam):
        checks.fail(f"{call}: the optimizer is {type(optimizer).__name__}, expected keras.optimizers.Adam")
    checks.check_scalar(checks.to_array(optimizer.learning_rate, call=call), 0.02, python_float=False,
                        call=call, name="Adam's learning rate", rtol=1e-6, mistakes={
                            "Adam() with its default learning rate, ignoring learning_rate": 1e-3})


@graded(TASK + "build_softmax_classifier", points=1)
def test_build_softmax_classifier_reports_accuracy(impl):
    model, call = _build(impl, 6, 4)
    x, y = _batch(6, 4)
    expected = float(np.mean(np.argmax(model(x, training=False).numpy(), axis=1) == y))
    results = _keras(call, f"model.evaluate(x, y) on integer labels y of shape {y.shape}",
                     lambda: model.evaluate(x, y, batch_size=len(x), verbose=0, return_dict=True),
                     SPARSE_ADVICE)
    found = {k: v for k, v in results.items() if "acc" in k}
    if not found:
        checks.fail(f"{call}: model.evaluate reports {sorted(results)} but no accuracy: compile "
                    "with metrics=['accuracy']")
    key, value = next(iter(found.items()))
    checks.check_scalar(checks.to_array(value, call=call), expected, python_float=False, rtol=1e-6,
                        call=call, name=f"the {key!r} metric on a batch where argmax(logits) hits "
                        f"{expected:.0%} of the labels")


@graded(TASK + "build_softmax_classifier", points=1)
def test_build_softmax_classifier_stacks_nonlinear_hidden_layers(impl):
    for hidden, expected in (((), 6 * 4 + 4), ((8, 5), (6 * 8 + 8) + (8 * 5 + 5) + (5 * 4 + 4))):
        model, call = _build(impl, 6, 4, hidden_units=hidden)
        if model.count_params() != expected:
            checks.fail(f"{call}: the model has {model.count_params()} parameters, expected {expected} "
                        f"(one Dense layer per entry of hidden_units={hidden}, then Dense(4))")
    # model is the one with hidden layers: an affine model has f(x1) + f(x2) = f(x1 + x2) + f(0).
    x1, _ = _batch(6, 4, seed=6)
    x2, _ = _batch(6, 4, seed=7)
    f1, f2, f12, f0 = (_output(model, x, 4, call, "the logits") for x in (x1, x2, x1 + x2, 0 * x1))
    gap = np.max(np.abs(f1 + f2 - f12 - f0))
    if gap < 1e-3:
        checks.fail(f"{call}: model(x) is an affine function of x: the hidden layers have no "
                    "activation. Give each hidden Dense layer activation='relu'")


@graded(TASK + "build_softmax_classifier", points=2)
def test_build_softmax_classifier_reaches_95_percent_on_digits(impl):
    X_train, X_test, y_train, y_test = _digits()
    model, call = _build(impl, 64, 10, hidden_units=(64,), learning_rate=0.01)
    _keras(call, "model.fit(X_train, y_train, epochs=5, batch_size=32) on the digits",
           lambda: model.fit(X_train, y_train, epochs=5, batch_size=32, verbose=0), SPARSE_ADVICE)
    accuracy = float(np.mean(np.argmax(_output(model, X_test, 10, call, "logits"), axis=1) == y_test))
    if not accuracy >= 0.95:
        checks.fail(f"{call}, trained with model.fit(X_train, y_train, epochs=5, batch_size=32) on "
                    f"the digits (pixels / 16): test accuracy {accuracy:.1%}, expected at least 95%")


def _classifier(n_features, n_classes, hidden_units=(), learning_rate=1e-3, *, activation=None,
                loss=None, optimizer=None, metrics=("accuracy",), hidden_activation="relu"):
    """A builder for the mutants: the reference's architecture with one thing changed."""
    layers = [keras.layers.Dense(u, activation=hidden_activation) for u in hidden_units]
    model = keras.Sequential([keras.Input(shape=(n_features,)), *layers,
                              keras.layers.Dense(n_classes, activation=activation)])
    model.compile(optimizer=optimizer or keras.optimizers.Adam(learning_rate),
                  loss=loss or keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=list(metrics))
    return model


@mutant(TASK + "build_softmax_classifier", "softmax last layer and from_logits=True (softmax twice)")
def classifier_softmax_twice(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, activation="softmax")


@mutant(TASK + "build_softmax_classifier", "softmax last layer and from_logits=False (not the stable form)")
def classifier_softmax_probabilities(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, activation="softmax",
        loss=keras.losses.SparseCategoricalCrossentropy())


@mutant(TASK + "build_softmax_classifier", "linear last layer but loss='sparse_categorical_crossentropy'")
def classifier_logits_as_probabilities(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, loss="sparse_categorical_crossentropy")


@mutant(TASK + "build_softmax_classifier", "CategoricalCrossentropy (one-hot) for integer labels")
def classifier_one_hot_loss(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate,
        loss=keras.losses.CategoricalCrossentropy(from_logits=True))


@mutant(TASK + "build_softmax_classifier", "hidden Dense layers without an activation")
def classifier_linear_hidden_layers(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, hidden_activation=None)


@mutant(TASK + "build_softmax_classifier", "ignores hidden_units")
def classifier_ignores_hidden_units(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, (), learning_rate)


@mutant(TASK + "build_softmax_classifier", "Adam() with its default learning rate")
def classifier_default_learning_rate(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, optimizer=keras.optimizers.Adam())


@mutant(TASK + "build_softmax_classifier", "SGD instead of Adam")
def classifier_sgd(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate,
        optimizer=keras.optimizers.SGD(learning_rate))


@mutant(TASK + "build_softmax_classifier", "compiled without the accuracy metric")
def classifier_no_metric(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, metrics=())


# ---------------------------------------------------------------------------------------------
# predict_proba
# ---------------------------------------------------------------------------------------------

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
    _fail_if_not_finite(probabilities, call, "Use a stable softmax (keras.ops.softmax, tf.nn.softmax or "
                        "your own with the max shift) on the logits.")
    checks.check_close(probabilities, tf.nn.softmax(logits, axis=-1).numpy(), call=call, rtol=1e-5,
                       atol=1e-6, mistakes={
                           "returning the logits themselves": logits,
                           "a sigmoid (that is for multi-label outputs)": tf.sigmoid(logits).numpy(),
                           "softmax over axis 0, the batch (Keras rows are examples)":
                               tf.nn.softmax(logits, axis=0).numpy(),
                       })


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


@mutant(TASK + "predict_proba", "returns the logits")
def proba_logits(ref):
    return lambda model, X: model(X, training=False).numpy()


@mutant(TASK + "predict_proba", "sigmoid of the logits")
def proba_sigmoid(ref):
    return lambda model, X: keras.ops.convert_to_numpy(keras.ops.sigmoid(model(X, training=False)))


@mutant(TASK + "predict_proba", "softmax over axis 0 (the batch)")
def proba_batch_axis(ref):
    return lambda model, X: tf.nn.softmax(model(X, training=False), axis=0).numpy()


@mutant(TASK + "predict_proba", "np.exp without the max shift")
def proba_no_max_shift(ref):
    def predict_proba(model, X):
        with np.errstate(over="ignore", invalid="ignore"):
            T = np.exp(model(X, training=False).numpy())
            return T / T.sum(axis=1, keepdims=True)
    return predict_proba


@mutant(TASK + "predict_proba", "model.predict(X) with its progress bar")
def proba_predict_prints(ref):
    return lambda model, X: tf.nn.softmax(model.predict(X)).numpy()


# ---------------------------------------------------------------------------------------------
# build_multilabel_classifier
# ---------------------------------------------------------------------------------------------

def _build_multilabel(impl, n_features: int, n_labels: int) -> tuple[keras.Model, str]:
    call = checks.call("build_multilabel_classifier", n_features=n_features, n_labels=n_labels)
    keras.utils.set_random_seed(0)
    model = impl.build_multilabel_classifier(n_features, n_labels)
    if not isinstance(model, keras.Model):
        checks.fail(f"{call} should return a compiled keras.Model, got {type(model).__name__}")
    if model.optimizer is None:
        checks.fail(f"{call} returned a model that is not compiled: call model.compile(...)")
    return model, call


@graded(TASK + "build_multilabel_classifier", points=2)
def test_build_multilabel_classifier_outputs_independent_probabilities(impl):
    model, call = _build_multilabel(impl, 6, 3)
    x, _ = _batch(6, 3)
    probabilities = _output(model, x, 3, call, "one probability per label")
    if not ((probabilities >= 0) & (probabilities <= 1)).all():
        checks.fail(f"{call}: model(x) holds values outside [0, 1] (e.g. {probabilities.min():.3g}): "
                    "each output is a probability, so the last layer applies a sigmoid")
    if np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4):
        checks.fail(f"{call}: every row of model(x) sums to 1: a softmax makes the labels compete "
                    "for one unit of probability. Labels are independent yes/no questions: one "
                    "sigmoid per label (Dense(n_labels, activation='sigmoid'))")


@graded(TASK + "build_multilabel_classifier", points=1)
def test_build_multilabel_classifier_loss_is_binary_cross_entropy(impl):
    model, call = _build_multilabel(impl, 6, 3)
    x, _ = _batch(6, 3)
    y = np.array([[1, 0, 1], [0, 0, 0], [1, 1, 1], [0, 1, 0]] * 3, dtype="float32")  # multi-hot
    probabilities = model(x, training=False)
    loss = _keras(call, f"its compiled loss on multi-hot targets of shape {y.shape}",
                  lambda: model.compute_loss(x=x, y=y, y_pred=probabilities, training=False))
    expected = float(keras.losses.BinaryCrossentropy()(y, probabilities))
    categorical = float(keras.losses.CategoricalCrossentropy()(y, probabilities))
    checks.check_scalar(checks.to_array(loss, call=call), expected, python_float=False, rtol=1e-5,
                        call=call + f", its compiled loss on multi-hot targets of shape {y.shape}",
                        name="the loss", mistakes={
                            "CategoricalCrossentropy (one class per example: multi-class, not "
                            "multi-label)": categorical})


def _multilabel(n_features, n_labels, activation, loss):
    model = keras.Sequential([keras.Input(shape=(n_features,)),
                              keras.layers.Dense(n_labels, activation=activation)])
    model.compile(optimizer=keras.optimizers.Adam(), loss=loss)
    return model


@mutant(TASK + "build_multilabel_classifier", "softmax outputs with categorical cross-entropy (multi-class)")
def multilabel_softmax_categorical(ref):
    return lambda n_features, n_labels: _multilabel(n_features, n_labels, "softmax",
                                                    keras.losses.CategoricalCrossentropy())


@mutant(TASK + "build_multilabel_classifier", "sigmoid outputs but categorical cross-entropy")
def multilabel_sigmoid_categorical(ref):
    return lambda n_features, n_labels: _multilabel(n_features, n_labels, "sigmoid",
                                                    keras.losses.CategoricalCrossentropy())


@mutant(TASK + "build_multilabel_classifier", "softmax outputs with binary cross-entropy")
def multilabel_softmax_binary(ref):
    return lambda n_features, n_labels: _multilabel(n_features, n_labels, "softmax",
                                                    keras.losses.BinaryCrossentropy())


@mutant(TASK + "build_multilabel_classifier", "linear outputs (logits where probabilities are promised)")
def multilabel_linear(ref):
    return lambda n_features, n_labels: _multilabel(n_features, n_labels, None,
                                                    keras.losses.BinaryCrossentropy(from_logits=True))
