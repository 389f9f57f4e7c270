"""Shared data and oracles of the graded tests of mls_neural_networks (one test file per graded function).

Oracles: ``keras.layers.Dense`` and ``keras.Sequential`` given the very weights handed to the
student (kernel W, bias b, in the specialization's row layout), ``keras.activations`` for the
activations and the hard sigmoid, and ``keras.layers.Normalization`` for the coffee roasting
lab's inputs. The activations handed to the student's code are plain NumPy callables with a
name (so that a message says ``g=sigmoid``); Keras computes the expected values itself.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING
from collections.abc import Callable, Sequence

import numpy as np

if TYPE_CHECKING:  # annotations only: an oracle imports what it runs (a check needing neither skips 4 s)
    import keras

from grader import checks

TASK = "mls_neural_networks."
DENSE = TASK + "dense"
DENSE_VECTORIZED = TASK + "dense_vectorized"
SEQUENTIAL = TASK + "sequential"
COLLAPSE = TASK + "collapse_linear_layers"
HARD_SIGMOID = TASK + "hard_sigmoid_from_relus"


class Activation:
    """An elementwise activation ``g`` for the student's code, named for messages and for Keras."""

    def __init__(self, name: str, function: Callable[[np.ndarray], np.ndarray]) -> None:
        self.name, self.function = name, function

    def __call__(self, z):
        return self.function(np.asarray(z, dtype=np.float64))

    def __repr__(self) -> str:
        return self.name


SIGMOID = Activation("sigmoid", lambda z: 1.0 / (1.0 + np.exp(-z)))
RELU = Activation("relu", lambda z: np.maximum(0.0, z))
LINEAR = Activation("linear", lambda z: z)
ACTIVATIONS = {"sigmoid": SIGMOID, "relu": RELU, "linear": LINEAR}


