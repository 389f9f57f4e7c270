"""Comparisons for graded tests, with messages that restate the call and name the likely mistake.

Every check converts what the student's code returned into plain NumPy on the trusted side
(an object that only pretends to be equal to everything cannot pass), compares it with the
expected value from an oracle, and on failure says what was called, what was expected, what
came back and, where a known mistake gives exactly what came back, which mistake it looks like.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

import numpy as np
import pytest

__all__ = ["call", "check_close", "check_scalar", "check_shape", "fail", "to_array"]


def fail(message: str) -> NoReturn:
    """Fail the running test with ``message`` alone (no traceback of the grader's own code)."""
    pytest.fail(message, pytrace=False)


def _describe(value: Any) -> str:
    if value is None:
        return "None"
    shape = getattr(value, "shape", None)
    if shape is not None and len(tuple(shape)) > 0:
        return f"{type(value).__name__} of shape {tuple(shape)}"
    return f"{type(value).__name__} {value!r:.60}"


def call(function: str, **arguments: Any) -> str:
    """Describe a call for a message: ``call("softmax", Z=Z)`` -> ``softmax(Z) with Z of shape (4, 3)``.

    Arrays are listed by name and shape, other arguments by value.
    """
    names, shapes = [], []
    for name, value in arguments.items():
        shape = getattr(value, "shape", None)
        if shape is not None and len(tuple(shape)) > 0:
            names.append(name)
            shapes.append(f"{name} of shape {tuple(shape)}")
        else:
            names.append(f"{name}={value!r}")
    text = f"{function}({', '.join(names)})"
    return f"{text} with {', '.join(shapes)}" if shapes else text


def to_array(value: Any, *, call: str, name: str = "the result") -> np.ndarray:
    """Turn a returned value (NumPy array, TensorFlow tensor or variable, number) into float64.

    Fails the test with a message when the value is None, not numeric, or not finite-sized.
    """
    if value is None:
        fail(f"{call} returned None for {name}: did the function forget to `return`?")
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    if not isinstance(value, (np.ndarray, np.generic, int, float, bool, list, tuple)):
        fail(f"{call}: {name} should be a number or an array, got {_describe(value)}")
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        fail(f"{call}: {name} is not numeric ({err}); got {_describe(value)}")
    return array


def check_shape(value: Any, shape: tuple[int, ...], *, call: str, name: str = "the result") -> np.ndarray:
    """Fail unless ``value`` converts to an array of exactly ``shape``; return that array."""
    array = to_array(value, call=call, name=name)
    if array.shape != tuple(shape):
        hint = ""
        if array.shape == tuple(shape)[::-1] and len(shape) == 2:
            hint = " (transposed?)"
        elif array.size == int(np.prod(shape)):
            hint = " (same number of entries: a missing keepdims=True or reshape?)"
        fail(f"{call}: {name} has shape {array.shape}, expected {tuple(shape)}{hint}")
    return array


def _mistake(array: np.ndarray, mistakes: Mapping[str, Any] | None, rtol: float, atol: float) -> str:
    for description, wrong in (mistakes or {}).items():
        wrong = np.asarray(wrong, dtype=np.float64)
        if wrong.shape == array.shape and np.allclose(array, wrong, rtol=rtol, atol=atol):
            return f"\nThis is exactly what {description} gives."
    return ""


def check_close(
    got: Any,
    expected: Any,
    *,
    call: str,
    name: str = "the result",
    rtol: float = 1e-5,
    atol: float = 1e-8,
    mistakes: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """Fail unless ``got`` has ``expected``'s shape and matches it within the tolerances.

    Args:
        got: what the student's code returned.
        expected: the oracle's value.
        call: the call, as :func:`call` describes it.
        name: what the value is ("dZ", "the cost").
        rtol, atol: as in ``numpy.allclose``.
        mistakes: description of a known mistake -> the value that mistake gives; named in the
            message when ``got`` matches one.

    Returns:
        ``got`` as a float64 array.
    """
    expected = np.asarray(expected, dtype=np.float64)
    array = check_shape(got, expected.shape, call=call, name=name)
    finite = np.isfinite(expected)
    if not np.isfinite(array[finite]).all():
        index = tuple(int(i) for i in np.argwhere(finite & ~np.isfinite(array))[0])
        fail(f"{call}: {name} is {array[index]} at index {index}, expected the finite "
             f"{expected[index]:.6g}{_mistake(array, mistakes, rtol, atol)}")
    if np.allclose(array, expected, rtol=rtol, atol=atol, equal_nan=True):
        return array
    error = np.abs(array - expected) - rtol * np.abs(expected)
    index = np.unravel_index(int(np.nanargmax(error)), error.shape) if error.ndim else ()
    where = f" at index {tuple(int(i) for i in index)}" if index else ""
    fail(f"{call}: {name} is wrong{where}: got {array[index]:.6g}, expected {expected[index]:.6g} "
         f"(max abs error {np.nanmax(np.abs(array - expected)):.3g}; rtol={rtol:g}, atol={atol:g})"
         f"{_mistake(array, mistakes, rtol, atol)}")


def check_scalar(
    got: Any,
    expected: float,
    *,
    call: str,
    name: str = "the result",
    rtol: float = 1e-5,
    atol: float = 1e-8,
    mistakes: Mapping[str, Any] | None = None,
    python_float: bool = True,
) -> float:
    """Like :func:`check_close` for one number; with ``python_float`` it must be a Python float.

    The course's costs are Python floats (``float(cost)``), not 0-d or (1, 1) arrays.
    """
    if python_float and not isinstance(got, float):
        fail(f"{call}: {name} should be a Python float, got {_describe(got)} "
             "(use float(...) on a NumPy or TensorFlow scalar)")
    return float(check_close(got, expected, call=call, name=name, rtol=rtol, atol=atol, mistakes=mistakes))
