"""Neural networks in NumPy: forward propagation the way the machine learning specialization writes it.

Course 2 of the specialization ("advanced learning algorithms") opens with the *coffee roasting*
network: two inputs (temperature, duration), a hidden layer of three sigmoid units and one sigmoid
output that says "good roast" when it is at least 0.5. Before letting TensorFlow do the work, the
labs compute the same prediction by hand, and this module does it again.

**The specialization's layout.** Unlike the deep learning courses (one example per *column*), the
specialization stores one example per *row*, as Keras does:

    x        one example, shape (n_in,)            X, A_in   m examples, shape (m, n_in)
    W        shape (n_in, n_units): column j holds the n_in weights of unit j
    b        shape (n_units,): b[j] is the bias of unit j

This is exactly the layout of ``keras.layers.Dense``: its ``kernel`` is W and its ``bias`` is b,
so ``layer.set_weights([W, b])`` makes a Keras layer compute what your NumPy layer computes.

**One unit, one layer.** Unit j of a layer is a logistic-regression-like unit of its own: it
takes the whole input vector, computes z_j = w_j · a_in + b_j with its own weight column
w_j = W[:, j], and outputs a_j = g(z_j). A *dense* layer is n_units such units side by side, each
seeing every input; its output a_out = [a_1, ..., a_n_units] is the next layer's input. The
superscript [l] numbers layers, as in the course's a_j[l] = g(w_j[l] · a[l-1] + b_j[l]), with
a[0] = x. Written unit by unit, the layer is a loop over the columns of W.

**Vectorised.** The m examples of a batch are the rows of A_in, and the dot products of every
example with every weight column are the entries of one matrix product:
Z[i, j] = A_in[i, :] · W[:, j]. So Z = A_in·W, of shape (m, n_in)·(n_in, n_units) = (m, n_units),
and the bias is added to each row by broadcasting a (1, n_units) row (a (n_units,) vector
broadcasts the same way; a (n_units, 1) column would not). This is the whole speed-up the
course shows with ``np.matmul``: one call instead of m·n_units dot products.

**Forward propagation.** A network is its layers applied in order: a[1] from x, a[2] from a[1],
and so on to the output. Each layer needs its own activation: a sigmoid output for a yes/no
question, a linear output (g(z) = z) for a number of any sign, ReLU (g(z) = max(0, z)) for a
non-negative one and, in the course's advice, for every hidden layer.

**Why the hidden layers need non-linear activations.** A linear layer computes a·W + b. Two in a
row compute (a·W1 + b1)·W2 + b2 = a·(W1·W2) + (b1·W2 + b2): again one linear layer, with the
weights multiplied *in the order the layers are applied* (row layout: the input sits on the left)
and the first bias carried through the second layer's weights. By induction a stack of any depth
of linear layers is a single linear layer, and a network whose hidden layers are linear is no
more than linear regression (or, with a sigmoid output, logistic regression). Depth only pays off
with a non-linearity between the layers.

**What ReLU buys.** ReLU is linear on each side of 0, yet sums of shifted ReLUs bend a line
wherever one of them switches on or off: the course's ReLU lab stitches a piecewise-linear curve
out of units that each "turn on" at their own point. Keras 3's ``hard_sigmoid`` is such a
combination: 0 for z <= -3, 1 for z >= 3 and the line z/6 + 1/2 between. ``relu(z + 3)`` switches
on at -3 with slope 1; subtracting ``relu(z - 3)`` cancels that slope from 3 on, which leaves a
ramp that rises from 0 to 6 and then stays flat; dividing by 6 scales it to rise from 0 to 1. (Keras 2's
``hard_sigmoid`` was another function, with slope 0.2 between -2.5 and 2.5.)

The graded functions take the activation ``g`` as a callable applied elementwise, e.g.
``lambda z: 1 / (1 + np.exp(-z))`` (a sigmoid), ``lambda z: np.maximum(0, z)`` or ``lambda z: z``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Activation = Callable[[Any], Any]


def _as_array(value: Any, name: str, ndims: tuple[int, ...], layout: str) -> np.ndarray:
    """``value`` as a float64 array with one of ``ndims`` dimensions, or a ValueError naming it."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim not in ndims:
        raise ValueError(f"{name} must be an array of shape {layout}. Received: {name}.shape={array.shape}")
    return array


def _check_activation(g: Any) -> None:
    """Raise a ValueError unless ``g`` is callable."""
    if not callable(g):
        raise ValueError(f"g must be a callable activation, e.g. lambda z: z. Received: g={g!r}")


