# Exercise stub generated from solutions/c2w1_gradient_checking.py by `make stubs`.
# Replace each `raise NotImplementedError(...)` line with your code; keep the signatures.
"""Gradient checking: prove that a backward pass computes the gradient of the forward pass's cost.

Backpropagation is easy to get subtly wrong: a factor of 2 in one ``dW``, a wrong ``1/m`` in one
``db``, and training still runs, only worse. Gradient checking compares the gradient that the
backward pass computes, ``dθ = ∂J/∂θ``, with one that needs nothing but the cost ``J`` itself.

**The two-sided difference.** By the definition of the derivative, for a small ε::

    ∂J/∂θ ≈ (J(θ + ε) - J(θ - ε)) / (2ε)

Its error is O(ε²): the terms in ε² of the Taylor expansions of J(θ + ε) and J(θ - ε) cancel.
The one-sided difference (J(θ + ε) - J(θ)) / ε is only O(ε) accurate (its error shrinks like ε,
not ε²: halving ε halves it instead of quartering it), so the check always uses the two-sided
form, and divides by the whole width 2ε.

**Many parameters.** A network's parameters ``W[1], b[1], ..., W[L], b[L]`` are reshaped into
column vectors and stacked, in that order, into one big vector θ of shape (n, 1)
(:func:`dictionary_to_vector`); the gradients ``dW[1], db[1], ...`` go into a vector dθ in the
same order (:func:`gradients_to_vector`), and :func:`vector_to_dictionary` undoes the stacking so
that the forward pass can run on a modified θ. Then, for each i, nudge θ_i alone::

    dθ_approx[i] = (J(θ_1, ..., θ_i + ε, ...) - J(θ_1, ..., θ_i - ε, ...)) / (2ε)

**Comparing the two vectors.** The relative difference ::

    difference = ‖dθ - dθ_approx‖₂ / (‖dθ‖₂ + ‖dθ_approx‖₂)

(Euclidean norms, not sums: a sum lets positive and negative errors cancel) is 0 for a perfect
match and at most 1. With ε = 1e-7, about 1e-7 or less means the backward pass is right, 1e-5 is
suspicious, and 1e-3 or more is almost certainly a bug; then look at which entries of dθ and
dθ_approx disagree (the ``keys`` of :func:`dictionary_to_vector` name their parameter) to find
the layer.

**Why ε = 1e-7 and not smaller.** A float64 cost carries a rounding error of about 1e-16·|J|, and
the difference quotient divides it by 2ε: the smaller ε, the larger that noise. With the course's
cost ``-log(1 - A3)`` of an output A3 = 0.9989, the cancellation in ``1 - A3`` magnifies it, so a
correct backward pass on the course's test case scores 1.19e-07 rather than 0 (the numerically
stable form ``log(1 + exp(Z3)) - Y·Z3`` of the same cost scores about 1e-9).

**In practice.** Gradient checking is slow (two forward passes per parameter): use it to debug,
then switch it off for training. Include any regularization term in J, and switch dropout off
(``keep_prob = 1``) while checking, since dropout makes J random.

The network of the N-dimensional check is the course's LINEAR -> RELU -> LINEAR -> RELU ->
LINEAR -> SIGMOID with binary labels and the cross-entropy cost
``J = -(1/m) Σ (y·log a[3] + (1 - y)·log(1 - a[3]))``, in the course's column layout: X is
(n_x, m), Y is (1, m), ``W[l]`` is (n[l], n[l-1]) and ``b[l]`` is (n[l], 1).
"""

from __future__ import annotations

import numbers
import re
from typing import Any

import numpy as np

NetworkCache = tuple[np.ndarray, ...]
"""What :func:`forward_propagation_n` keeps: ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``."""

_NETWORK_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")


