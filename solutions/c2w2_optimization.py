"""Optimization methods: mini-batches, exponentially weighted averages, momentum, RMSprop, Adam
and learning-rate decay, in NumPy and the course's notation.

**Mini-batches.** Batch gradient descent takes one step per pass over all m examples. Mini-batch
gradient descent splits the training set into mini-batches X^{t}, Y^{t} of ``mini_batch_size``
examples and takes one step per mini-batch, so one epoch (one pass over the data) gives
ceil(m / mini_batch_size) steps. Two moves build them: *shuffle* the columns of X and Y with one
and the same permutation (example i must keep its own label), then *partition* the shuffled
columns into consecutive blocks; when mini_batch_size does not divide m the last block is smaller
and still used, so every example appears exactly once per epoch. Size m is batch gradient
descent, size 1 is stochastic gradient descent; powers of two (64, 128, 256, 512) are usual.

**Exponentially weighted averages.** With v_0 = 0 and data θ_1, θ_2, ..., θ_T::

    v_t = β·v_{t-1} + (1 - β)·θ_t

v_t averages roughly the last 1/(1 - β) values (β = 0.9: ten days of temperatures, β = 0.98:
fifty, β = 0.5: two). A larger β gives a smoother curve that adapts more slowly, shifted to the
right (it lags); a smaller β a noisier curve that follows the data quickly. Because v_0 = 0 the
first values are far too small (v_1 = (1 - β)·θ_1); *bias correction* divides by the sum of the
weights, v_t / (1 - β^t), which fixes the start and changes almost nothing once β^t ≈ 0.

**Momentum.** Gradient descent on an elongated cost oscillates across the valley (the lecture's
vertical direction, b) while it crawls along it (horizontal, W); a learning rate large enough to
crawl faster makes the oscillations diverge. Momentum steps along an exponentially weighted
average of the gradients instead: the oscillating components average out, the consistent ones
add up::

    v_dW = β·v_dW + (1 - β)·dW          W := W - α·v_dW       (and the same for b)

β = 0.9 is the usual choice; v starts at zeros shaped like the parameters. The course keeps the
(1 - β) factor; the variant without it (v = β·v + dW) is the same method with α scaled by 1 - β.

**RMSprop.** Divide each step by the root of an average of *squared* gradients, so that directions
with large gradients (the oscillations) are damped and flat directions speed up::

    S_dW = β·S_dW + (1 - β)·dW²        W := W - α·dW / (sqrt(S_dW) + ε)

where dW² is element-wise and ε (1e-8) only guards against dividing by zero.

**Adam** (adaptive moment estimation) is momentum and RMSprop together, both bias-corrected.
At step t = 1, 2, 3, ... (t counts the updates, starting at 1)::

    v = β1·v + (1 - β1)·dW                  s = β2·s + (1 - β2)·dW²
    v_corrected = v / (1 - β1^t)            s_corrected = s / (1 - β2^t)
    W := W - α·v_corrected / (sqrt(s_corrected) + ε)

with the usual β1 = 0.9, β2 = 0.999, ε = 1e-8; only α is really tuned. ε sits *outside* the
square root.

**Learning-rate decay.** Late in training, a smaller step lets mini-batch gradient descent settle
in a tight region around the minimum instead of wandering. With epoch_num counting epochs from 0::

    α = α0 / (1 + decay_rate·epoch_num)                                  (update_lr)
    α = α0 / (1 + decay_rate·floor(epoch_num / time_interval))           (schedule_lr_decay)
    α = α0 · base^epoch_num                                              (exponential_lr_decay)

The second one, the course's fixed-interval schedule, is a staircase: α changes only every
``time_interval`` epochs.

**Dictionaries and purity.** Parameters live in ``{"W1": (n1, n0), "b1": (n1, 1), ...}``, their
gradients and the optimizer states ``v`` and ``s`` in dicts with the course's keys
``{"dW1", "db1", ...}``, each entry shaped like its parameter. The update functions here are pure
update rules: they return new dicts and never write into the arrays they were given (the
course's version rebinds the entries of the caller's dicts, ``parameters["W1"] = ...``, which
writes no array either; an in-place ``parameters["W1"] -= ...`` would silently change arrays the
caller may still hold, such as the previous parameters).

Random numbers come from a local ``np.random.RandomState(seed)``, which draws what the course's
``np.random.seed(seed)`` followed by ``np.random.permutation`` draws, without touching NumPy's
global random state.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np


def _as_columns(value: Any, name: str, layout: str) -> np.ndarray:
    """``value`` as a 2-D array (its dtype kept), or a ValueError that names it and its layout."""
    array = np.asarray(value)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape {layout}, one example per column. "
                         f"Received: {name}.shape={array.shape}")
    return array


def _check_int(name: str, value: Any, minimum: int) -> None:
    """Raise a ValueError unless ``value`` is an integer (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}. Received: {name}={value!r}")


