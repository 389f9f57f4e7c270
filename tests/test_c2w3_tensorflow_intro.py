"""Graded tests of c2w3_tensorflow_intro, and the wrong versions (mutants) that they must catch.

Oracles: the gradient-descent recursion ``w <- w - alpha * (2*x0*w + x1)`` and the closed-form
minimum ``w* = -x1 / (2*x0)`` in NumPy; ``tf.nn.sigmoid``; ``numpy.eye`` for one-hot columns; the
truncated normal that ``keras.initializers.GlorotNormal`` documents (scipy.stats); a NumPy
forward pass; ``keras.losses.CategoricalCrossentropy``; ``keras.optimizers.Adam`` on a
``tf.GradientTape`` of the test's own forward pass; synthetic Gaussian blobs for training.

The worker that runs the student's code puts back eager execution, the global default graph and
the global random seed after every call that changed them (:mod:`grader.effects`), so that one
student's ``tf.compat.v1.disable_eager_execution()`` fails its own test and not every later one;
:func:`_watched` tells the tests that check it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import keras
import numpy as np
import scipy.special
import scipy.stats
import tensorflow as tf

from grader import checks, graded, mutant, observe, rewrite

TASK = "c2w3_tensorflow_intro."
COURSE = np.array([[1.0], [-20.0], [100.0]])  # J(w) = w**2 - 20 w + 100 = (w - 10)**2


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------

def _watched(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[str], str]:
    """Call ``function``; return its result, the global TensorFlow state it changed (which the
    worker has put back) and what it printed."""
    with observe() as seen:
        result = function(*args, **kwargs)
    return result, seen.tensorflow_problems(), seen.printed


def _gd_iterate(coefficients: np.ndarray, learning_rate: float, steps: int) -> float:
    """``w`` after ``steps`` gradient-descent steps on x0*w**2 + x1*w + x2 from w = 0, in float64."""
    x0, x1, _ = np.ravel(coefficients).astype(np.float64)
    w = 0.0
    for _ in range(steps):
        w -= learning_rate * (2.0 * x0 * w + x1)
    return w


def _describe_descent(name: str, coefficients: np.ndarray, learning_rate: float | None,
                      num_iterations: int) -> str:
    lr = "" if learning_rate is None else f", learning_rate={learning_rate}"
    return (f"{name}(coefficients={np.ravel(coefficients).tolist()} as a (3, 1) column{lr}, "
            f"num_iterations={num_iterations})")


# ---------------------------------------------------------------------------------------------
# minimize_cost_graph and minimize_cost_eager: the same iterates, two ways
# ---------------------------------------------------------------------------------------------

def _check_course_example(impl: ModuleType, name: str) -> None:
    function = getattr(impl, name)
    parameters = inspect.signature(function).parameters
    defaults = {key: parameters[key].default for key in ("learning_rate", "num_iterations")
                if key in parameters}
    if defaults != {"learning_rate": 0.01, "num_iterations": 1000}:
        checks.fail(f"{name} should keep the course's defaults learning_rate=0.01, "
                    f"num_iterations=1000; its signature has {defaults}")
    got, _, _ = _watched(function, COURSE, num_iterations=1)
    checks.check_scalar(got, 0.2, call=_describe_descent(name, COURSE, None, 1),
                        name="w after one step from w = 0", rtol=1e-5, atol=1e-6,
                        mistakes={"two steps (a loop that runs once too often)": _gd_iterate(COURSE, 0.01, 2),
                                  "a step up the slope (gradient ascent)": -0.2})


_ITERATE_CASES = [  # coefficients, learning rate, steps
    (COURSE, 0.01, 2),
    (np.array([[1.0], [-10.0], [25.0]]), 0.05, 7),
    (np.array([2.0, 4.0, -3.0]), 0.1, 5),  # a flat (3,) is accepted too
]


def _check_iterates(impl: ModuleType, name: str) -> None:
    for coefficients, learning_rate, steps in _ITERATE_CASES:
        got, _, _ = _watched(getattr(impl, name), coefficients, learning_rate=learning_rate,
                           num_iterations=steps)
        checks.check_scalar(
            got, _gd_iterate(coefficients, learning_rate, steps),
            call=_describe_descent(name, coefficients, learning_rate, steps),
            name=f"w after {steps} steps w <- w - learning_rate * (2*x0*w + x1) from w = 0",
            rtol=1e-4, atol=1e-5,
            mistakes={f"{steps + 1} steps (a loop that runs once too often)":
                          _gd_iterate(coefficients, learning_rate, steps + 1),
                      f"{steps - 1} steps (a loop that runs once too few)":
                          _gd_iterate(coefficients, learning_rate, steps - 1),
                      "the default learning rate 0.01 instead of the one passed":
                          _gd_iterate(coefficients, 0.01, steps)})


_MINIMUM_CASES = [  # coefficients with x0 > 0, so that J has a minimum
    np.array([[1.0], [-20.0], [100.0]]),  # w* = 10
    np.array([[1.0], [-10.0], [25.0]]),  # w* = 5
    np.array([[2.0], [4.0], [-3.0]]),  # w* = -1
    np.array([[0.5], [3.0], [0.0]]),  # w* = -3
]


def _check_minimum(impl: ModuleType, name: str) -> None:
    for coefficients in _MINIMUM_CASES:
        x0, x1, _ = coefficients.ravel()
        learning_rate = 0.3 / x0  # |1 - 2*x0*learning_rate| = 0.4: 30 steps leave 1e-12 of the way
        got, _, _ = _watched(getattr(impl, name), coefficients, learning_rate=learning_rate,
                           num_iterations=30)
        checks.check_scalar(got, -x1 / (2.0 * x0),
                            call=_describe_descent(name, coefficients, learning_rate, 30),
                            name="w (the minimum of J is at w* = -x1 / (2*x0))", rtol=1e-4, atol=1e-5,
                            mistakes={"the maximum of -J (gradient ascent)": _gd_iterate(-coefficients, learning_rate, 30)})


@graded(TASK + "minimize_cost_graph", points=1)
def test_minimize_cost_graph_course_example_one_step(impl):
    _check_course_example(impl, "minimize_cost_graph")


@graded(TASK + "minimize_cost_graph", points=2)
def test_minimize_cost_graph_matches_gradient_descent_iterates(impl):
    _check_iterates(impl, "minimize_cost_graph")


@graded(TASK + "minimize_cost_graph", points=1)
def test_minimize_cost_graph_reaches_the_closed_form_minimum(impl):
    _check_minimum(impl, "minimize_cost_graph")


@graded(TASK + "minimize_cost_graph", points=2)
def test_minimize_cost_graph_leaves_eager_execution_and_default_graph_alone(impl):
    call = _describe_descent("minimize_cost_graph", COURSE, None, 1000)
    got, problems, _ = _watched(impl.minimize_cost_graph, COURSE)
    if problems:
        checks.fail(f"{call}: " + "; ".join(problems) + ". The rest of the program (every other "
                    "exercise and test) runs in TensorFlow 2's eager mode and must find it as it was.")
    checks.check_scalar(got, _gd_iterate(COURSE, 0.01, 1000), call=call, name="w",
                        rtol=1e-4, atol=1e-4)


@mutant(TASK + "minimize_cost_graph", "the course's tf.compat.v1.disable_eager_execution(): graph mode for everyone")
def graph_disables_eager(ref):
    return rewrite(ref, "minimize_cost_graph", "graph = tf.Graph()",
                   "tf.compat.v1.disable_eager_execution(); graph = tf.compat.v1.get_default_graph()")


@mutant(TASK + "minimize_cost_graph", "builds in the global default graph instead of a private tf.Graph()")
def graph_in_default_graph(ref):
    return rewrite(ref, "minimize_cost_graph", "graph = tf.Graph()",
                   "graph = tf.compat.v1.get_default_graph()")


@mutant(TASK + "minimize_cost_graph", "one step too many (the course's extra first step)")
def graph_off_by_one(ref):
    return rewrite(ref, "minimize_cost_graph", "range(num_iterations)", "range(num_iterations + 1)")


@mutant(TASK + "minimize_cost_graph", "GradientDescentOptimizer(0.01): ignores learning_rate")
def graph_fixed_learning_rate(ref):
    return rewrite(ref, "minimize_cost_graph", "GradientDescentOptimizer(learning_rate)",
                   "GradientDescentOptimizer(0.01)")


@graded(TASK + "minimize_cost_eager", points=1)
def test_minimize_cost_eager_course_example_one_step(impl):
    _check_course_example(impl, "minimize_cost_eager")


@graded(TASK + "minimize_cost_eager", points=2)
def test_minimize_cost_eager_matches_gradient_descent_iterates(impl):
    _check_iterates(impl, "minimize_cost_eager")


@graded(TASK + "minimize_cost_eager", points=1)
def test_minimize_cost_eager_reaches_the_closed_form_minimum(impl):
    _check_minimum(impl, "minimize_cost_eager")


@mutant(TASK + "minimize_cost_eager", "applies -gradient: gradient ascent")
def eager_ascent(ref):
    return rewrite(ref, "minimize_cost_eager", "[(gradient, w)]", "[(-gradient, w)]")


@mutant(TASK + "minimize_cost_eager", "a one-sided difference quotient (J(w + 0.01) - J(w)) / 0.01 instead of the tape")
def eager_one_sided_difference(ref):
    return rewrite(ref, "minimize_cost_eager", "gradient = tape.gradient(cost, w)",
                   "gradient = (x[0][0] * (w + 0.01)**2 + x[1][0] * (w + 0.01) + x[2][0] - cost) / 0.01")


@mutant(TASK + "minimize_cost_eager", "one step too many")
def eager_off_by_one(ref):
    return rewrite(ref, "minimize_cost_eager", "range(num_iterations)", "range(num_iterations + 1)")


@mutant(TASK + "minimize_cost_eager", "the cost x0*w**2/2 + x1*w + x2: the gradient loses its factor 2")
def eager_no_factor_two(ref):
    return rewrite(ref, "minimize_cost_eager", "cost = x[0][0] * w**2 + x[1][0] * w + x[2][0]",
                   "cost = x[0][0] * w**2 / 2 + x[1][0] * w + x[2][0]")


# ---------------------------------------------------------------------------------------------
# linear_function
# ---------------------------------------------------------------------------------------------

def _linear_inputs(n_x: int, n_y: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=shape).astype(np.float32) for shape in ((n_x, m), (n_y, n_x), (n_y, 1)))


@graded(TASK + "linear_function", points=1)
def test_linear_function_shape_and_values(impl):
    X, W, b = _linear_inputs(n_x=3, n_y=4, m=5, seed=0)
    call = checks.call("linear_function", X=X, W=W, b=b)
    try:
        got, _, _ = _watched(impl.linear_function, X, W, b)
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
    got, _, _ = _watched(impl.linear_function, X, W, b)
    X, W, b = (a.astype(np.float64) for a in (X, W, b))
    checks.check_close(got, W @ X + b, call=call, name="Y = W X + b", rtol=1e-5, atol=1e-5,
                       mistakes={"X W + b (the product in the wrong order)": X @ W + b,
                                 "W.T X + b (W transposed)": W.T @ X + b,
                                 "W X without b": W @ X})


@mutant(TASK + "linear_function", "X W + b instead of W X + b")
def linear_xw(ref):
    return lambda X, W, b: tf.add(tf.matmul(X, W), b)


@mutant(TASK + "linear_function", "forgets the bias")
def linear_no_bias(ref):
    return lambda X, W, b: tf.matmul(W, X)


# ---------------------------------------------------------------------------------------------
# sigmoid
# ---------------------------------------------------------------------------------------------

@graded(TASK + "sigmoid", points=1)
def test_sigmoid_matches_tf_nn_sigmoid(impl):
    for dtype in (np.float32, np.float64):
        z = np.linspace(-12.0, 12.0, 13).reshape(1, 13).astype(dtype)
        got, _, _ = _watched(impl.sigmoid, z)
        checks.check_close(got, tf.nn.sigmoid(z.astype(np.float64)).numpy(),
                           call=f"sigmoid(z) with z a {np.dtype(dtype).name} array of shape (1, 13)",
                           rtol=1e-5, atol=1e-7,
                           mistakes={"the logits z themselves (no sigmoid)": z,
                                     "1 / (1 + exp(z)) (sign of z)": tf.nn.sigmoid(-z.astype(np.float64)).numpy()})


@graded(TASK + "sigmoid", points=1)
def test_sigmoid_of_integers_is_a_float(impl):
    for z in (0, -1, np.array([-3, -1, 0, 2, 5])):
        call = f"sigmoid({z!r})"
        try:
            got, _, _ = _watched(impl.sigmoid, z)
        except (tf.errors.InvalidArgumentError, TypeError) as err:
            checks.fail(f"{call} raised {type(err).__name__}: {str(err).splitlines()[0][:160]}. TensorFlow's "
                        "sigmoid is defined on floats: tf.cast(z, tf.float32) first")
        dtype = getattr(got, "dtype", None)
        if dtype is None or not tf.as_dtype(dtype).is_floating:
            checks.fail(f"{call} returned {type(got).__name__} of dtype {dtype}; expected floats "
                        "(tf.cast(z, tf.float32) first: TensorFlow's sigmoid is defined on floats)")
        checks.check_close(got, tf.nn.sigmoid(np.asarray(z, dtype=np.float64)).numpy(), call=call,
                           rtol=1e-5, atol=1e-7)


@mutant(TASK + "sigmoid", "tf.keras.activations.sigmoid on the raw input: an int32 tensor for integers")
def sigmoid_no_cast(ref):
    return lambda z: tf.keras.activations.sigmoid(tf.convert_to_tensor(z))


@mutant(TASK + "sigmoid", "returns the float logits, no sigmoid")
def sigmoid_returns_logits(ref):
    return lambda z: tf.cast(z, tf.float32)


@mutant(TASK + "sigmoid", "1 / (1 + exp(z))")
def sigmoid_wrong_sign(ref):
    return lambda z: 1.0 / (1.0 + tf.exp(tf.cast(z, tf.float32)))


# ---------------------------------------------------------------------------------------------
# one_hot_matrix
# ---------------------------------------------------------------------------------------------

def _check_float(got: Any, call: str) -> None:
    dtype = getattr(got, "dtype", None)
    if dtype is None or not tf.as_dtype(dtype).is_floating:
        checks.fail(f"{call} returned {type(got).__name__} of dtype {dtype}; expected float32, "
                    "tf.one_hot's default, which the loss needs")


@graded(TASK + "one_hot_matrix", points=1)
def test_one_hot_matrix_single_label_is_a_vector_of_length_depth(impl):
    for label, depth in [(0, 4), (1, 4), (2, 4), (3, 4), (7, 10), (0, 1)]:
        call = f"one_hot_matrix({label}, depth={depth})"
        got, _, _ = _watched(impl.one_hot_matrix, label, depth)
        _check_float(got, call)
        checks.check_close(got, np.eye(depth)[label], call=call, name="the one-hot vector")


@graded(TASK + "one_hot_matrix", points=1)
def test_one_hot_matrix_labels_become_columns(impl):
    for labels, depth in [(np.array([2, 0, 1, 2, 3, 0]), 4), (np.array([1, 0, 3]), 7)]:
        call = f"one_hot_matrix({labels.tolist()}, depth={depth})"
        got, _, _ = _watched(impl.one_hot_matrix, labels, depth)
        _check_float(got, call)
        checks.check_close(got, np.eye(depth)[labels].T, call=call,
                           name="Y (depth, m), column j encoding label j")


@mutant(TASK + "one_hot_matrix", "tf.one_hot's default axis=-1: one row per example")
def one_hot_rows(ref):
    return lambda label, depth: tf.one_hot(label, depth)


@mutant(TASK + "one_hot_matrix", "depth hard-coded to 6, the course's SIGNS classes")
def one_hot_depth_six(ref):
    return lambda label, depth: tf.one_hot(label, 6, axis=0)


@mutant(TASK + "one_hot_matrix", "depth taken from the labels, max(label) + 1")
def one_hot_depth_from_labels(ref):
    return lambda label, depth: tf.one_hot(label, int(np.max(label)) + 1, axis=0)


# ---------------------------------------------------------------------------------------------
# initialize_parameters
# ---------------------------------------------------------------------------------------------

def _parameters(got: Any, layer_dims: list[int], call: str) -> dict[str, np.ndarray]:
    """Check keys, types and shapes of a parameters dict; return its values as arrays."""
    if not isinstance(got, dict):
        checks.fail(f"{call} should return a dict of parameters, got {type(got).__name__}")
    L = len(layer_dims) - 1
    expected = [f"{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]
    if sorted(got) != sorted(expected):
        checks.fail(f"{call} returned the keys {sorted(got)}, expected {sorted(expected)}")
    arrays = {}
    for l in range(1, L + 1):
        for key, shape in ((f"W{l}", (layer_dims[l], layer_dims[l - 1])), (f"b{l}", (layer_dims[l], 1))):
            if not isinstance(got[key], (tf.Variable, keras.Variable)):
                checks.fail(f"{call}: {key} should be a tf.Variable (state that a GradientTape "
                            f"watches and an optimizer updates), got {type(got[key]).__name__}")
            arrays[key] = checks.check_shape(got[key], shape, call=call, name=key)
    return arrays


@graded(TASK + "initialize_parameters", points=1)
def test_initialize_parameters_variables_shapes_and_zero_biases(impl):
    for layer_dims in ([6, 5, 4, 3], [3, 2]):
        call = f"initialize_parameters({layer_dims}, seed=0)"
        got, _, _ = _watched(impl.initialize_parameters, layer_dims, 0)
        arrays = _parameters(got, layer_dims, call)
        for key, array in arrays.items():
            if key.startswith("b") and np.any(array != 0):
                checks.fail(f"{call}: {key} should be zeros, got {array.ravel()[:4]}...")
            if key.startswith("W") and np.all(array == 0):
                checks.fail(f"{call}: {key} is all zeros; zero weights leave every unit of a layer "
                            "identical")


@graded(TASK + "initialize_parameters", points=2)
def test_initialize_parameters_draws_glorot_normal_weights(impl):
    layer_dims = [400, 300, 200]
    call = f"initialize_parameters({layer_dims}, seed=3)"
    got, _, _ = _watched(impl.initialize_parameters, layer_dims, 3)
    arrays = _parameters(got, layer_dims, call)
    for l in (1, 2):
        fan_in, fan_out = layer_dims[l - 1], layer_dims[l]
        W = arrays[f"W{l}"].ravel()
        std = np.sqrt(2.0 / (fan_in + fan_out))
        if abs(W.std() / std - 1.0) > 0.03:
            checks.fail(f"{call}: the entries of W{l} have standard deviation {W.std():.4g}, expected "
                        f"sqrt(2 / (fan_in + fan_out)) = sqrt(2 / ({fan_in} + {fan_out})) = {std:.4g} "
                        f"(sqrt(2 / fan_in) = {np.sqrt(2 / fan_in):.4g} is He's; 1 is an unscaled normal)")
        # GlorotNormal: a normal truncated at two standard deviations, rescaled to have std `std`
        truncated = scipy.stats.truncnorm(-2.0, 2.0, scale=std / 0.87962566103423978)
        distance = scipy.stats.kstest(W, truncated.cdf).statistic
        if distance > 0.012:
            uniform = abs(np.abs(W).max() / np.sqrt(6.0 / (fan_in + fan_out)) - 1.0) < 0.01
            checks.fail(f"{call}: the {W.size} entries of W{l} are not distributed like "
                        f"keras.initializers.GlorotNormal (a normal truncated at 2 standard deviations): "
                        f"Kolmogorov-Smirnov distance {distance:.3f}, expected below 0.012"
                        + (" -- they look uniform on +-sqrt(6 / (fan_in + fan_out)): GlorotUniform?"
                           if uniform else ""))


@graded(TASK + "initialize_parameters", points=1)
def test_initialize_parameters_is_reproducible_from_the_seed(impl):
    layer_dims = [5, 4, 3]
    draws = {}
    for seed in (1, 1, 2):
        got, _, _ = _watched(impl.initialize_parameters, layer_dims, seed)
        draws.setdefault(seed, []).append(_parameters(got, layer_dims, f"initialize_parameters({layer_dims}, seed={seed})"))
    first, again = draws[1]
    for key in first:
        if not np.array_equal(first[key], again[key]):
            checks.fail(f"initialize_parameters({layer_dims}, seed=1) called twice gave two different "
                        f"{key}: pass the seed to the initializer")
    if np.array_equal(first["W1"], draws[2][0]["W1"]):
        checks.fail(f"initialize_parameters({layer_dims}, seed=1) and seed=2 gave the same W1: "
                    "the seed argument is ignored")


def _initialize_with(ref: ModuleType, initializer: Callable[[int], Any], bias=tf.zeros,
                     wrap: Callable[[Any], Any] = tf.Variable) -> Callable[..., dict]:
    """An ``initialize_parameters`` with another weight initializer, bias or container."""
    def initialize_parameters(layer_dims, seed):
        make = initializer(seed)
        parameters = {}
        for l in range(1, len(layer_dims)):
            shape = (layer_dims[l], layer_dims[l - 1])
            parameters[f"W{l}"] = wrap(make(shape=shape, dtype="float32"))
            parameters[f"b{l}"] = wrap(bias((shape[0], 1)))
        return parameters
    return initialize_parameters


@mutant(TASK + "initialize_parameters", "GlorotUniform instead of GlorotNormal")
def init_glorot_uniform(ref):
    return _initialize_with(ref, lambda seed: keras.initializers.GlorotUniform(seed=keras.random.SeedGenerator(seed)))


@mutant(TASK + "initialize_parameters", "a standard normal (std 1), unscaled")
def init_standard_normal(ref):
    return _initialize_with(ref, lambda seed: keras.initializers.RandomNormal(stddev=1.0, seed=keras.random.SeedGenerator(seed)))


@mutant(TASK + "initialize_parameters", "biases of ones")
def init_nonzero_biases(ref):
    return _initialize_with(ref, lambda seed: keras.initializers.GlorotNormal(seed=keras.random.SeedGenerator(seed)),
                            bias=tf.ones)


@mutant(TASK + "initialize_parameters", "plain tensors instead of tf.Variable")
def init_plain_tensors(ref):
    return _initialize_with(ref, lambda seed: keras.initializers.GlorotNormal(seed=keras.random.SeedGenerator(seed)),
                            wrap=tf.convert_to_tensor)


@mutant(TASK + "initialize_parameters", "GlorotNormal(seed=1) as in the course: ignores the seed")
def init_ignores_seed(ref):
    return _initialize_with(ref, lambda seed: keras.initializers.GlorotNormal(seed=keras.random.SeedGenerator(1)))


# ---------------------------------------------------------------------------------------------
# forward_propagation
# ---------------------------------------------------------------------------------------------

def _network(layer_dims: list[int], m: int, seed: int) -> tuple[np.ndarray, dict[str, tf.Variable]]:
    """Inputs X (n_x, m) and float32 tf.Variable parameters with random (not zero) biases."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(layer_dims[0], m)).astype(np.float32)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = tf.Variable(rng.normal(size=(layer_dims[l], layer_dims[l - 1])).astype(np.float32))
        parameters[f"b{l}"] = tf.Variable(rng.normal(size=(layer_dims[l], 1)).astype(np.float32))
    return X, parameters