def _check_epsilon(epsilon: Any) -> None:
    """Raise a ValueError unless ``epsilon`` is a positive real number."""
    if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real) or not epsilon > 0:
        raise ValueError(f"epsilon must be a positive number. Received: epsilon={epsilon!r}")


def _layer_count(mapping: Any, name: str, prefix: str = "", exact: bool = True) -> int:
    """The number of layers L of a dict holding ``{prefix}W1, {prefix}b1, ..., {prefix}WL, {prefix}bL``.

    With ``exact`` the dict must hold these keys and nothing else (parameters); otherwise other
    keys are allowed (the course's gradients also hold dZ3, dA2, ...). Raises a ValueError.
    """
    if not isinstance(mapping, dict):
        raise ValueError(f"{name} must be a dict such as {{'{prefix}W1': ..., '{prefix}b1': ...}}. "
                         f"Received: {name}={type(mapping).__name__}")
    pattern = re.compile(rf"{re.escape(prefix)}[Wb]([1-9][0-9]*)")
    layers = {int(match.group(1)) for key in mapping if (match := pattern.fullmatch(str(key)))}
    L = max(layers, default=0)
    wanted = {f"{prefix}{kind}{l}" for l in range(1, L + 1) for kind in "Wb"}
    missing = sorted(wanted - set(mapping))
    extra = sorted(set(map(str, mapping)) - wanted) if exact else []
    if L == 0 or missing or extra:
        raise ValueError(f"{name} must hold {prefix}W1, {prefix}b1, ..., {prefix}WL, {prefix}bL for some L >= 1"
                         + (" and nothing else" if exact else "")
                         + f". Received: {name} keys={sorted(map(str, mapping))}")
    return L