def _check_layer(A_in: Any, W: Any, b: Any, g: Any, *, batch: bool, bias: str = "b") -> tuple[np.ndarray, ...]:
    """The layer's input, weights and bias as float64 arrays whose sizes fit, or a ValueError.

    ``batch`` says whether the input is one example (n_in,) or a batch (m, n_in) (a single (n_in,)
    example is accepted there too); the bias may be (n_units,) or, for a batch, (1, n_units).
    """
    _check_activation(g)
    A_in = _as_array(A_in, "A_in" if batch else "a_in", (1, 2) if batch else (1,),
                     "(m, n_in)" if batch else "(n_in,)")
    W = _as_array(W, "W", (2,), "(n_in, n_units)")
    b = _as_array(b, bias, (1, 2) if batch else (1,), "(1, n_units) or (n_units,)" if batch else "(n_units,)")
    n_in, n_units = W.shape
    if A_in.shape[-1] != n_in:
        raise ValueError(f"the input has {A_in.shape[-1]} features but W has {n_in} rows (n_in). "
                         f"Received: {'A_in' if batch else 'a_in'}.shape={A_in.shape}, W.shape={W.shape}")
    if b.shape not in ((n_units,), (1, n_units)):
        shapes = f"({n_units},) or (1, {n_units})" if batch else f"({n_units},)"
        raise ValueError(f"{bias} must hold one bias per unit, shape {shapes} for W of shape {W.shape}. "
                         f"Received: {bias}.shape={b.shape}")
    return A_in, W, b


