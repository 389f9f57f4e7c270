"""Comparisons for graded tests, with messages that restate the call and name the likely mistake.

Every check converts what the student's code returned into plain NumPy on the trusted side
(an object that only pretends to be equal to everything cannot pass), compares it with the
expected value from an oracle, and on failure says what was called, what was expected, what
came back and, where a known mistake gives exactly what came back, which mistake it looks like.

The known mistakes are the registered mutants (:func:`known_mistakes`): each is written once, as
a ``@mutant`` beside the tests, so the mistake the audit proves caught is the one named.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any, NoReturn

import numpy as np
import pytest

from grader import mutants, split_task

__all__ = ["KnownMistakes", "attempt", "call", "check_close", "check_equal", "check_scalar", "check_shape", "fail",
           "known_mistakes", "named_mistakes", "same", "to_array", "unpack"]

_named: list[str] = []  # the mistakes named since the running test began, for the report


def named_mistakes() -> list[str]:
    """The descriptions of the known mistakes named since the last call (the plugin calls it at
    each test's start and end, so that each test's record lists the mistakes its message names)."""
    found = list(dict.fromkeys(_named))
    _named.clear()
    return found


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


def _shape(value: Any) -> tuple[int, ...] | None:
    shape = getattr(value, "shape", None)
    return tuple(shape) if shape is not None and len(tuple(shape)) > 0 else None


def call(function: str, **arguments: Any) -> str:
    """Describe a call for a message: ``call("softmax", Z=Z)`` -> ``softmax(Z) with Z of shape (4, 3)``.

    Arrays are listed by name and shape, a dict of arrays by its keys and shapes
    (``parameters {W1 (4, 3), b1 (4, 1)}``), a tuple or list of arrays by its length, other
    arguments by value.
    """
    names, details = [], []
    for name, value in arguments.items():
        shape = _shape(value)
        if shape is not None:
            details.append(f"{name} of shape {shape}")
        elif isinstance(value, dict) and value and all(_shape(v) is not None for v in value.values()):
            details.append(f"{name} {{{', '.join(f'{key} {_shape(v)}' for key, v in value.items())}}}")
        elif isinstance(value, (tuple, list)) and value and all(_shape(v) is not None for v in value):
            details.append(f"{name} a {type(value).__name__} of {len(value)} arrays")
        else:
            names.append(f"{name}={value!r}")
            continue
        names.append(name)
    text = f"{function}({', '.join(names)})"
    return f"{text} with {', '.join(details)}" if details else text


def unpack(result: Any, names: tuple[str, ...] | list[str], *, call: str) -> tuple[Any, ...]:
    """The tuple the student's function returned, or a failure that says what it should return."""
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        got = f"a {type(result).__name__} of {len(result)}" if isinstance(result, (tuple, list)) else _describe(result)
        fail(f"{call} should return a tuple ({', '.join(names)}), got {got}")
    return tuple(result)


def attempt(run: Callable[[], Any], *, call: str, what: str, advice: str = "") -> Any:
    """``run()`` (framework code on what the student returned, say a Keras model's ``fit``); an
    exception becomes a failure that says what was tried, with ``advice``."""
    try:
        return run()
    except Exception as err:  # noqa: BLE001 - any error of the student's object is theirs
        fail(f"{call}: {what} raised {type(err).__name__}: {str(err)[:300]}" + (f"\n{advice}" if advice else ""))


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


def check_shape(value: Any, shape: tuple[int, ...], *, call: str, name: str = "the result",
                mistakes: KnownMistakes | None = None) -> np.ndarray:
    """Fail unless ``value`` converts to an array of exactly ``shape``; return that array.

    With ``mistakes``, a wrong shape that a known mistake gives (with the same values) is named.
    """
    array = to_array(value, call=call, name=name)
    if array.shape != tuple(shape):
        hint = ""
        if array.shape == tuple(shape)[::-1] and len(shape) == 2:
            hint = " (transposed?)"
        elif array.size == int(np.prod(shape)):
            hint = " (same number of entries: a missing keepdims=True or reshape?)"
        named = mistakes.equal_to(array) if mistakes is not None else ""
        fail(f"{call}: {name} has shape {array.shape}, expected {tuple(shape)}{'' if named else hint}{named}")
    return array


def same(a: Any, b: Any, *, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """Whether two results are equal: numbers and arrays within the tolerances (same shape, NaN
    equal to NaN), dicts with the same keys, lists and tuples item by item, anything else by ==."""
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(same(a[k], b[k], rtol=rtol, atol=atol) for k in a))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y, rtol=rtol, atol=atol) for x, y in zip(a, b))
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    try:
        x = np.asarray(a.numpy() if hasattr(a, "numpy") else a, dtype=np.float64)
        y = np.asarray(b.numpy() if hasattr(b, "numpy") else b, dtype=np.float64)
    except (TypeError, ValueError, AttributeError):
        return False
    return x.shape == y.shape and bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True))


