"""Shared data and oracles of the graded tests of c1w3_shallow_network (one test file per graded function).

Oracles: TensorFlow's ``tf.tanh`` / ``tf.sigmoid`` for the forward pass, scikit-learn's
``log_loss`` for the cost, ``tf.GradientTape`` on the mean binary cross-entropy of the network
built in TensorFlow for every gradient, Keras' ``SGD`` optimizer for the update and for training,
and scikit-learn's ``LogisticRegression`` as the baseline on the flower. The course's test cases
are rebuilt here from their seeds (a local ``RandomState(1)`` drawn in the course's order) or
copied as the arrays the course prints; their expected outputs are the course's printed values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # annotations only: an oracle imports what it runs (a check needing neither skips 4 s)
    import tensorflow as tf

from grader import checks

TASK = "c1w3_shallow_network."
LAYER_SIZES = TASK + "layer_sizes"
INIT = TASK + "initialize_parameters"
FORWARD = TASK + "forward_propagation"
COST = TASK + "compute_cost"
BACKWARD = TASK + "backward_propagation"
UPDATE = TASK + "update_parameters"
NN_MODEL = TASK + "nn_model"
PREDICT = TASK + "predict"

PARAMETER_NAMES = ("W1", "b1", "W2", "b2")
GRADIENT_NAMES = ("dW1", "db1", "dW2", "db2")
CACHE_NAMES = ("Z1", "A1", "Z2", "A2")
PRINTED = {"rtol": 0.0, "atol": 6e-9}  # the course prints 8 decimals: rounding leaves at most 5e-9


# ---------------------------------------------------------------------------------------------
# The course's test cases and printed values (Planar data classification with one hidden layer,
# Course 1 week 3: testCases_v2.py and public_tests.py).

COURSE_W1 = [[-0.00416758, -0.00056267], [-0.02136196, 0.01640271], [-0.01793436, -0.00841747],
             [0.00502881, -0.01245288]]  # initialize_parameters(2, 4, 1) after np.random.seed(2)
COURSE_W2 = [[-0.01057952, -0.00909008, 0.00551454, 0.02292208]]
COURSE_INIT_3_5_2 = {  # the public test: initialize_parameters(3, 5, 2), seed 2
    "W1": [[-0.00416758, -0.00056267, -0.02136196], [0.01640271, -0.01793436, -0.00841747],
           [0.00502881, -0.01245288, -0.01057952], [-0.00909008, 0.00551454, 0.02292208],
           [0.00041539, -0.01117925, 0.00539058]],
    "W2": [[-5.96159700e-03, -1.91304965e-04, 1.17500122e-02, -7.47870949e-03, 9.02525097e-05],
           [-8.78107893e-03, -1.56434170e-03, 2.56570452e-03, -9.88779049e-03, -3.38821966e-03]],
}
COURSE_FORWARD = {  # forward_propagation_test_case
    "Z1": [[1.7386459, 1.74687437, 1.74830797], [-0.81350569, -0.73394355, -0.78767559],
           [0.29893918, 0.32272601, 0.34788465], [-0.2278403, -0.2632236, -0.22336567]],
    "A1": [[0.9400694, 0.94101876, 0.94118266], [-0.67151964, -0.62547205, -0.65709025],
           [0.29034152, 0.31196971, 0.33449821], [-0.22397799, -0.25730819, -0.2197236]],
    "Z2": [[-1.30737426, -1.30844761, -1.30717618]],
    "A2": [[0.21292656, 0.21274673, 0.21295976]],
}
COURSE_FORWARD_MEANS = (0.262818640198, 0.091999045227, -1.30766601287, 0.212877681719)  # mean(Z1), ..., mean(A2)
COURSE_A2 = [[0.5002307, 0.49985831, 0.50023963]]
COURSE_COST = 0.6930587610394646  # compute_cost_test_case
COURSE_A2_5 = [[0.5002307, 0.49985831, 0.50023963, 0.25, 0.7]]
COURSE_COST_5 = 0.5447066599017815  # the public test's five examples
COURSE_BACKWARD = {  # the public test: X (3, 7), 9 hidden units
    "dW1": [[-0.24468458, -0.24371232, 0.15959609], [0.7370069, -0.64785999, 0.23669823],
            [0.47936123, -0.01516428, 0.01566728], [0.03361075, -0.0930929, 0.05581073],
            [0.52445178, -0.03895358, 0.09180612], [-0.17043596, 0.13406378, -0.20952062],
            [0.76144791, -0.41766018, 0.02544078], [0.22164791, -0.33081645, 0.19526915],
            [0.25619969, -0.09561825, 0.05679075]],
    "db1": [[0.1463639], [-0.33647992], [-0.51738006], [-0.07780329], [-0.57889514], [0.28357278],
            [-0.39756864], [-0.10510329], [-0.13443244]],
    "dW2": [[-0.35768529, 0.22046323, -0.29551566, -0.12202786, 0.18809552, 0.13700323, 0.35892872,
             -0.02220353, -0.03976687]],
    "db2": [[-0.78032466]],
}
COURSE_UPDATE_PARAMETERS = {
    "W1": [[-0.00615039, 0.0169021], [-0.02311792, 0.03137121], [-0.0169217, -0.01752545],
           [0.00935436, -0.05018221]],
    "W2": [[-0.0104319, -0.04019007, 0.01607211, 0.04440255]],
    "b1": [[-8.97523455e-07], [8.15562092e-06], [6.04810633e-07], [-2.54560700e-06]],
    "b2": [[9.14954378e-05]],
}
COURSE_UPDATE_GRADS = {
    "dW1": [[0.00023322, -0.00205423], [0.00082222, -0.00700776], [-0.00031831, 0.0028636],
            [-0.00092857, 0.00809933]],
    "dW2": [[-1.75740039e-05, 3.70231337e-03, -1.25683095e-03, -2.55715317e-03]],
    "db1": [[1.05570087e-07], [-3.81814487e-06], [-1.90155145e-07], [5.46467802e-07]],
    "db2": [[-1.08923140e-05]],
}
COURSE_UPDATED = {  # update_parameters(..., learning_rate=1.2)
    "W1": [[-0.00643025, 0.01936718], [-0.02410458, 0.03978052], [-0.01653973, -0.02096177],
           [0.01046864, -0.05990141]],
    "b1": [[-1.02420756e-06], [1.27373948e-05], [8.32996807e-07], [-3.20136836e-06]],
    "W2": [[-0.01041081, -0.04463285, 0.01758031, 0.04747113]],
    "b2": [[0.00010457]],
}
COURSE_NN_MODEL = {  # nn_model(X, Y, 4, num_iterations=10000): its np.random.seed(3) initialises
    "W1": [[0.56305445, -1.03925886], [0.7345426, -1.36286875], [-0.72533346, 1.33753027],
           [0.74757629, -1.38274074]],
    "b1": [[-0.22240654], [-0.34662093], [0.33663708], [-0.35296113]],
    "W2": [[1.82196893, 3.09657075, -2.98193564, 3.19946508]],
    "b2": [[0.21344644]],
}
COURSE_FIRST_COST_LINE = "Cost after iteration 0: 0.693198"  # nn_model's first printed line
COURSE_PREDICTIONS = [[True, False, True]]  # predict_test_case: mean 0.666666666667


def course_arrays(values: dict[str, Any]) -> dict[str, np.ndarray]:
    """The course's printed dict as float64 arrays (a fresh copy)."""
    return {key: np.array(value, dtype=np.float64) for key, value in values.items()}