def _check_stack(Ws: Any, bs: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The weights and biases of a stack of layers whose sizes chain, or a ValueError."""
    if not isinstance(Ws, Sequence) or not isinstance(bs, Sequence) or len(Ws) == 0 or len(Ws) != len(bs):
        raise ValueError("Ws and bs must be two non-empty lists of the same length, one (W, b) per layer. "
                         f"Received: Ws={type(Ws).__name__} of {len(Ws) if isinstance(Ws, Sequence) else '?'}, "
                         f"bs={type(bs).__name__} of {len(bs) if isinstance(bs, Sequence) else '?'}")
    Ws = [_as_array(W, f"Ws[{l}]", (2,), "(n_in, n_units)") for l, W in enumerate(Ws)]
    bs = [_as_array(b, f"bs[{l}]", (1,), "(n_units,)") for l, b in enumerate(bs)]
    for l, (W, b) in enumerate(zip(Ws, bs)):
        if b.shape != (W.shape[1],):
            raise ValueError(f"bs[{l}] must have shape ({W.shape[1]},) for Ws[{l}] of shape {W.shape}. "
                             f"Received: bs[{l}].shape={b.shape}")
        if l and Ws[l - 1].shape[1] != W.shape[0]:
            raise ValueError(f"layer {l} takes {W.shape[0]} inputs but layer {l - 1} has {Ws[l - 1].shape[1]} units. "
                             f"Received: Ws[{l - 1}].shape={Ws[l - 1].shape}, Ws[{l}].shape={W.shape}")
    return Ws, bs


def dense(a_in: np.ndarray, W: np.ndarray, b: np.ndarray, g: Activation) -> np.ndarray:
    """One dense layer on one example, computed unit by unit (the course's ``my_dense``).

    For each unit j: z_j = W[:, j] · a_in + b[j] and a_out[j] = g(z_j). This is
    ``keras.layers.Dense(n_units, activation=g)`` with kernel W and bias b, on one example.

    Args:
        a_in: one example (or the previous layer's activations), shape (n_in,).
        W: weights, shape (n_in, n_units): column j holds unit j's weights.
        b: biases, shape (n_units,).
        g: the activation, a callable applied elementwise (it may receive a scalar).

    Returns:
        a_out: the layer's activations, shape (n_units,).

    Raises:
        ValueError: a_in is not 1-D, W is not 2-D, the sizes do not fit, or g is not callable.

    Example:
        >>> x = 0.1 * np.arange(1, 3)                       # the course's quick check
        >>> W = 0.1 * np.arange(1, 7).reshape(2, 3)
        >>> b = 0.1 * np.arange(1, 4)
        >>> dense(x, W, b, lambda z: 1 / (1 + np.exp(-z)))
        array([0.54735762, 0.57932425, 0.61063923])
    """
    a_in, W, b = _check_layer(a_in, W, b, g, batch=False)
    ### BEGIN SOLUTION
    units = W.shape[1]
    a_out = np.zeros(units)
    for j in range(units):
        z = np.dot(W[:, j], a_in) + b[j]
        a_out[j] = g(z)
    return a_out
    ### END SOLUTION


def dense_vectorized(A_in: np.ndarray, W: np.ndarray, B: np.ndarray, g: Activation) -> np.ndarray:
    """One dense layer on a batch of examples, in one matrix product (the course's ``my_dense_v``).

    Z = A_in·W + B (B broadcast to every row) and A_out = g(Z). This is exactly
    ``keras.layers.Dense(n_units, activation=g)`` with kernel W and bias B, called on the batch.

    Args:
        A_in: m examples, one per row, shape (m, n_in) (one example (n_in,) with B of shape
            (n_units,) gives (n_units,)).
        W: weights, shape (n_in, n_units).
        B: biases, shape (1, n_units) or (n_units,).
        g: the activation, a callable applied elementwise to an array.

    Returns:
        A_out: activations, shape (m, n_units), one row per example.

    Raises:
        ValueError: the arrays have the wrong number of dimensions, the sizes do not fit, or g is
            not callable.

    Example:
        >>> X = 0.1 * np.arange(1, 9).reshape(4, 2)
        >>> W = 0.1 * np.arange(1, 7).reshape(2, 3)
        >>> B = 0.1 * np.arange(1, 4).reshape(1, 3)
        >>> dense_vectorized(X, W, B, lambda z: 1 / (1 + np.exp(-z)))[0]
        array([0.54735762, 0.57932425, 0.61063923])
    """
    A_in, W, B = _check_layer(A_in, W, B, g, batch=True, bias="B")
    ### BEGIN SOLUTION
    return g(np.matmul(A_in, W) + B)
    ### END SOLUTION


def sequential(x: np.ndarray, layers: Sequence[tuple[np.ndarray, np.ndarray, Activation]]) -> np.ndarray:
    """Forward propagation: the layers applied in order, each to the previous one's output.

    a[0] = x and a[l] = g_l(a[l-1]·W_l + b_l) for l = 1..L; the result is a[L]. This is a
    ``keras.Sequential`` of ``Dense`` layers with the same weights and activations.

    Args:
        x: one example, shape (n_in,), or a batch, shape (m, n_in), one example per row.
        layers: a non-empty list of ``(W, b, g)``, one per layer, in the order they are applied:
            W of shape (n_{l-1}, n_l), b of shape (n_l,), g a callable activation.

    Returns:
        The last layer's activations: shape (n_L,) for one example, (m, n_L) for a batch.

    Raises:
        ValueError: layers is empty or not a list of (W, b, g), or a layer's sizes do not fit.

    Example:
        >>> relu = lambda z: np.maximum(0, z)
        >>> layers = [(np.array([[1.0, -1.0]]), np.zeros(2), relu), (np.ones((2, 1)), np.zeros(1), relu)]
        >>> sequential(np.array([-2.0]), layers)            # |x|
        array([2.])
    """
    if not isinstance(layers, Sequence) or not layers or not all(
            isinstance(layer, (tuple, list)) and len(layer) == 3 for layer in layers):
        raise ValueError("layers must be a non-empty list of (W, b, g) tuples. "
                         f"Received: layers={type(layers).__name__} of {len(layers) if isinstance(layers, Sequence) else '?'}")
    ### BEGIN SOLUTION
    a = x
    for W, b, g in layers:
        a = dense_vectorized(a, W, b, g)
    return a
    ### END SOLUTION


def collapse_linear_layers(Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The single linear layer that a stack of linear layers (g(z) = z) amounts to.

    In the row layout a·W1 + b1 followed by a·W2 + b2 is a·(W1·W2) + (b1·W2 + b2). Collapsing
    layer after layer: W = W1·W2·...·WL and b = (...((b1·W2 + b2)·W3 + b3)...)·WL + bL.

    Args:
        Ws: the layers' weights, in the order they are applied: Ws[l] of shape (n_l, n_{l+1}).
        bs: the layers' biases, bs[l] of shape (n_{l+1},).

    Returns:
        ``(W, b)`` with W of shape (n_in, n_out) and b of shape (n_out,), so that
        ``x @ W + b`` equals the stack's output for every input x.

    Raises:
        ValueError: Ws and bs are empty or of different lengths, or the layers' sizes do not chain.

    Example:
        >>> W, b = collapse_linear_layers([np.array([[2.0]]), np.array([[3.0]])], [np.array([1.0]), np.array([4.0])])
        >>> W, b                                            # 3·(2x + 1) + 4 = 6x + 7
        (array([[6.]]), array([7.]))
    """
    Ws, bs = _check_stack(Ws, bs)
    ### BEGIN SOLUTION
    W, b = Ws[0], bs[0]
    for W_next, b_next in zip(Ws[1:], bs[1:]):
        W, b = W @ W_next, b @ W_next + b_next
    return W, b
    ### END SOLUTION


def hard_sigmoid_from_relus(z: np.ndarray) -> np.ndarray:
    """Keras 3's hard sigmoid built from two ReLUs: (relu(z + 3) - relu(z - 3)) / 6.

    0 for z <= -3, z/6 + 1/2 for -3 < z < 3, and 1 for z >= 3: the same values as
    ``keras.activations.hard_sigmoid`` (which Keras 3 computes as relu6(z + 3) / 6).

    Args:
        z: an array (or a number) of any shape.

    Returns:
        An array of the same shape as z, with values in [0, 1].

    Example:
        >>> hard_sigmoid_from_relus(np.array([-4.0, -3.0, 0.0, 1.5, 3.0, 4.0]))
        array([0.  , 0.  , 0.5 , 0.75, 1.  , 1.  ])
    """
    z = np.asarray(z, dtype=np.float64)
    ### BEGIN SOLUTION
    def relu(v):
        return np.maximum(0.0, v)

    return (relu(z + 3.0) - relu(z - 3.0)) / 6.0
    ### END SOLUTION