def _check_number(name: str, value: Any, low: float = 0.0, high: float = math.inf,
                  high_open: bool = False, low_open: bool = False) -> None:
    """Raise a ValueError unless ``value`` is a real number in the interval from low to high."""
    ok = (not isinstance(value, bool) and isinstance(value, numbers.Real) and math.isfinite(value)
          and (value > low if low_open else value >= low) and (value < high if high_open else value <= high))
    if not ok:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be a number in {interval}. Received: {name}={value!r}")


def _check_beta(name: str, value: Any) -> None:
    """Raise a ValueError unless ``value`` is an averaging coefficient in [0, 1)."""
    _check_number(name, value, 0.0, 1.0, high_open=True)


def _check_layers(parameters: Any, **states: Any) -> None:
    """Check ``parameters`` = {"W1", "b1", ..., "WL", "bL"} and each state (grads, v, s) =
    {"dW1", "db1", ...} with every entry shaped like its parameter; raise a ValueError otherwise."""
    if not isinstance(parameters, dict) or not parameters or len(parameters) % 2:
        raise ValueError('parameters must be a dict {"W1": W1, "b1": b1, ..., "WL": WL, "bL": bL}. '
                         f"Received: parameters={type(parameters).__name__} with keys "
                         f"{sorted(parameters) if isinstance(parameters, dict) else None}")
    L = len(parameters) // 2
    keys = [f"{kind}{l}" for l in range(1, L + 1) for kind in ("W", "b")]
    if sorted(parameters) != sorted(keys):
        raise ValueError(f"parameters must hold exactly the keys {keys}. "
                         f"Received: parameters keys={sorted(parameters)}")
    for name, state in states.items():
        if not isinstance(state, dict) or not all(f"d{key}" in state for key in keys):
            found = sorted(state) if isinstance(state, dict) else type(state).__name__
            raise ValueError(f"{name} must be a dict with the keys {['d' + key for key in keys]}, "
                             f"one per parameter. Received: {name} keys={found}")
        for key in keys:
            if np.shape(state[f"d{key}"]) != np.shape(parameters[key]):
                raise ValueError(f'{name}["d{key}"] must have the shape of parameters["{key}"], '
                                 f"{np.shape(parameters[key])}. "
                                 f'Received: {name}["d{key}"].shape={np.shape(state[f"d{key}"])}')