def _numpy_forward(X: np.ndarray, parameters: dict[str, Any],
                   hidden: Callable[[np.ndarray], np.ndarray] = lambda Z: np.maximum(Z, 0.0),
                   output: Callable[[np.ndarray], np.ndarray] = lambda Z: Z,
                   second: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """Z3 of LINEAR -> hidden -> LINEAR -> (second or hidden) -> LINEAR -> output, in float64."""
    P = {key: np.asarray(value, dtype=np.float64) for key, value in parameters.items()}
    A1 = hidden(P["W1"] @ np.asarray(X, dtype=np.float64) + P["b1"])
    A2 = (second or hidden)(P["W2"] @ A1 + P["b2"])
    return output(P["W3"] @ A2 + P["b3"])


@graded(TASK + "forward_propagation", points=2)
def test_forward_propagation_matches_numpy(impl):
    for layer_dims, m, seed in [([5, 7, 6, 4], 9, 0), ([3, 4, 4, 2], 1, 1)]:
        X, parameters = _network(layer_dims, m, seed)
        call = checks.call("forward_propagation", X=X) + f" and parameters for layers {layer_dims}"
        got, _, _ = _watched(impl.forward_propagation, tf.constant(X), parameters)
        relu, sigmoid = (lambda Z: np.maximum(Z, 0.0)), scipy.special.expit
        checks.check_close(got, _numpy_forward(X, parameters), call=call, name="the logits Z3",
                           rtol=1e-4, atol=1e-4,
                           mistakes={"sigmoid on the hidden layers": _numpy_forward(X, parameters, hidden=sigmoid),
                                     "a ReLU on the output (Z3 are logits: no activation)":
                                         _numpy_forward(X, parameters, output=relu),
                                     "no ReLU after the second layer": _numpy_forward(X, parameters, second=lambda Z: Z)})


@mutant(TASK + "forward_propagation", "sigmoid instead of ReLU on the hidden layers")
def forward_sigmoid_hidden(ref):
    return rewrite(ref, "forward_propagation", "tf.keras.activations.relu", "tf.keras.activations.sigmoid")


@mutant(TASK + "forward_propagation", "no ReLU on the second hidden layer")
def forward_no_second_relu(ref):
    return rewrite(ref, "forward_propagation", "A2 = tf.keras.activations.relu(Z2)", "A2 = Z2")


@mutant(TASK + "forward_propagation", "ReLU on the output logits")
def forward_relu_output(ref):
    return rewrite(ref, "forward_propagation", "return Z3", "return tf.nn.relu(Z3)")


# ---------------------------------------------------------------------------------------------
# compute_total_loss
# ---------------------------------------------------------------------------------------------

def _labels(n_y: int, m: int, seed: int) -> np.ndarray:
    return np.eye(n_y, dtype=np.float32)[np.random.default_rng(seed).integers(n_y, size=m)].T


def _keras_cce(labels: np.ndarray, values: np.ndarray, from_logits: bool, reduction: str = "sum") -> float:
    """Keras' categorical cross-entropy of column-layout (n_y, m) arrays, in float64."""
    loss = keras.losses.CategoricalCrossentropy(from_logits=from_logits, reduction=reduction, dtype="float64")
    return float(loss(np.asarray(labels, np.float64).T, np.asarray(values, np.float64).T))


@graded(TASK + "compute_total_loss", points=2)
def test_compute_total_loss_matches_keras_summed_over_examples(impl):
    n_y, m = 4, 6
    logits = (3.0 * np.random.default_rng(0).normal(size=(n_y, m))).astype(np.float32)
    labels = _labels(n_y, m, seed=1)
    call = checks.call("compute_total_loss", logits=logits, labels=labels)
    got, _, _ = _watched(impl.compute_total_loss, tf.constant(logits), tf.constant(labels))
    softmax = scipy.special.softmax(logits.astype(np.float64), axis=0)
    no_transpose = keras.losses.categorical_crossentropy(labels.astype(np.float64), logits.astype(np.float64),
                                                         from_logits=True)
    checks.check_close(got, _keras_cce(labels, logits, from_logits=True), call=call,
                       name="the total loss", rtol=1e-5, atol=1e-5,
                       mistakes={"the mean over the examples instead of the sum":
                                     _keras_cce(labels, logits, from_logits=True, reduction="sum_over_batch_size"),
                                 "a softmax before a loss that applies its own (from_logits=True)":
                                     _keras_cce(labels, softmax, from_logits=True),
                                 "no transpose: Keras then takes the m examples as the classes":
                                     float(tf.reduce_sum(no_transpose))})


@graded(TASK + "compute_total_loss", points=1)
def test_compute_total_loss_is_exact_for_confidently_wrong_logits(impl):
    logits = np.array([[40.0, -40.0, 0.0], [-40.0, 40.0, 0.0], [0.0, 0.0, 30.0]], dtype=np.float32)
    labels = np.eye(3, dtype=np.float32)[[1, 0, 2]].T  # the first two examples are confidently wrong
    call = checks.call("compute_total_loss", logits=logits, labels=labels) + " (logits of +-40)"
    got, _, _ = _watched(impl.compute_total_loss, tf.constant(logits), tf.constant(labels))
    expected = float(np.sum(scipy.special.logsumexp(logits.astype(np.float64), axis=0)
                            - np.sum(labels * logits, axis=0)))  # -log softmax of the true class
    probabilities = tf.nn.softmax(logits, axis=0).numpy()
    checks.check_close(got, expected, call=call, name="the total loss", rtol=1e-4, atol=1e-4,
                       mistakes={"the mean over the examples instead of the sum": expected / logits.shape[1],
                                 "probabilities from tf.nn.softmax and a from_logits=False loss (the "
                                 "log of a probability rounded to 0 is clipped)":
                                     _keras_cce(labels, probabilities, from_logits=False)})


@mutant(TASK + "compute_total_loss", "reduce_mean instead of reduce_sum")
def loss_mean(ref):
    return rewrite(ref, "compute_total_loss", "tf.reduce_sum(losses)", "tf.reduce_mean(losses)")


@mutant(TASK + "compute_total_loss", "tf.nn.softmax, then a from_logits=False loss on the probabilities")
def loss_from_probabilities(ref):
    return lambda logits, labels: tf.reduce_sum(keras.losses.categorical_crossentropy(
        tf.transpose(labels), tf.nn.softmax(tf.transpose(logits))))


@mutant(TASK + "compute_total_loss", "a softmax before the from_logits=True loss")
def loss_double_softmax(ref):
    return lambda logits, labels: tf.reduce_sum(keras.losses.categorical_crossentropy(
        tf.transpose(labels), tf.nn.softmax(tf.transpose(logits)), from_logits=True))


@mutant(TASK + "compute_total_loss", "no transpose: (n_y, m) handed to a loss that wants (m, n_y)")
def loss_no_transpose(ref):
    return lambda logits, labels: tf.reduce_sum(keras.losses.categorical_crossentropy(
        labels, logits, from_logits=True))


# ---------------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------------

def _blobs(per_class: int, sample_seed: int, n_x: int = 4, n_y: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs around 3 fixed centres, ``per_class`` examples each, sorted by class.

    Returns X (n_x, m) and one-hot Y (n_y, m), float32, m = n_y * per_class.
    """
    centres = np.random.default_rng(0).normal(scale=3.0, size=(n_y, n_x))
    classes = np.repeat(np.arange(n_y), per_class)
    X = centres[classes] + np.random.default_rng(sample_seed).normal(size=(classes.size, n_x))
    return X.T.astype(np.float32), np.eye(n_y, dtype=np.float32)[classes].T


# The calls of `model` that the tests share: name -> (training set, test set, hyperparameters)
_MODEL_CALLS: dict[str, tuple[tuple[int, int], tuple[int, int], dict[str, Any]]] = {
    # 270 examples sorted by class: unshuffled, every epoch ends on 15 mini-batches of class 2
    "sorted": ((90, 1), (30, 2), dict(learning_rate=0.03, num_epochs=1, minibatch_size=6, seed=0)),
    # 30 examples in mini-batches of 8, 8, 8 and 6
    "small": ((10, 5), (4, 6), dict(learning_rate=0.01, num_epochs=2, minibatch_size=8, seed=5)),
    # 39 examples in one mini-batch: no step, then exactly one
    "untrained": ((13, 3), (5, 4), dict(learning_rate=0.01, num_epochs=0, minibatch_size=64, seed=4)),
    "one_step": ((13, 3), (5, 4), dict(learning_rate=0.01, num_epochs=1, minibatch_size=64, seed=4)),
}
_RUNS: dict[tuple[ModuleType, str], tuple[Any, str, list[str]]] = {}


def _model_arguments(name: str) -> tuple[dict[str, Any], str]:
    """The keyword arguments of the named call of ``model``, and the call described for messages."""
    (per_class, train_seed), (per_class_test, test_seed), hyperparameters = _MODEL_CALLS[name]
    arguments = dict(zip(("X_train", "Y_train"), _blobs(per_class, train_seed)))
    arguments |= dict(zip(("X_test", "Y_test"), _blobs(per_class_test, test_seed)))
    arguments |= hyperparameters
    settings = ", ".join(f"{key}={value}" for key, value in hyperparameters.items())
    order = " sorted by class" if name == "sorted" else ""
    description = (f"model(X_train, Y_train, X_test, Y_test, {settings}) on {3 * per_class} training "
                   f"examples of 3 classes{order}, X_train of shape {arguments['X_train'].shape}")
    return arguments, description


def _run_model(impl: ModuleType, name: str, *, again: bool = False) -> tuple[tuple, dict[str, Any], str, str, list[str]]:
    """``impl.model`` on the named call: run once per implementation and shared by its tests
    (``again=True`` runs it afresh).

    Returns the 4-tuple it returned, its arguments, the call described, what it printed and the
    global state it changed.
    """
    arguments, description = _model_arguments(name)
    if again or (impl, name) not in _RUNS:
        result, problems, printed = _watched(impl.model, **arguments)
        if again:
            return _checked_result(result, description), arguments, description, printed, problems
        _RUNS[impl, name] = (result, printed, problems)
    result, printed, problems = _RUNS[impl, name]
    return _checked_result(result, description), arguments, description, printed, problems


def _checked_result(result: Any, description: str) -> tuple:
    if not (isinstance(result, (tuple, list)) and len(result) == 4):
        length = f" of length {len(result)}" if hasattr(result, "__len__") else ""
        checks.fail(f"{description} should return (parameters, costs, train_acc, test_acc), got "
                    f"{type(result).__name__}{length}")
    return tuple(result)


def _model_parameters(parameters: Any, arguments: dict[str, Any], description: str) -> dict[str, np.ndarray]:
    n_x, n_y = arguments["X_train"].shape[0], arguments["Y_train"].shape[0]
    return _parameters(parameters, [n_x, 25, 12, n_y], description)


@graded(TASK + "model", points=2)
def test_model_returns_parameters_and_a_decreasing_cost_per_epoch(impl):
    (parameters, costs, train_acc, test_acc), arguments, description, printed, _ = _run_model(impl, "small")
    arrays = _model_parameters(parameters, arguments, description)
    epochs = arguments["num_epochs"]
    for name, values in (("costs", costs), ("train_acc", train_acc), ("test_acc", test_acc)):
        if not (isinstance(values, (list, tuple)) and len(values) == epochs):
            length = f" of length {len(values)}" if hasattr(values, "__len__") else ""
            checks.fail(f"{description}: {name} should be a list with one entry per epoch ({epochs}), "
                        f"got {type(values).__name__}{length}")
    for epoch, cost in enumerate(costs):
        if not isinstance(cost, float):
            checks.fail(f"{description}: costs[{epoch}] should be a Python float, got "
                        f"{type(cost).__name__} (use float(...) on a tensor)")
    if not costs[1] < costs[0]:
        checks.fail(f"{description}: costs = {list(costs)}; the cost should decrease from epoch to epoch")
    for name, values in (("train_acc", train_acc), ("test_acc", test_acc)):
        array = checks.to_array(values, call=description, name=name)
        if not np.all((array >= 0) & (array <= 1)):
            checks.fail(f"{description}: {name} = {array.tolist()}, expected fractions in [0, 1]")
    X_test, Y_test = arguments["X_test"], arguments["Y_test"]
    expected = float(np.mean(_numpy_forward(X_test, arrays).argmax(axis=0) == Y_test.argmax(axis=0)))
    checks.check_scalar(float(test_acc[-1]), expected, call=description,
                        name="test_acc[-1] (the accuracy on the test set of the returned parameters)",
                        atol=1.5 / X_test.shape[1])
    if printed:
        checks.fail(f"{description} printed {printed[:200]!r}: print only when print_cost=True")


@graded(TASK + "model", points=2)
def test_model_learns_from_class_sorted_data(impl):
    (_, _, _, test_acc), _, description, _, _ = _run_model(impl, "sorted")
    test_acc = checks.to_array(test_acc, call=description, name="test_acc")
    if not (test_acc.shape == (1,) and test_acc[-1] >= 0.85):
        checks.fail(f"{description}: test_acc = {test_acc.tolist()}, expected one accuracy of at least "
                    "0.85 (a correct model reaches 0.93). Shuffle the whole training set every epoch "
                    "(Dataset.shuffle with a buffer of m and the seed): unshuffled, each epoch ends on "
                    "mini-batches of the last class only, and the network learns to predict it everywhere.")


@graded(TASK + "model", points=2)
def test_model_epoch_cost_is_total_loss_over_m(impl):
    (initial, costs0, *_), arguments, description, _, _ = _run_model(impl, "untrained")
    initial = _model_parameters(initial, arguments, description)
    if len(costs0) != 0:
        checks.fail(f"{description}: with num_epochs=0 costs should be empty, got {costs0!r}")
    (_, costs, *_), arguments, description, _, _ = _run_model(impl, "one_step")
    if len(costs) != 1:
        checks.fail(f"{description}: costs should hold one value, got {costs!r}")
    X, Y = arguments["X_train"], arguments["Y_train"]
    m = X.shape[1]
    mean = _keras_cce(Y, _numpy_forward(X, initial), from_logits=True, reduction="sum_over_batch_size")
    checks.check_scalar(costs[0], mean, call=description,
                        name="costs[0] (the epoch's summed loss / m, at the parameters of num_epochs=0)",
                        rtol=1e-4, atol=1e-5,
                        mistakes={"the summed loss not divided by m": mean * m,
                                  "the summed loss divided by minibatch_size": mean * m / arguments["minibatch_size"]})


def _tf_forward(X: np.ndarray, parameters: dict[str, tf.Variable]) -> tf.Tensor:
    """The test's own LINEAR -> RELU -> LINEAR -> RELU -> LINEAR, in TensorFlow for a tape."""
    A = tf.constant(X)
    for l in (1, 2, 3):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        A = tf.nn.relu(Z) if l < 3 else Z
    return A


@graded(TASK + "model", points=2)
def test_model_takes_an_adam_step_per_minibatch(impl):
    (initial, *_), arguments, description, _, _ = _run_model(impl, "untrained")
    initial = _model_parameters(initial, arguments, description)
    (trained, *_), arguments, description, _, _ = _run_model(impl, "one_step")
    trained = _model_parameters(trained, arguments, description)
    keys = list(initial)
    variables = [tf.Variable(initial[key].astype(np.float32)) for key in keys]
    with tf.GradientTape() as tape:
        logits = _tf_forward(arguments["X_train"], dict(zip(keys, variables)))
        loss = keras.losses.CategoricalCrossentropy(from_logits=True, reduction="sum")(
            arguments["Y_train"].T, tf.transpose(logits))
    gradients = tape.gradient(loss, variables)
    keras.optimizers.Adam(learning_rate=arguments["learning_rate"]).apply_gradients(zip(gradients, variables))
    for key, gradient, variable in zip(keys, gradients, variables):
        checks.check_close(trained[key], variable.numpy(), call=description,
                           name=f"{key} after one step (the parameters of num_epochs=0, then one "
                                "keras.optimizers.Adam(learning_rate=0.01) step on the summed loss)",
                           rtol=1e-3, atol=1e-5,
                           mistakes={"a gradient-descent (SGD) step instead of Adam's":
                                         initial[key] - arguments["learning_rate"] * gradient.numpy(),
                                     "no update at all": initial[key]})


@graded(TASK + "model", points=1)
def test_model_is_reproducible_and_leaves_global_state_alone(impl):
    (_, first, *_), _, description, _, problems = _run_model(impl, "small", again=True)
    (_, second, *_), _, _, _, problems_again = _run_model(impl, "small", again=True)
    description += ", called twice"
    if problems or problems_again:
        checks.fail(f"{description}: " + "; ".join(problems or problems_again))
    first, second = (checks.to_array(costs, call=description, name="costs") for costs in (first, second))
    if not (first.shape == second.shape and np.allclose(first, second, rtol=1e-6, atol=1e-9)):
        checks.fail(f"{description}: the costs were {first.tolist()} and then {second.tolist()}; the "
                    "same seed should give the same run (Dataset.shuffle(m, seed=seed), and the seed "
                    "for the initial parameters)")


@mutant(TASK + "model", "keras.optimizers.SGD instead of Adam")
def model_sgd(ref):
    return rewrite(ref, "model", "keras.optimizers.Adam(", "keras.optimizers.SGD(")


@mutant(TASK + "model", "the epoch's total loss is not divided by m")
def model_cost_not_over_m(ref):
    return rewrite(ref, "model", "costs.append(epoch_total_loss / m)", "costs.append(epoch_total_loss)")


@mutant(TASK + "model", "no shuffle: the mini-batches keep the order of the data")
def model_no_shuffle(ref):
    return rewrite(ref, "model", ".shuffle(m, seed=seed, reshuffle_each_iteration=True)", "")


@mutant(TASK + "model", "shuffle without the seed: every run differs")
def model_unseeded_shuffle(ref):
    return rewrite(ref, "model", "seed=seed, reshuffle_each_iteration", "reshuffle_each_iteration")


@mutant(TASK + "model", "tf.random.set_seed(seed): global state, instead of seeding the shuffle")
def model_global_seed(ref):
    return rewrite(ref, "model", "seed=seed, reshuffle_each_iteration",
                   "seed=tf.random.set_seed(seed), reshuffle_each_iteration")