def _check_network(X: Any, Y: Any, parameters: Any) -> tuple[np.ndarray, np.ndarray]:
    """X (n_x, m) and Y (1, m) as float64, after checking the 3-layer parameters fit; or a ValueError."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n_x, m), one example per column. Received: X.shape={X.shape}")
    Y = np.asarray(Y, dtype=np.float64)
    if Y.size != X.shape[1] or Y.ndim > 2 or (Y.ndim == 2 and Y.shape[0] != 1):
        raise ValueError(f"Y must hold one label per example, shape (1, {X.shape[1]}). Received: Y.shape={Y.shape}")
    if _layer_count(parameters, "parameters") != 3:
        raise ValueError("parameters must be the course's 3-layer network W1, b1, W2, b2, W3, b3. "
                         f"Received: parameters keys={sorted(parameters)}")
    rows = X.shape[0]
    for l in (1, 2, 3):
        W, b = np.shape(parameters[f"W{l}"]), np.shape(parameters[f"b{l}"])
        if len(W) != 2 or W[1] != rows or b != (W[0], 1) or (l == 3 and W[0] != 1):
            raise ValueError(f"W{l} must have shape (n{l}, {rows}) and b{l} shape (n{l}, 1)"
                             + (" with n3 = 1" if l == 3 else "")
                             + f". Received: W{l}.shape={W}, b{l}.shape={b}")
        rows = W[0]
    return X, Y.reshape(1, -1)


def _check_cache(cache: Any) -> None:
    """Raise a ValueError unless ``cache`` is the 12-tuple of :func:`forward_propagation_n`."""
    if not isinstance(cache, (tuple, list)) or len(cache) != 12:
        raise ValueError("cache must be the tuple (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) "
                         f"that forward_propagation_n returns. Received: cache={type(cache).__name__}"
                         + (f" of length {len(cache)}" if isinstance(cache, (tuple, list)) else ""))


def _check_vector(theta: Any, shapes: Any) -> int:
    """The number of layers of ``shapes``, after checking that ``theta`` has one entry per value."""
    L = _layer_count(shapes, "shapes")
    size = sum(int(np.prod(shape)) for shape in shapes.values())
    if np.size(theta) != size or np.ndim(theta) not in (1, 2) or (np.ndim(theta) == 2 and np.shape(theta)[1] != 1):
        raise ValueError(f"theta must be a column vector of shape ({size}, 1), one entry per value of "
                         f"the shapes. Received: theta.shape={np.shape(theta)}")
    return L


def forward_propagation(x: float, theta: float) -> float:
    """The 1-D "network" J(θ) = θ·x.

    Args:
        x: the input, a real number.
        theta: the parameter θ, a real number.

    Returns:
        J = θ·x.

    Example:
        ``forward_propagation(2, 4)`` gives 8.
    """
    raise NotImplementedError("c2w1_gradient_checking.forward_propagation")


def backward_propagation(x: float, theta: float) -> float:
    """The derivative of J(θ) = θ·x with respect to θ: dθ = x.

    Args:
        x: the input, a real number.
        theta: the parameter θ (the derivative does not depend on it).

    Returns:
        dθ = ∂J/∂θ = x.

    Example:
        ``backward_propagation(3, 4)`` gives 3.
    """
    raise NotImplementedError("c2w1_gradient_checking.backward_propagation")


def gradient_check_1d(x: float, theta: float, epsilon: float = 1e-7, print_msg: bool = False) -> float:
    """Check :func:`backward_propagation` against the two-sided difference of :func:`forward_propagation`.

    θ⁺ = θ + ε and θ⁻ = θ - ε; J⁺ and J⁻ are the costs there; dθ_approx = (J⁺ - J⁻) / (2ε);
    dθ comes from :func:`backward_propagation`; the result is
    ``|dθ - dθ_approx| / (|dθ| + |dθ_approx|)`` (the norms of the N-dimensional check, in 1-D).
    This is the course's ``gradient_check``.

    With ``print_msg`` it prints one line: ``"There is a mistake in the backward propagation!
    difference = ..."`` when the difference is above 2e-7, otherwise ``"Your backward
    propagation works perfectly fine! difference = ..."``. Without it, it prints nothing.

    Args:
        x: the input, a real number.
        theta: the parameter θ, a real number.
        epsilon: the step ε of the difference quotient (> 0).
        print_msg: whether to print the verdict.

    Returns:
        The relative difference, a Python float in [0, 1].

    Raises:
        ValueError: ``epsilon`` is not positive.

    Example:
        ``gradient_check_1d(2, 4)`` gives 2.919335883291695e-10.
    """
    _check_epsilon(epsilon)
    raise NotImplementedError("c2w1_gradient_checking.gradient_check_1d")


def _verdict(difference: float) -> str:
    """The course's message for a relative difference (its threshold is 2e-7)."""
    if difference > 2e-7:
        return f"There is a mistake in the backward propagation! difference = {difference}"
    return f"Your backward propagation works perfectly fine! difference = {difference}"


