"""Shared data and oracles of the graded tests of c2w1_regularization (one test file per graded function).

Oracles: Keras' ``BinaryCrossentropy`` and ``keras.regularizers.L2`` for the regularized cost,
``tf.GradientTape`` through a TensorFlow forward pass (with the dropout masks held fixed) for
every backward pass, ``scipy.stats.binom`` for the dropout masks' statistics, and training loops
of our own (``tf.GradientTape`` with Keras' Adam) for the Keras models. The course's test cases
are rebuilt here from their seeds (a local ``RandomState(1)`` drawn in the course's order) or
copied as the arrays the course prints; their expected outputs are the course's printed values.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # annotations only: an oracle imports what it runs (a check needing neither skips 4 s)
    import keras

from grader import checks

TASK = "c2w1_regularization."
COST = TASK + "compute_cost_with_regularization"
BACKWARD_L2 = TASK + "backward_propagation_with_regularization"
FORWARD_DROPOUT = TASK + "forward_propagation_with_dropout"
BACKWARD_DROPOUT = TASK + "backward_propagation_with_dropout"
BUILD = TASK + "build_regularized_model"
EARLY_STOPPING = TASK + "train_with_early_stopping"

PARAMETER_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
GRADIENT_KEYS = ("dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1")
CACHE_NAMES = ("Z1", "A1", "W1", "b1", "Z2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")
DROPOUT_CACHE_NAMES = ("Z1", "D1", "A1", "W1", "b1", "Z2", "D2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")


# ---------------------------------------------------------------------------------------------
# The course's test cases and printed values (Regularization assignment, Course 2 week 1).

COURSE_Y = np.array([[1, 1, 0, 1, 0]])
COURSE_A3 = np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]])
COURSE_COST = 1.78648594516  # compute_cost_with_regularization(..., lambd=0.1), printed to 12 digits
COURSE_DW = {  # backward_propagation_with_regularization(..., lambd=0.7)
    "dW1": [[-0.25604646, 0.12298827, -0.28297129], [-0.17706303, 0.34536094, -0.4410571]],
    "dW2": [[0.79276486, 0.85133918], [-0.0957219, -0.01720463], [-0.13100772, -0.03750433]],
    "dW3": [[-1.77691347, -0.11832879, -0.09397446]],
}
COURSE_DROPOUT_A3 = [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]]  # keep_prob=0.7
COURSE_DROPOUT_DA = {  # backward_propagation_with_dropout(..., keep_prob=0.8)
    "dA1": [[0.36544439, 0.0, -0.00188233, 0.0, -0.17408748], [0.65515713, 0.0, -0.00337459, 0.0, -0.0]],
    "dA2": [[0.58180856, 0.0, -0.00299679, 0.0, -0.27715731], [0.0, 0.53159854, -0.0, 0.53159854, -0.34089673],
            [0.0, 0.0, -0.00292733, 0.0, -0.0]],
}
PRINTED = {"rtol": 0.0, "atol": 1e-8}  # the course prints 8 decimals: rounding leaves at most 5e-9


def course_parameters(rng: np.random.RandomState) -> dict[str, np.ndarray]:
    """W1 (2, 3), b1 (2, 1), W2 (3, 2), b2 (3, 1), W3 (1, 3), b3 (1, 1): randn draws in that order."""
    shapes = ((2, 3), (2, 1), (3, 2), (3, 1), (1, 3), (1, 1))
    return {name: rng.randn(*shape) for name, shape in zip(PARAMETER_NAMES, shapes)}


def course_cost_case() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """``compute_cost_with_regularization_test_case()``: np.random.seed(1), then the parameters."""
    return COURSE_A3.copy(), COURSE_Y.copy(), course_parameters(np.random.RandomState(1))


def course_backward_case() -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """``backward_propagation_with_regularization_test_case()``: X from seed 1, the printed cache."""
    a = np.array
    cache = (
        a([[-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115],
           [-1.98043538, 4.1600994, 0.79051021, 1.46493512, -0.45506242]]),
        a([[0., 3.32524635, 2.13994541, 2.60700654, 0.], [0., 4.1600994, 0.79051021, 1.46493512, 0.]]),
        a([[-1.09989127, -0.17242821, -0.87785842], [0.04221375, 0.58281521, -1.10061918]]),
        a([[1.14472371], [0.90159072]]),
        a([[0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547],
           [-0.69166075, -3.47645987, -2.25194702, -2.65416996, -0.69166075],
           [-0.39675353, -4.62285846, -2.61101729, -3.22874921, -0.39675353]]),
        a([[0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547], [0.] * 5, [0.] * 5]),
        a([[0.50249434, 0.90085595], [-0.68372786, -0.12289023], [-0.93576943, -0.26788808]]),
        a([[0.53035547], [-0.69166075], [-0.39675353]]),
        a([[-0.3771104, -4.10060224, -1.60539468, -2.18416951, -0.3771104]]),
        a([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]]),
        a([[-0.6871727, -0.84520564, -0.67124613]]),
        a([[-0.0126646]]),
    )
    return np.random.RandomState(1).randn(3, 5), COURSE_Y.copy(), cache


def course_dropout_forward_case() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``forward_propagation_with_dropout_test_case()``: seed 1, X (3, 5), then the parameters."""
    rng = np.random.RandomState(1)
    X = rng.randn(3, 5)
    return X, course_parameters(rng)