def _fresh(value: Any) -> Any:
    """A copy of the arrays and random generators in ``value`` (nested in dicts, lists, tuples), so
    that every mutant starts from the same inputs and the same random stream; other objects as
    they are."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (np.random.Generator, np.random.RandomState)):
        return copy.deepcopy(value)
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return type(value)(_fresh(item) for item in value)
    return value


class KnownMistakes:
    """What each registered mutant of a task gives for one call, computed only when asked.

    Built by :func:`known_mistakes`; a check iterates it only once the student's value is wrong.
    """

    def __init__(self, task: str, run: Callable[[ModuleType], Any]) -> None:
        self.task, self.run = task, run

    def items(self) -> Iterator[tuple[str, Any]]:
        """``(description, value)`` for each mutant that runs on these inputs."""
        for description, module in mutants.mutant_modules(self.task):
            try:
                yield description, mutants.quietly(self.run, module)
            except Exception:  # noqa: BLE001 - a mutant that fails on these inputs names no mistake here
                continue

    def named(self, matches: Callable[[Any], bool]) -> str:
        """The sentence that names every known mistake whose value ``matches`` (a predicate, for a
        statistic or a structure), ``"\nThis is exactly what <description> gives."``; or ""."""
        found = []
        for description, value in self.items():
            try:
                if matches(value):
                    found.append(description)
            except Exception:  # noqa: BLE001 - a value of another form matches nothing
                continue
        if not found:
            return ""
        _named.extend(found)
        return "\nThis is exactly what " + ", and also what ".join(f"{d} gives" for d in found) + "."

    def equal_to(self, got: Any, *, rtol: float = 1e-5, atol: float = 1e-8) -> str:
        """The sentence naming the known mistakes whose value is :func:`same` as ``got``; or ""."""
        return self.named(lambda value: same(value, got, rtol=rtol, atol=atol))


def known_mistakes(task: str, *args: Any, pick: Callable[[Any], Any] | None = None,
                   run: Callable[[ModuleType], Any] | None = None, **kwargs: Any) -> KnownMistakes:
    """The values the registered mutants of ``task`` give, to name the one a student's value equals.

    Each mutant's function is called as ``function(*args, **kwargs)`` on copies of the arrays, and
    its result passed through ``pick`` (``pick=lambda out: out[0]`` for the first of a tuple; it
    may compute anything from the result, say the loss of a built model). Where the value needs
    other functions of the module (a backward pass needs its forward pass's cache), give
    ``run(module) -> value`` instead: it gets the reference module with the mutant patched in.

    ``check_close(got, expected, ..., mistakes=known_mistakes("c2w3_softmax.softmax", Z))``.
    """
    if run is None:
        name = split_task(task)[1]

        def run(module: ModuleType) -> Any:
            result = getattr(module, name)(*_fresh(args), **_fresh(kwargs))
            return result if pick is None else pick(result)
    elif args or kwargs or pick is not None:
        raise TypeError("known_mistakes takes either the call's arguments (and pick) or run, not both")
    return KnownMistakes(task, run)


def check_close(
    got: Any,
    expected: Any,
    *,
    call: str,
    name: str = "the result",
    rtol: float = 1e-5,
    atol: float = 1e-8,
    mistakes: KnownMistakes | None = None,
) -> np.ndarray:
    """Fail unless ``got`` has ``expected``'s shape and matches it within the tolerances.

    Args:
        got: what the student's code returned.
        expected: the oracle's value.
        call: the call, as :func:`call` describes it.
        name: what the value is ("dZ", "the cost").
        rtol, atol: as in ``numpy.allclose``.
        mistakes: the known mistakes for this call (:func:`known_mistakes`); those whose
            value ``got`` matches (its shape too, when that is wrong) are named in the message.

    Returns:
        ``got`` as a float64 array.
    """
    expected = np.asarray(expected, dtype=np.float64)
    array = check_shape(got, expected.shape, call=call, name=name, mistakes=mistakes)
    if np.allclose(array, expected, rtol=rtol, atol=atol, equal_nan=True):
        return array
    named = mistakes.equal_to(array, rtol=rtol, atol=atol) if mistakes is not None else ""
    finite = np.isfinite(expected)
    if not np.isfinite(array[finite]).all():
        index = tuple(int(i) for i in np.argwhere(finite & ~np.isfinite(array))[0])
        fail(f"{call}: {name} is {array[index]} at index {index}, expected the finite {expected[index]:.6g}{named}")
    error = np.abs(array - expected) - rtol * np.abs(expected)
    index = np.unravel_index(int(np.nanargmax(error)), error.shape) if error.ndim else ()
    where = f" at index {tuple(int(i) for i in index)}" if index else ""
    fail(f"{call}: {name} is wrong{where}: got {array[index]:.6g}, expected {expected[index]:.6g} "
         f"(max abs error {np.nanmax(np.abs(array - expected)):.3g}; rtol={rtol:g}, atol={atol:g}){named}")


def check_scalar(
    got: Any,
    expected: float,
    *,
    call: str,
    name: str = "the result",
    rtol: float = 1e-5,
    atol: float = 1e-8,
    mistakes: KnownMistakes | None = None,
    python_float: bool = True,
) -> float:
    """Like :func:`check_close` for one number; with ``python_float`` it must be a Python float.

    The course's costs are Python floats (``float(cost)``), not 0-d or (1, 1) arrays.
    """
    if python_float and not isinstance(got, float):
        named = mistakes.named(lambda value: type(value) is type(got) and same(value, got, rtol=rtol, atol=atol)
                               ) if mistakes is not None else ""
        fail(f"{call}: {name} should be a Python float, got {_describe(got)} "
             f"(use float(...) on a NumPy or TensorFlow scalar){named}")
    return float(check_close(got, expected, call=call, name=name, rtol=rtol, atol=atol, mistakes=mistakes))


def check_equal(got: Any, expected: Any, *, call: str, name: str = "the result",
                mistakes: KnownMistakes | None = None) -> Any:
    """Fail unless ``got`` equals ``expected`` exactly (a string, a label, a tuple of sizes): for
    results that are not numbers to compare within a tolerance. Returns ``got``."""
    if not same(got, expected, rtol=0.0, atol=0.0):
        named = mistakes.equal_to(got, rtol=0.0, atol=0.0) if mistakes is not None else ""
        fail(f"{call}: {name} is {got!r:.200}, expected {expected!r:.200}{named}")
    return got