def random_mini_batches(
    X: np.ndarray,
    Y: np.ndarray,
    mini_batch_size: int = 64,
    seed: int = 0,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffle the examples of (X, Y) together and partition them into mini-batches.

    One permutation of the m columns, ``np.random.RandomState(seed).permutation(m)`` (what the
    course's ``np.random.seed(seed); np.random.permutation(m)`` draws, without touching NumPy's
    global state), is applied to X and to Y alike, so every example keeps its label. The shuffled
    columns are then cut into consecutive mini-batches of ``mini_batch_size`` examples; when
    ``mini_batch_size`` does not divide m, the last mini-batch holds the m % mini_batch_size
    examples left. Every example appears in exactly one mini-batch.

    Args:
        X: inputs, shape (n_x, m), one example per column.
        Y: labels, shape (n_y, m) (the course's (1, m)); any dtype (the course's are booleans).
        mini_batch_size: the number of examples per mini-batch (>= 1).
        seed: seeds the permutation (the course uses 0).

    Returns:
        A list of ceil(m / mini_batch_size) tuples ``(mini_batch_X, mini_batch_Y)`` of shapes
        (n_x, mini_batch_size) and (n_y, mini_batch_size), the last one possibly narrower.

    Raises:
        ValueError: X or Y is not 2-D, they hold different numbers of examples, or
            mini_batch_size is not a positive integer.

    Example:
        The course's test case, ``np.random.seed(1)``, ``X = np.random.randn(12288, 148)``,
        ``Y = np.random.randn(1, 148) < 0.5``: mini-batches of X of shapes (12288, 64),
        (12288, 64) and (12288, 20), and ``mini_batches[0][0][0][0:3]`` is
        ``[0.90085595, -0.7612069, 0.2344157]``.
    """
    X = _as_columns(X, "X", "(n_x, m)")
    Y = _as_columns(Y, "Y", "(n_y, m)")
    if X.shape[1] != Y.shape[1]:
        raise ValueError("X and Y must hold the same number of examples (columns). "
                         f"Received: X.shape={X.shape}, Y.shape={Y.shape}")
    _check_int("mini_batch_size", mini_batch_size, 1)
    ### BEGIN SOLUTION
    m = X.shape[1]
    permutation = np.random.RandomState(seed).permutation(m)
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation]
    mini_batches = []
    for start in range(0, m, mini_batch_size):  # the last slice stops at m: the smaller batch
        end = start + mini_batch_size
        mini_batches.append((shuffled_X[:, start:end], shuffled_Y[:, start:end]))
    return mini_batches
    ### END SOLUTION


def exponentially_weighted_average(
    thetas: np.ndarray,
    beta: float,
    bias_correction: bool = False,
) -> np.ndarray:
    """The exponentially weighted averages v_1, ..., v_T of a sequence θ_1, ..., θ_T.

    v_0 = 0 and v_t = β·v_{t-1} + (1 - β)·θ_t. With ``bias_correction=True`` each v_t is divided
    by 1 - β^t (t counted from 1), which removes the pull towards v_0 = 0 in the first steps.

    Args:
        thetas: the data θ_1..θ_T along axis 0, shape (T,) (or (T, ...): each entry of θ_t is
            averaged separately).
        beta: the weight of the past, in [0, 1); about 1/(1 - β) values are averaged.
        bias_correction: divide v_t by 1 - β^t.

    Returns:
        A float array of the shape of ``thetas``: entry t - 1 is v_t (or v_t / (1 - β^t)).

    Raises:
        ValueError: thetas is 0-d, or beta is not in [0, 1).

    Example:
        ``exponentially_weighted_average([10.0, 10.0], 0.9)`` is ``[1.0, 1.9]``; with
        ``bias_correction=True`` it is ``[10.0, 10.0]``.
    """
    thetas = np.asarray(thetas, dtype=np.float64)
    if thetas.ndim == 0:
        raise ValueError("thetas must hold the sequence θ_1..θ_T along axis 0. "
                         f"Received: thetas.shape={thetas.shape}")
    _check_beta("beta", beta)
    ### BEGIN SOLUTION
    averages = np.empty_like(thetas)
    v = np.zeros_like(thetas[0])
    for t in range(1, thetas.shape[0] + 1):
        v = beta * v + (1 - beta) * thetas[t - 1]
        averages[t - 1] = v / (1 - beta ** t) if bias_correction else v
    return averages
    ### END SOLUTION


def update_parameters_with_gd(
    parameters: dict[str, np.ndarray],
    grads: dict[str, np.ndarray],
    learning_rate: float,
) -> dict[str, np.ndarray]:
    """One step of (batch or mini-batch) gradient descent on every layer.

    W[l] := W[l] - α·dW[l] and b[l] := b[l] - α·db[l] for l = 1..L. The arrays given are left as
    they were: the result holds new arrays.

    Args:
        parameters: ``{"W1": (n1, n0), "b1": (n1, 1), ..., "WL", "bL"}``.
        grads: ``{"dW1", "db1", ..., "dWL", "dbL"}``, each shaped like its parameter.
        learning_rate: α.

    Returns:
        The updated parameters, a dict with the keys and shapes of ``parameters``.

    Raises:
        ValueError: the dicts do not hold matching W, b / dW, db entries, or learning_rate is
            negative.
    """
    _check_layers(parameters, grads=grads)
    _check_number("learning_rate", learning_rate)
    ### BEGIN SOLUTION
    L = len(parameters) // 2
    updated = {}
    for l in range(1, L + 1):
        updated[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        updated[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return updated
    ### END SOLUTION


def initialize_velocity(parameters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The initial momentum state: zeros shaped like each parameter.

    Args:
        parameters: ``{"W1": (n1, n0), "b1": (n1, 1), ..., "WL", "bL"}``.

    Returns:
        v: ``{"dW1": zeros like W1, "db1": zeros like b1, ..., "dWL", "dbL"}``, float arrays.

    Raises:
        ValueError: parameters is not a dict of W1, b1, ..., WL, bL.
    """
    _check_layers(parameters)
    ### BEGIN SOLUTION
    L = len(parameters) // 2
    v = {}
    for l in range(1, L + 1):
        v[f"dW{l}"] = np.zeros(np.shape(parameters[f"W{l}"]))
        v[f"db{l}"] = np.zeros(np.shape(parameters[f"b{l}"]))
    return v
    ### END SOLUTION


def update_parameters_with_momentum(
    parameters: dict[str, np.ndarray],
    grads: dict[str, np.ndarray],
    v: dict[str, np.ndarray],
    beta: float,
    learning_rate: float,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """One step of gradient descent with momentum.

    For each layer: v_dW = β·v_dW + (1 - β)·dW, then W := W - α·v_dW (and the same for b with
    v_db). The arrays given are left as they were: the results hold new arrays.

    Args:
        parameters: ``{"W1", "b1", ..., "WL", "bL"}``.
        grads: ``{"dW1", "db1", ...}``, each shaped like its parameter.
        v: the velocity, ``{"dW1", "db1", ...}`` (from :func:`initialize_velocity` at the start).
        beta: the momentum β, in [0, 1) (0.9 is usual; β = 0 is gradient descent).
        learning_rate: α.

    Returns:
        ``(parameters, v)``: the updated parameters and the updated velocity, dicts with the keys
        and shapes of the inputs.

    Raises:
        ValueError: the dicts do not match, beta is not in [0, 1), or learning_rate < 0.
    """
    _check_layers(parameters, grads=grads, v=v)
    _check_beta("beta", beta)
    _check_number("learning_rate", learning_rate)
    ### BEGIN SOLUTION
    L = len(parameters) // 2
    updated, velocity = {}, {}
    for l in range(1, L + 1):
        for name in (f"W{l}", f"b{l}"):
            velocity["d" + name] = beta * v["d" + name] + (1 - beta) * grads["d" + name]
            updated[name] = parameters[name] - learning_rate * velocity["d" + name]
    return updated, velocity
    ### END SOLUTION


def initialize_rmsprop(parameters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The initial RMSprop state: zeros shaped like each parameter.

    Args:
        parameters: ``{"W1": (n1, n0), "b1": (n1, 1), ..., "WL", "bL"}``.

    Returns:
        s: ``{"dW1": zeros like W1, "db1": zeros like b1, ..., "dWL", "dbL"}``, float arrays.

    Raises:
        ValueError: parameters is not a dict of W1, b1, ..., WL, bL.
    """
    _check_layers(parameters)
    ### BEGIN SOLUTION
    L = len(parameters) // 2
    s = {}
    for l in range(1, L + 1):
        s[f"dW{l}"] = np.zeros(np.shape(parameters[f"W{l}"]))
        s[f"db{l}"] = np.zeros(np.shape(parameters[f"b{l}"]))
    return s
    ### END SOLUTION


def update_parameters_with_rmsprop(
    parameters: dict[str, np.ndarray],
    grads: dict[str, np.ndarray],
    s: dict[str, np.ndarray],
    beta: float = 0.999,
    learning_rate: float = 0.01,
    epsilon: float = 1e-8,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """One step of RMSprop.

    For each layer: S_dW = β·S_dW + (1 - β)·dW² (element-wise square), then
    W := W - α·dW / (sqrt(S_dW) + ε), and the same for b with S_db. ε is added *outside* the
    square root, as in the course's Adam; there is no bias correction. The arrays given are left
    as they were: the results hold new arrays.

    Args:
        parameters: ``{"W1", "b1", ..., "WL", "bL"}``.
        grads: ``{"dW1", "db1", ...}``, each shaped like its parameter.
        s: the running average of the squared gradients, ``{"dW1", "db1", ...}``
            (from :func:`initialize_rmsprop` at the start).
        beta: the averaging coefficient β, in [0, 1).
        learning_rate: α.
        epsilon: ε >= 0, added to sqrt(S) to avoid dividing by zero.

    Returns:
        ``(parameters, s)``: the updated parameters and the updated averages, dicts with the keys
        and shapes of the inputs.

    Raises:
        ValueError: the dicts do not match, beta is not in [0, 1), learning_rate < 0 or
            epsilon < 0.
    """
    _check_layers(parameters, grads=grads, s=s)
    _check_beta("beta", beta)
    _check_number("learning_rate", learning_rate)
    _check_number("epsilon", epsilon)
    ### BEGIN SOLUTION
    L = len(parameters) // 2
    updated, squares = {}, {}
    for l in range(1, L + 1):
        for name in (f"W{l}", f"b{l}"):
            gradient = grads["d" + name]
            squares["d" + name] = beta * s["d" + name] + (1 - beta) * gradient ** 2
            updated[name] = parameters[name] - learning_rate * gradient / (np.sqrt(squares["d" + name]) + epsilon)
    return updated, squares
    ### END SOLUTION


def initialize_adam(parameters: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The initial Adam state: two dicts of zeros shaped like each parameter.

    Args:
        parameters: ``{"W1": (n1, n0), "b1": (n1, 1), ..., "WL", "bL"}``.

    Returns:
        ``(v, s)``: the average of the gradients and the average of their squares, each
        ``{"dW1": zeros like W1, "db1": zeros like b1, ...}`` with arrays of their own (v and s
        share no array).

    Raises:
        ValueError: parameters is not a dict of W1, b1, ..., WL, bL.
    """
    _check_layers(parameters)
    ### BEGIN SOLUTION
    L = len(parameters) // 2
    v, s = {}, {}
    for l in range(1, L + 1):
        for name in (f"W{l}", f"b{l}"):
            v["d" + name] = np.zeros(np.shape(parameters[name]))
            s["d" + name] = np.zeros(np.shape(parameters[name]))
    return v, s
    ### END SOLUTION


def update_parameters_with_adam(
    parameters: dict[str, np.ndarray],
    grads: dict[str, np.ndarray],
    v: dict[str, np.ndarray],
    s: dict[str, np.ndarray],
    t: int,
    learning_rate: float = 0.01,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray],
           dict[str, np.ndarray], dict[str, np.ndarray]]:
    """One step of Adam, the t-th update (t = 1 for the first).

    For each parameter W (and likewise b)::

        v_dW = β1·v_dW + (1 - β1)·dW            s_dW = β2·s_dW + (1 - β2)·dW²
        v_corrected = v_dW / (1 - β1^t)         s_corrected = s_dW / (1 - β2^t)
        W := W - α·v_corrected / (sqrt(s_corrected) + ε)

    ε is added outside the square root. The arrays given are left as they were: the results hold
    new arrays.

    Args:
        parameters: ``{"W1", "b1", ..., "WL", "bL"}``.
        grads: ``{"dW1", "db1", ...}``, each shaped like its parameter.
        v: the average of the gradients, ``{"dW1", "db1", ...}``.
        s: the average of the squared gradients, ``{"dW1", "db1", ...}``.
        t: the number of this update, counting from 1 (the bias correction's exponent).
        learning_rate: α.
        beta1: β1 in [0, 1), the momentum-like average.
        beta2: β2 in [0, 1), the RMSprop-like average.
        epsilon: ε >= 0.

    Returns:
        ``(parameters, v, s, v_corrected, s_corrected)``: the updated parameters, the updated
        averages, and their bias-corrected values used in this step; each a dict with the keys
        and shapes of the corresponding input (v_corrected and s_corrected have the keys of v).

    Raises:
        ValueError: the dicts do not match, t is not an integer >= 1, a β is not in [0, 1),
            learning_rate < 0 or epsilon < 0.

    Example:
        The course's test case (``np.random.seed(1)``; W1, b1, W2 (3, 2), b2, then dW1, db1,
        dW2, db2 drawn by ``randn`` in that order; v and s zeros; t = 2, α = 0.02, β1 = 0.8,
        β2 = 0.888, ε = 1e-2) gives ``parameters["W1"][0]`` = [1.63937725, -0.62327448,
        -0.54308727].
    """
    _check_layers(parameters, grads=grads, v=v, s=s)
    _check_int("t", t, 1)
    _check_number("learning_rate", learning_rate)
    _check_beta("beta1", beta1)
    _check_beta("beta2", beta2)
    _check_number("epsilon", epsilon)
    ### BEGIN SOLUTION
    L = len(parameters) // 2
    updated, first, second, v_corrected, s_corrected = {}, {}, {}, {}, {}
    for l in range(1, L + 1):
        for name in (f"W{l}", f"b{l}"):
            key = "d" + name
            first[key] = beta1 * v[key] + (1 - beta1) * grads[key]
            second[key] = beta2 * s[key] + (1 - beta2) * grads[key] ** 2
            v_corrected[key] = first[key] / (1 - beta1 ** t)
            s_corrected[key] = second[key] / (1 - beta2 ** t)
            updated[name] = parameters[name] - learning_rate * v_corrected[key] / (np.sqrt(s_corrected[key]) + epsilon)
    return updated, first, second, v_corrected, s_corrected
    ### END SOLUTION


def update_lr(learning_rate0: float, epoch_num: int, decay_rate: float) -> float:
    """Learning-rate decay at every epoch: α = α0 / (1 + decay_rate·epoch_num).

    Args:
        learning_rate0: α0, the initial learning rate.
        epoch_num: the epoch, counting from 0 (epoch 0 gives α0).
        decay_rate: the decay rate (>= 0).

    Returns:
        The learning rate α as a Python float.

    Raises:
        ValueError: learning_rate0 < 0, epoch_num is not an integer >= 0, or decay_rate < 0.

    Example:
        ``update_lr(0.5, 2, 1)`` is 0.5 / 3 = 0.16666666666666666 (the course's test).
    """
    _check_number("learning_rate0", learning_rate0)
    _check_int("epoch_num", epoch_num, 0)
    _check_number("decay_rate", decay_rate)
    ### BEGIN SOLUTION
    return float(learning_rate0 / (1 + decay_rate * epoch_num))
    ### END SOLUTION


def schedule_lr_decay(
    learning_rate0: float,
    epoch_num: int,
    decay_rate: float,
    time_interval: int = 1000,
) -> float:
    """Fixed-interval (staircase) decay: α = α0 / (1 + decay_rate·floor(epoch_num / time_interval)).

    The learning rate stays constant for ``time_interval`` epochs, then drops: epochs
    0..time_interval-1 use α0.

    Args:
        learning_rate0: α0, the initial learning rate.
        epoch_num: the epoch, counting from 0.
        decay_rate: the decay rate (>= 0).
        time_interval: the number of epochs between two drops (>= 1).

    Returns:
        The learning rate α as a Python float.

    Raises:
        ValueError: learning_rate0 < 0, epoch_num is not an integer >= 0, decay_rate < 0, or
            time_interval is not an integer >= 1.

    Example:
        ``schedule_lr_decay(0.5, 100, 1, 100)`` is 0.25 and ``schedule_lr_decay(0.5, 10, 1, 100)``
        is 0.5 (the course's tests).
    """
    _check_number("learning_rate0", learning_rate0)
    _check_int("epoch_num", epoch_num, 0)
    _check_number("decay_rate", decay_rate)
    _check_int("time_interval", time_interval, 1)
    ### BEGIN SOLUTION
    return float(learning_rate0 / (1 + decay_rate * (epoch_num // time_interval)))
    ### END SOLUTION


def exponential_lr_decay(learning_rate0: float, epoch_num: int, base: float = 0.95) -> float:
    """Exponential decay: α = α0 · base^epoch_num.

    Args:
        learning_rate0: α0, the initial learning rate.
        epoch_num: the epoch, counting from 0 (epoch 0 gives α0).
        base: the factor applied each epoch, in (0, 1] (the lecture's 0.95).

    Returns:
        The learning rate α as a Python float.

    Raises:
        ValueError: learning_rate0 < 0, epoch_num is not an integer >= 0, or base is not in
            (0, 1].

    Example:
        ``exponential_lr_decay(0.2, 2)`` is 0.2 · 0.95² = 0.1805.
    """
    _check_number("learning_rate0", learning_rate0)
    _check_int("epoch_num", epoch_num, 0)
    _check_number("base", base, 0.0, 1.0, low_open=True)
    ### BEGIN SOLUTION
    return float(learning_rate0 * base ** epoch_num)
    ### END SOLUTION