def course_dropout_backward_case() -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """``backward_propagation_with_dropout_test_case()``: X from seed 1, the printed cache (boolean masks)."""
    a = np.array
    cache = (
        a([[-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115],
           [-1.98043538, 4.1600994, 0.79051021, 1.46493512, -0.45506242]]),
        a([[True, False, True, True, True], [True, True, True, True, False]]),
        a([[0., 0., 4.27989081, 5.21401307, 0.], [0., 8.32019881, 1.58102041, 2.92987024, 0.]]),
        a([[-1.09989127, -0.17242821, -0.87785842], [0.04221375, 0.58281521, -1.10061918]]),
        a([[1.14472371], [0.90159072]]),
        a([[0.53035547, 8.02565606, 4.10524802, 5.78975856, 0.53035547],
           [-0.69166075, -1.71413186, -3.81223329, -4.61667916, -0.69166075],
           [-0.39675353, -2.62563561, -4.82528105, -6.0607449, -0.39675353]]),
        a([[True, False, True, False, True], [False, True, False, True, True], [False, False, True, False, False]]),
        a([[1.06071093, 0., 8.21049603, 0., 1.06071093], [0.] * 5, [0.] * 5]),
        a([[0.50249434, 0.90085595], [-0.68372786, -0.12289023], [-0.93576943, -0.26788808]]),
        a([[0.53035547], [-0.69166075], [-0.39675353]]),
        a([[-0.7415562, -0.0126646, -5.65469333, -0.0126646, -0.7415562]]),
        a([[0.32266394, 0.49683389, 0.00348883, 0.49683389, 0.32266394]]),
        a([[-0.6871727, -0.84520564, -0.67124613]]),
        a([[-0.0126646]]),
    )
    return np.random.RandomState(1).randn(3, 5), COURSE_Y.copy(), cache


# ---------------------------------------------------------------------------------------------
# Random problems and the TensorFlow oracles.

def random_problem(n_x: int = 4, n1: int = 5, n2: int = 3, m: int = 7, seed: int = 0
                   ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """X (n_x, m), binary labels Y (1, m) with both classes, and parameters of the 3-layer network."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    Y[0, :2] = [0.0, 1.0][:m]
    sizes = (n_x, n1, n2, 1)
    parameters = {}
    for layer in (1, 2, 3):
        parameters[f"W{layer}"] = rng.normal(size=(sizes[layer], sizes[layer - 1])) / np.sqrt(sizes[layer - 1])
        parameters[f"b{layer}"] = 0.3 * rng.normal(size=(sizes[layer], 1))
    return X, Y, parameters


def random_masks(n1: int, n2: int, m: int, keep_prob: float, seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    """0/1 integer masks D1 (n1, m) and D2 (n2, m), each entry 1 with probability keep_prob, from a
    stream of the test's own (not the course's)."""
    rng = np.random.default_rng(seed)
    return ((rng.random((n1, m)) < keep_prob).astype(int), (rng.random((n2, m)) < keep_prob).astype(int))


def keras_l2_cost(A3: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray], lambd: float) -> float:
    """Keras' mean binary cross-entropy of A3 plus keras.regularizers.L2(λ/(2m)) of W1, W2 and W3."""
    import keras
    import tensorflow as tf
    m = Y.shape[1]
    bce = keras.losses.BinaryCrossentropy(dtype="float64")
    penalty = keras.regularizers.L2(lambd / (2 * m))
    cost = bce(tf.constant(Y.T, tf.float64), tf.constant(A3.T, tf.float64))
    for name in ("W1", "W2", "W3"):
        cost += penalty(tf.constant(parameters[name], tf.float64))
    return float(cost)