def random_layer(n_in: int, n_units: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights W (n_in, n_units) and biases b (n_units,) with entries of order 1, none zero."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n_in, n_units)), rng.uniform(0.5, 1.5, n_units) * rng.choice([-1.0, 1.0], n_units)


def random_inputs(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed + 1000).normal(size=shape)


def keras_model(layers: Sequence[tuple[np.ndarray, np.ndarray, Activation | str]], n_in: int) -> keras.Sequential:
    """A float64 ``keras.Sequential`` of ``Dense`` layers whose kernels and biases are the given (W, b)."""
    import keras
    dense_layers = [keras.layers.Dense(W.shape[1], activation=str(g), dtype="float64") for W, _, g in layers]
    model = keras.Sequential([keras.Input(shape=(n_in,), dtype="float64"), *dense_layers])
    for layer, (W, b, _) in zip(dense_layers, layers):
        layer.set_weights([W, b])
    return model


def keras_forward(layers: Sequence[tuple[np.ndarray, np.ndarray, Activation | str]], X: np.ndarray) -> np.ndarray:
    """What Keras' Dense layers with these weights give for the batch X (m, n_in): (m, n_out)."""
    import keras
    return keras.ops.convert_to_numpy(keras_model(layers, X.shape[1])(X, training=False))


def keras_dense(x: np.ndarray, W: np.ndarray, b: np.ndarray, g: Activation | str) -> np.ndarray:
    """``keras.layers.Dense`` with kernel W and bias b on one example x (n_in,): (n_units,)."""
    return keras_forward([(W, b, g)], x[None, :])[0]


class Shown:
    """A value that a message shows as ``text`` (``checks.call`` writes arguments by their repr)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def layers_call(x: np.ndarray, layers: Sequence[tuple[np.ndarray, np.ndarray, Activation]]) -> str:
    """``sequential(x, layers=[(W (2, 3), b (3,), sigmoid), ...]) with x of shape (m, n_in)``."""
    shapes = ", ".join(f"(W {W.shape}, b {b.shape}, {g!r})" for W, b, g in layers)
    return checks.call("sequential", x=x, layers=Shown(f"[{shapes}]"))


def collapsed_by_keras(Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The one linear layer (W, b) that Keras' stack of linear Dense layers computes.

    The stack f is affine, so it is determined by its outputs: b = f(0) and row i of W is
    f(e_i) - f(0), for e_i the i-th unit vector.
    """
    n_in = Ws[0].shape[0]
    out = keras_forward([(W, b, "linear") for W, b in zip(Ws, bs)], np.vstack([np.zeros(n_in), np.eye(n_in)]))
    return out[1:] - out[0], out[0]


def keras_hard_sigmoid(z: np.ndarray) -> np.ndarray:
    import keras
    return keras.ops.convert_to_numpy(keras.activations.hard_sigmoid(np.asarray(z, dtype=np.float64)))


def keras_relu(z: np.ndarray) -> np.ndarray:
    import keras
    return keras.ops.convert_to_numpy(keras.activations.relu(np.asarray(z, dtype=np.float64)))


# ---------------------------------------------------------------------------------------------
# The course's values: the coffee roasting labs (Course 2, week 1) and C2_W1_Assignment's quick
# checks of my_dense and my_dense_v.

COURSE_X = 0.1 * np.arange(1, 3)                          # my_dense's quick check: one example
COURSE_X_BATCH = 0.1 * np.arange(1, 9).reshape(4, 2)      # my_dense_v's: four examples
COURSE_W = 0.1 * np.arange(1, 7).reshape(2, 3)
COURSE_B = 0.1 * np.arange(1, 4)
COURSE_DENSE = np.array([0.54735762, 0.57932425, 0.61063923])
COURSE_DENSE_V = np.array([[0.54735762, 0.57932425, 0.61063923],
                           [0.57199613, 0.61301418, 0.65248946],
                           [0.5962827, 0.64565631, 0.6921095],
                           [0.62010643, 0.67699586, 0.72908792]])

# The NumPy lab's weights ("copied from the previous lab"), and the TensorFlow lab's.
COFFEE_NUMPY_LAB = ((np.array([[-8.93, 0.29, 12.9], [-0.1, -7.32, 10.81]]), np.array([-9.82, -9.28, 0.96])),
                    (np.array([[-31.18], [-27.59], [-32.56]]), np.array([15.41])))
COFFEE_TF_LAB = ((np.array([[-8.94, 0.29, 12.89], [-0.17, -7.34, 10.79]]), np.array([-9.87, -9.28, 1.01])),
                 (np.array([[-31.38], [-27.86], [-32.79]]), np.array([15.54])))
COFFEE_TEST = np.array([[200.0, 13.9],    # the labs' positive example (temperature, duration)
                        [200.0, 17.0]])   # and negative one
COFFEE_TF_LAB_PREDICTIONS = np.array([[9.63e-01], [3.03e-08]])   # printed by the TensorFlow lab
COFFEE_DECISIONS = np.array([[1.0], [0.0]])                      # printed by both labs


@functools.cache
def coffee_test_normalized() -> np.ndarray:
    """The labs' two test examples normalized as the labs do: a Keras ``Normalization`` layer
    adapted to the lab's 200 roasts (temperatures uniform on [150, 285] °C, durations uniform on
    [11.5, 15.5] min, drawn from ``default_rng(2)``). The labs print [[-0.47, 0.42], [-0.47, 3.16]]."""
    import keras
    draws = np.random.default_rng(2).random(400).reshape(-1, 2)
    roasts = np.column_stack([draws[:, 0] * (285 - 150) + 150, draws[:, 1] * 4 + 11.5])
    norm = keras.layers.Normalization(axis=-1)
    norm.adapt(roasts)
    return keras.ops.convert_to_numpy(norm(COFFEE_TEST)).astype(np.float64)


def coffee_layers(weights: tuple[tuple[np.ndarray, np.ndarray], ...]) -> list[tuple[np.ndarray, np.ndarray, Activation]]:
    return [(W.copy(), b.copy(), SIGMOID) for W, b in weights]