def course_layer_sizes_case() -> tuple[np.ndarray, np.ndarray]:
    """``layer_sizes_test_case()``: np.random.seed(1), X = randn(5, 3), then Y = randn(2, 3)."""
    rng = np.random.RandomState(1)
    X = rng.randn(5, 3)
    return X, rng.randn(2, 3)


def course_forward_case() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``forward_propagation_test_case()``: seed 1, X = randn(2, 3), b1 = randn(4, 1), b2 = -1.3."""
    rng = np.random.RandomState(1)
    X = rng.randn(2, 3)
    b1 = rng.randn(4, 1)
    return X, {"W1": np.array(COURSE_W1), "W2": np.array(COURSE_W2), "b1": b1, "b2": np.array([[-1.3]])}


def course_cost_case(five: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``compute_cost_test_case()`` (seed 1, Y = randn(1, 3) > 0) or the public test's five examples."""
    A2 = np.array(COURSE_A2_5 if five else COURSE_A2)
    return A2, np.random.RandomState(1).randn(1, A2.shape[1]) > 0


def course_backward_case() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """The public test: seed 1, X (3, 7), Y (1, 7) > 0, W1 (9, 3), W2 (1, 9), then a cache of draws
    A1 (9, 7), A2 (1, 7), Z1 (7, 9), Z2 (1, 7) (Z1 has the wrong shape on purpose: a backward pass
    needs A1 and A2 only)."""
    rng = np.random.RandomState(1)
    X = rng.randn(3, 7)
    Y = rng.randn(1, 7) > 0
    parameters = {"W1": rng.randn(9, 3), "W2": rng.randn(1, 9), "b1": np.zeros((9, 1)), "b2": np.zeros((1, 1))}
    cache = {"A1": rng.randn(9, 7), "A2": rng.randn(1, 7), "Z1": rng.randn(7, 9), "Z2": rng.randn(1, 7)}
    return parameters, cache, X, Y