def tape_backward(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray], lambd: float = 0.0,
                  masks: tuple[np.ndarray, np.ndarray] | None = None, keep_prob: float = 1.0
                  ) -> tuple[tuple[np.ndarray, ...], dict[str, np.ndarray]]:
    """The course's cache and gradients, from ``tf.GradientTape`` on the regularized cost.

    The forward pass runs in TensorFlow (float64): R[l] = relu(Z[l]) and A[l] = R[l]·D[l]/keep_prob
    with the masks held fixed (no masks: A[l] = R[l]); the cost is Keras' binary cross-entropy from
    the logits Z3 plus ``keras.regularizers.L2(λ/(2m))`` of each W. dW and db are the tape's
    gradients of that cost; dZ and dA are the course's per-example ones, m times the tape's
    gradient with respect to Z[l] and to R[l] (the activation before its mask).

    Returns:
        ``(cache, gradients)``: the 12-tuple cache without masks, the 14-tuple with them.
    """
    import keras
    import tensorflow as tf
    m = X.shape[1]
    v = {name: tf.constant(value, tf.float64) for name, value in parameters.items()}
    x, y = tf.constant(X, tf.float64), tf.constant(Y, tf.float64)
    penalty = keras.regularizers.L2(lambd / (2 * m))
    bce = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(list(v.values()))
        Z1 = v["W1"] @ x + v["b1"]
        R1 = tf.nn.relu(Z1)
        A1 = R1 if masks is None else R1 * tf.constant(masks[0], tf.float64) / keep_prob
        Z2 = v["W2"] @ A1 + v["b2"]
        R2 = tf.nn.relu(Z2)
        A2 = R2 if masks is None else R2 * tf.constant(masks[1], tf.float64) / keep_prob
        Z3 = v["W3"] @ A2 + v["b3"]
        cost = bce(tf.transpose(y), tf.transpose(Z3)) + sum(penalty(v[name]) for name in ("W1", "W2", "W3"))
    grads = {f"d{name}": tape.gradient(cost, v[name]).numpy() for name in PARAMETER_NAMES}
    for name, tensor in (("dZ3", Z3), ("dA2", R2), ("dZ2", Z2), ("dA1", R1), ("dZ1", Z1)):
        grads[name] = m * tape.gradient(cost, tensor).numpy()
    n = {name: t.numpy() for name, t in (("Z1", Z1), ("A1", A1), ("Z2", Z2), ("A2", A2), ("Z3", Z3))}
    A3 = tf.sigmoid(Z3).numpy()
    p = parameters
    if masks is None:
        cache = (n["Z1"], n["A1"], p["W1"], p["b1"], n["Z2"], n["A2"], p["W2"], p["b2"], n["Z3"], A3, p["W3"], p["b3"])
    else:
        cache = (n["Z1"], masks[0], n["A1"], p["W1"], p["b1"], n["Z2"], masks[1], n["A2"], p["W2"], p["b2"],
                 n["Z3"], A3, p["W3"], p["b3"])
    return cache, grads