def dictionary_to_vector(parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """Stack all parameters into one column vector θ, in the order W1, b1, W2, b2, ..., WL, bL.

    Each array is flattened row by row (``reshape(-1, 1)``, NumPy's C order), whatever order the
    dict was filled in. ``keys[i]`` names the parameter that ``theta[i]`` came from, as the
    course's helper does: ``["W1"] * W1.size + ["b1"] * b1.size + ...``.

    Args:
        parameters: ``{"W1": (n1, n0), "b1": (n1, 1), ..., "WL": ..., "bL": ...}`` for any L >= 1.

    Returns:
        ``(theta, keys)``: theta of shape (n, 1) with n the total number of values, and keys, a
        list of n parameter names.

    Raises:
        ValueError: ``parameters`` is not a dict of exactly W1, b1, ..., WL, bL.

    Example:
        For the course's network W1 (5, 4), b1 (5, 1), W2 (3, 5), b2 (3, 1), W3 (1, 3), b3 (1, 1),
        theta has shape (47, 1): ``theta[:20]`` is W1 row by row and ``theta[20:25]`` is b1.
    """
    L = _layer_count(parameters, "parameters")
    raise NotImplementedError("c2w1_gradient_checking.dictionary_to_vector")


def vector_to_dictionary(theta: np.ndarray, shapes: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """Undo :func:`dictionary_to_vector`: cut θ back into W1, b1, ..., WL, bL of the given shapes.

    The entries are read in the order W1, b1, W2, b2, ... (whatever order ``shapes`` lists them
    in), each block reshaped row by row (C order), so that
    ``vector_to_dictionary(dictionary_to_vector(p)[0], {k: v.shape for k, v in p.items()})``
    gives back exactly ``p``.

    Args:
        theta: the vector, shape (n, 1).
        shapes: ``{"W1": (n1, n0), "b1": (n1, 1), ...}``, the shape of each parameter.

    Returns:
        ``{"W1": ..., "b1": ..., ...}``, each array of its shape in ``shapes``.

    Raises:
        ValueError: ``shapes`` does not name exactly W1, b1, ..., WL, bL, or theta does not hold
            exactly as many values as the shapes do.
    """
    L = _check_vector(theta, shapes)
    raise NotImplementedError("c2w1_gradient_checking.vector_to_dictionary")


def gradients_to_vector(gradients: dict[str, np.ndarray]) -> np.ndarray:
    """Stack the gradients dW1, db1, ..., dWL, dbL into one column vector, in θ's order.

    Only the parameters' gradients go in, in the order dW1, db1, dW2, db2, ..., each flattened
    row by row, so that entry i is the gradient of entry i of :func:`dictionary_to_vector`'s θ.
    Other entries of the dict (the course's backward pass also returns dZ3, dA2, ...) are left out.

    Args:
        gradients: ``{"dW1": (n1, n0), "db1": (n1, 1), ..., "dWL": ..., "dbL": ...}``, possibly
            with other keys.

    Returns:
        dθ of shape (n, 1).

    Raises:
        ValueError: ``gradients`` lacks some dW1, db1, ..., dWL, dbL.
    """
    L = _layer_count(gradients, "gradients", prefix="d", exact=False)
    raise NotImplementedError("c2w1_gradient_checking.gradients_to_vector")


def _relu(Z: np.ndarray) -> np.ndarray:
    return np.maximum(0, Z)


def _sigmoid(Z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-Z))


def forward_propagation_n(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[float, NetworkCache]:
    """The course's 3-layer network and its cross-entropy cost.

    LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID::

        Z1 = W1·X + b1,  A1 = relu(Z1)
        Z2 = W2·A1 + b2, A2 = relu(Z2)
        Z3 = W3·A2 + b3, A3 = sigmoid(Z3)
        J = -(1/m) Σ_i (Y·log A3 + (1 - Y)·log(1 - A3))

    computed in float64 (the check divides cost differences by 2ε = 2e-7). ``relu(z) =
    max(0, z)`` and ``sigmoid(z) = 1 / (1 + exp(-z))`` are the module's helpers ``_relu`` and
    ``_sigmoid``.

    Args:
        X: inputs, shape (n_x, m), one example per column.
        Y: labels 0 or 1, shape (1, m) (the course's (m,) works too).
        parameters: ``{"W1": (n1, n_x), "b1": (n1, 1), "W2": (n2, n1), "b2": (n2, 1),
            "W3": (1, n2), "b3": (1, 1)}``.

    Returns:
        ``(cost, cache)``: the cost J as a Python float, and the course's cache
        ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``.

    Raises:
        ValueError: X is not 2-D, Y does not hold one label per column of X, or the parameters are
            not a 3-layer network whose shapes fit X.
    """
    X, Y = _check_network(X, Y, parameters)
    raise NotImplementedError("c2w1_gradient_checking.forward_propagation_n")


def backward_propagation_n(X: np.ndarray, Y: np.ndarray, cache: NetworkCache) -> dict[str, np.ndarray]:
    """The gradients of :func:`forward_propagation_n`'s cost, by backpropagation (the correct ones).

    As in the course, dZ[l] and dA[l] are per-example (not divided by m) and the 1/m of the cost
    enters with the parameters' gradients::

        dZ3 = A3 - Y
        dW3 = (1/m)·dZ3·A2ᵀ,  db3 = (1/m)·Σ_i dZ3
        dA2 = W3ᵀ·dZ3,  dZ2 = dA2 * (A2 > 0)
        dW2 = (1/m)·dZ2·A1ᵀ,  db2 = (1/m)·Σ_i dZ2
        dA1 = W2ᵀ·dZ2,  dZ1 = dA1 * (A1 > 0)
        dW1 = (1/m)·dZ1·Xᵀ,  db1 = (1/m)·Σ_i dZ1

    (The course's notebook hands out this function with two planted bugs, dW2 twice too large and
    db1 four times, for :func:`gradient_check_n` to find.)

    Args:
        X: inputs, shape (n_x, m).
        Y: labels, shape (1, m) (or (m,)).
        cache: ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)`` from :func:`forward_propagation_n`.

    Returns:
        The course's gradients ``{"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1",
        "dW1", "db1"}``; each dW[l], db[l] has the shape of W[l], b[l], each dZ[l], dA[l] that of
        Z[l] (n[l], m).

    Raises:
        ValueError: ``cache`` is not the 12-tuple of :func:`forward_propagation_n`.
    """
    _check_cache(cache)
    X, Y = np.asarray(X, dtype=np.float64), np.reshape(Y, (1, -1))
    raise NotImplementedError("c2w1_gradient_checking.backward_propagation_n")


def gradient_check_n(
    parameters: dict[str, np.ndarray],
    gradients: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    epsilon: float = 1e-7,
    print_msg: bool = False,
) -> float:
    """Check ``gradients`` against two-sided differences of :func:`forward_propagation_n`'s cost.

    θ, keys = :func:`dictionary_to_vector` (parameters) and dθ = :func:`gradients_to_vector`
    (gradients). For each i: θ⁺ is a *copy* of θ with θ⁺[i] += ε, θ⁻ a copy with θ⁻[i] -= ε,
    J⁺ and J⁻ the costs of :func:`forward_propagation_n` on :func:`vector_to_dictionary` of them,
    and dθ_approx[i] = (J⁺ - J⁻) / (2ε). The result is
    ``‖dθ - dθ_approx‖₂ / (‖dθ‖₂ + ‖dθ_approx‖₂)``. The caller's arrays are left as they were.

    With ``print_msg`` it prints the course's verdict, as :func:`gradient_check_1d` does (the
    threshold is 2e-7); without it, nothing.

    Args:
        parameters: the 3-layer network's ``{"W1", "b1", "W2", "b2", "W3", "b3"}``.
        gradients: their gradients ``{"dW1", "db1", ..., "db3"}`` as a backward pass gives them
            (other keys such as dZ3 are ignored), each of its parameter's shape.
        X: inputs, shape (n_x, m).
        Y: labels, shape (1, m) (or (m,)).
        epsilon: the step ε (> 0).
        print_msg: whether to print the verdict.

    Returns:
        The relative difference, a Python float in [0, 1]: about 1e-7 or less when the gradients
        are right, above 1e-3 when they hold a bug.

    Raises:
        ValueError: ``epsilon`` is not positive, or the dicts lack a parameter or its gradient.

    Example:
        On the course's ``gradient_check_n_test_case`` data the course's buggy backward pass gives
        0.2850931567761623 and :func:`backward_propagation_n` 1.1890913024229996e-07.
    """
    _check_epsilon(epsilon)
    _layer_count(parameters, "parameters")
    _layer_count(gradients, "gradients", prefix="d", exact=False)
    raise NotImplementedError("c2w1_gradient_checking.gradient_check_n")