def course_nn_model_case() -> tuple[np.ndarray, np.ndarray]:
    """``nn_model_test_case()``: seed 1, X = randn(2, 3), then Y = randn(1, 3) > 0."""
    rng = np.random.RandomState(1)
    X = rng.randn(2, 3)
    return X, rng.randn(1, 3) > 0


def course_predict_case() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """``predict_test_case()``: seed 1, X = randn(2, 3), the course's printed parameters."""
    return course_arrays(COURSE_UPDATE_PARAMETERS), np.random.RandomState(1).randn(2, 3)


# ---------------------------------------------------------------------------------------------
# Random problems, the flower and the TensorFlow oracles.

def random_problem(n_x: int = 3, n_h: int = 4, m: int = 6, seed: int = 0, scale: float = 1.0
                   ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """X (n_x, m), 0/1 labels Y (1, m) with both classes where m >= 2, and parameters of the
    network drawn at a ``scale`` where tanh is neither linear nor saturated."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    Y[0, :2] = [0.0, 1.0][:m]
    parameters = {"W1": scale * rng.normal(size=(n_h, n_x)) / np.sqrt(n_x), "b1": 0.3 * rng.normal(size=(n_h, 1)),
                  "W2": scale * rng.normal(size=(1, n_h)) / np.sqrt(n_h), "b2": 0.3 * rng.normal(size=(1, 1))}
    return X, Y, parameters


def flower(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The course's planar flower, written out here again (the module's load_planar_dataset is the
    student's helper; a test must not trust it): X (2, 400), Y (1, 400) of 0/1."""
    rng = np.random.RandomState(seed)
    N = 200
    X, Y = np.zeros((2 * N, 2)), np.zeros((2 * N, 1))
    for j in range(2):
        theta = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2
        r = 4 * np.sin(4 * theta) + rng.randn(N) * 0.2
        X[N * j:N * (j + 1)] = np.c_[r * np.sin(theta), r * np.cos(theta)]
        Y[N * j:N * (j + 1)] = j
    return X.T, Y.T


def _tf_network(x: tf.Tensor, v: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
    import tensorflow as tf
    Z1 = tf.matmul(v["W1"], x) + v["b1"]
    A1 = tf.tanh(Z1)
    Z2 = tf.matmul(v["W2"], A1) + v["b2"]
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": tf.sigmoid(Z2)}


def tf_forward(X: np.ndarray, parameters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The cache {"Z1", "A1", "Z2", "A2"} of the network, through tf.tanh and tf.sigmoid (float64)."""
    import tensorflow as tf
    v = {key: tf.constant(np.asarray(parameters[key], dtype=np.float64)) for key in PARAMETER_NAMES}
    return {key: t.numpy() for key, t in _tf_network(tf.constant(np.asarray(X, dtype=np.float64)), v).items()}


def tf_cost(Z2: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    """The mean binary cross-entropy of sigmoid(Z2) against y, from the logits."""
    import tensorflow as tf
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=Z2))


def tape_gradients(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray]
                   ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """``(cache, grads)``: the forward pass in TensorFlow and ``tf.GradientTape``'s gradients of the
    mean binary cross-entropy with respect to W1, b1, W2 and b2."""
    import tensorflow as tf
    v = {key: tf.constant(np.asarray(parameters[key], dtype=np.float64)) for key in PARAMETER_NAMES}
    y = tf.constant(np.asarray(Y, dtype=np.float64))
    with tf.GradientTape() as tape:
        tape.watch(list(v.values()))
        cache = _tf_network(tf.constant(np.asarray(X, dtype=np.float64)), v)
        cost = tf_cost(cache["Z2"], y)
    grads = tape.gradient(cost, [v[key] for key in PARAMETER_NAMES])
    return ({key: t.numpy() for key, t in cache.items()},
            {f"d{key}": g.numpy() for key, g in zip(PARAMETER_NAMES, grads)})


def sgd_step(parameters: dict[str, np.ndarray], grads: dict[str, np.ndarray], learning_rate: float
             ) -> dict[str, np.ndarray]:
    """One step of Keras' SGD optimizer (no momentum) from ``parameters`` along ``grads``."""
    import keras
    import tensorflow as tf
    variables = [tf.Variable(np.asarray(parameters[key], dtype=np.float64)) for key in PARAMETER_NAMES]
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    optimizer.apply_gradients([(tf.constant(np.asarray(grads[f"d{key}"], dtype=np.float64)), var)
                               for key, var in zip(PARAMETER_NAMES, variables)])
    return {key: var.numpy() for key, var in zip(PARAMETER_NAMES, variables)}


def tf_train(X: np.ndarray, Y: np.ndarray, initial: dict[str, np.ndarray], steps: int,
             learning_rate: float = 1.2) -> dict[str, np.ndarray]:
    """``steps`` full-batch steps of Keras' SGD on the mean binary cross-entropy (tf.GradientTape)
    from the ``initial`` parameters."""
    import keras
    import tensorflow as tf
    variables = [tf.Variable(np.asarray(initial[key], dtype=np.float64)) for key in PARAMETER_NAMES]
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    x, y = tf.constant(np.asarray(X, dtype=np.float64)), tf.constant(np.asarray(Y, dtype=np.float64))

    @tf.function
    def step() -> None:
        with tf.GradientTape() as tape:
            cost = tf_cost(_tf_network(x, dict(zip(PARAMETER_NAMES, variables)))["Z2"], y)
        optimizer.apply_gradients(zip(tape.gradient(cost, variables), variables))

    for _ in range(steps):
        step()
    return {key: var.numpy() for key, var in zip(PARAMETER_NAMES, variables)}


def accuracy(parameters: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> float:
    """The share of examples where the network's A2 > 0.5 agrees with Y (the oracle's forward pass)."""
    return float(np.mean((tf_forward(X, parameters)["A2"] > 0.5) == (np.asarray(Y) > 0.5)))


# ---------------------------------------------------------------------------------------------
# Checks shared by the functions that return a dict of arrays.

def check_arrays(result: Any, expected: dict[str, np.ndarray], *, call: str, what: str,
                 mistakes: Any = None, keys: tuple[str, ...] | None = None, **tolerance: float) -> dict[str, Any]:
    """Fail unless ``result`` is a dict holding ``expected``'s keys, each array of its shape (a
    wrong shape names the array) and value; ``mistakes(key)`` gives the known mistakes
    for one key. Returns the dict."""
    if not isinstance(result, dict):
        checks.fail(f"{call} should return a dict of {what} {list(expected)}, got {type(result).__name__}")
    missing = [key for key in expected if key not in result]
    if missing:
        checks.fail(f"{call}: the {what} lack the keys {missing}; the course's keys are {list(expected)}")
    for key in (keys or tuple(expected)):
        named = mistakes(key) if mistakes is not None else None
        checks.check_close(result[key], expected[key], call=call, name=f'{what}["{key}"]', mistakes=named, **tolerance)
    return result