def tf_dense(W: np.ndarray, A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """W·A + b in TensorFlow (float64)."""
    import tensorflow as tf
    return (tf.constant(W, tf.float64) @ tf.constant(A, tf.float64) + tf.constant(b, tf.float64)).numpy()


def tf_plain_forward(X: np.ndarray, parameters: dict[str, np.ndarray]) -> np.ndarray:
    """A3 of the network without dropout, through Keras' relu and sigmoid."""
    import keras
    p = parameters
    A1 = keras.activations.relu(tf_dense(p["W1"], X, p["b1"])).numpy()
    A2 = keras.activations.relu(tf_dense(p["W2"], A1, p["b2"])).numpy()
    return keras.activations.sigmoid(tf_dense(p["W3"], A2, p["b3"])).numpy()


# ---------------------------------------------------------------------------------------------
# The check shared by the two backward passes.

def check_gradients(gradients: Any, expected: dict[str, np.ndarray], call: str, task: str, args: tuple,
                    keys: tuple[str, ...] = GRADIENT_KEYS, **tolerance: float) -> None:
    """Fail unless ``gradients`` is a dict with the course's keys whose ``keys`` match ``expected``,
    naming the registered mutant of ``task`` (called on ``args``) that gives a wrong value."""
    if not isinstance(gradients, dict):
        checks.fail(f"{call} should return a dict of gradients, got {type(gradients).__name__}")
    missing = [key for key in GRADIENT_KEYS if key not in gradients]
    if missing:
        checks.fail(f"{call}: the gradients lack the keys {missing}; the course's keys are "
                    f"{list(GRADIENT_KEYS)}")
    for key in keys:
        checks.check_close(gradients[key], expected[key], call=call, name=f'gradients["{key}"]',
                           mistakes=checks.known_mistakes(task, *args, pick=lambda out, k=key: out[k]),
                           **tolerance)


# ---------------------------------------------------------------------------------------------
# The Keras models: data that overfits, a fixed initialisation, a training loop of our own.

@functools.cache
def _overfitting_split(seed: int, m_dev: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    w = np.zeros(20)
    w[:3] = [2.0, -1.5, 1.0]
    arrays = []
    for m in (80, m_dev):
        X = rng.normal(size=(m, 20)).astype("float32")
        y = (X @ w > 0).astype("float32")
        flip = rng.random(m) < 0.15
        y[flip] = 1.0 - y[flip]
        arrays += [X, y]
    return tuple(arrays)


def overfitting_data(seed: int = 0, m_dev: int = 2000) -> tuple[np.ndarray, ...]:
    """80 training examples of 20 features, 3 of which decide the label, 15 % of the labels flipped,
    and ``m_dev`` dev examples from the same distribution: a (64, 32) ReLU network learns the
    training set by heart. Fresh copies (X_train, y_train, X_dev, y_dev), one example per row."""
    return tuple(array.copy() for array in _overfitting_split(seed, m_dev))


def fixed_initialisation(model: keras.Model, seed: int = 0) -> None:
    """Glorot-uniform kernels and zero biases from a RandomState of our own, whoever built the model."""
    rng = np.random.RandomState(seed)
    weights = []
    for w in model.get_weights():
        limit = np.sqrt(6.0 / sum(w.shape)) if w.ndim == 2 else 0.0
        weights.append(rng.uniform(-limit, limit, w.shape).astype(w.dtype) if w.ndim == 2 else np.zeros_like(w))
    model.set_weights(weights)


def overfitting_network() -> keras.Model:
    """An unregularized (64, 32) ReLU network, Adam(0.01): on the overfitting data its validation
    loss bottoms out after a few epochs and then climbs."""
    import keras
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.BinaryCrossentropy())
    fixed_initialisation(model)
    return model


def train_full_batch(model: keras.Model, X: np.ndarray, y: np.ndarray, steps: int = 150,
                     learning_rate: float = 0.01) -> None:
    """``steps`` full-batch Adam steps on Keras' binary cross-entropy plus the model's own losses
    (its regularization penalties), with ``training=True`` (dropout on)."""
    import keras
    import tensorflow as tf
    optimizer = keras.optimizers.Adam(learning_rate)
    bce = keras.losses.BinaryCrossentropy()
    x, t = tf.constant(X), tf.constant(y.reshape(-1, 1))

    @tf.function
    def step() -> None:
        with tf.GradientTape() as tape:
            loss = bce(t, model(x, training=True))
            if model.losses:
                loss += tf.add_n(model.losses)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    for _ in range(steps):
        step()


def cross_entropy(model: keras.Model, X: np.ndarray, y: np.ndarray) -> float:
    """Keras' mean binary cross-entropy of the model's inference-mode outputs (no penalty)."""
    import keras
    return float(keras.losses.BinaryCrossentropy()(y.reshape(-1, 1), model(X, training=False)))


def accuracy(model: keras.Model, X: np.ndarray, y: np.ndarray) -> float:
    import keras
    return float(np.mean((keras.ops.convert_to_numpy(model(X, training=False))[:, 0] > 0.5) == (y > 0.5)))


def dense_layers(model: keras.Model) -> list[keras.layers.Dense]:
    """The Dense layers of a model, in order (nested Sequential models included)."""
    import keras
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found += dense_layers(layer)
    return found


def flat_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Every layer of a model in order, nested Sequential models opened."""
    import keras
    found = []
    for layer in model.layers:
        found += flat_layers(layer) if isinstance(layer, keras.Model) else [layer]
    return found

