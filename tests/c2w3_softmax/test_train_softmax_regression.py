"""The graded tests of c2w3_softmax.train_softmax_regression, and the mutants they must catch."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w3_softmax.oracles import one_hot_columns, cce, digits_columns, TASK


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
    Y = one_hot_columns(labels.reshape(-1), C)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    costs = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            J = cce(Y, W @ X + b, from_logits=True)
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
    after = " (the initial parameters come from the same call with num_iterations=0)"
    for name, got, expected in (("b", b, b_exp), ("W", W, W_exp)):
        checks.check_close(got, expected, call=call + after, name=f'parameters["{name}"]', rtol=1e-7,
                           mistakes=checks.known_mistakes(TASK + "train_softmax_regression", X, labels, C, lr,
                                                          steps, 1, pick=lambda out, name=name: out[0][name]))
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
    X_train, X_test, Y_train, y_test = digits_columns()
    call = checks.call("train_softmax_regression", X=X_train, Y=Y_train, num_classes=10,
                       learning_rate=1.0, num_iterations=200, seed=0) + " on the digits (pixels / 16)"
    parameters, _ = impl.train_softmax_regression(X_train, Y_train, 10, 1.0, 200, 0)
    W, b = _check_parameters(parameters, 10, 64, call)
    accuracy = float(np.mean(np.argmax(W @ X_test + b, axis=0) == y_test))
    if not accuracy >= 0.90:
        checks.fail(f"{call}: test accuracy {accuracy:.1%}, expected at least 90%")


@mutant(TASK + "train_softmax_regression", "never updating b")
def train_no_bias_update(ref):
    return rewrite(ref, "train_softmax_regression",
                   "b = b - learning_rate * dZ.sum(axis=1, keepdims=True) / m", "b = b")


@mutant(TASK + "train_softmax_regression", "never updating W")
def train_no_weight_update(ref):
    return rewrite(ref, "train_softmax_regression", "W = W - learning_rate * (dZ @ X.T) / m", "W = W")


@mutant(TASK + "train_softmax_regression", "dW and db without the 1/m (a learning rate m times too big)")
def train_no_one_over_m(ref):
    return rewrite(ref, "train_softmax_regression",
                   "(dZ @ X.T) / m\n        b = b - learning_rate * dZ.sum(axis=1, keepdims=True) / m",
                   "(dZ @ X.T)\n        b = b - learning_rate * dZ.sum(axis=1, keepdims=True)")


@mutant(TASK + "train_softmax_regression", "ignoring the seed (W drawn from the global np.random)")
def train_ignores_seed(ref):
    train = ref.train_softmax_regression

    def train_softmax_regression(X, Y, num_classes, learning_rate=1.0, num_iterations=200, seed=0):
        return train(X, Y, num_classes, learning_rate, num_iterations, np.random.randint(2**31))
    return train_softmax_regression


@mutant(TASK + "train_softmax_regression", "printing the cost every 100 iterations")
def train_prints_costs(ref):
    train = ref.train_softmax_regression

    def train_softmax_regression(X, Y, num_classes, learning_rate=1.0, num_iterations=200, seed=0):
        parameters, costs = train(X, Y, num_classes, learning_rate, num_iterations, seed)
        for i in range(0, len(costs), 100):
            print(f"Cost after iteration {i}: {costs[i]}")
        return parameters, costs
    return train_softmax_regression


@mutant(TASK + "train_softmax_regression", "keeping the cost only every 100 iterations")
def train_costs_every_100(ref):
    train = ref.train_softmax_regression

    def train_softmax_regression(X, Y, num_classes, learning_rate=1.0, num_iterations=200, seed=0):
        parameters, costs = train(X, Y, num_classes, learning_rate, num_iterations, seed)
        return parameters, costs[::100]
    return train_softmax_regression


@mutant(TASK + "train_softmax_regression", "the integer labels (1, m) used as Y in dZ = A - Y")
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
