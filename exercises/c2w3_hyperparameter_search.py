# Exercise stub generated from solutions/c2w3_hyperparameter_search.py by `make stubs`.
# Replace each `raise NotImplementedError(...)` line with your code; keep the signatures.
"""Hyperparameter search: random rather than a grid, on the right scale, coarse to fine.

**Random, not a grid.** With two hyperparameters, a 5 x 5 grid trains 25 models but tries only 5
values of each. If one of them barely matters (Adam's ε, say) and the other matters a lot (the
learning rate α), the grid has spent 25 trainings on 5 values of α. Random points try 25
different values of α, and of every other hyperparameter too: nobody knows in advance which
hyperparameter matters most, and random search does not need to.

**The right scale.** Sampling "at random" does not mean uniformly over [low, high]. For a learning
rate between 0.0001 and 1, a uniform draw lands in [0.1, 1] 90 % of the time and spends only
10 % of the search on the four decades below. Sample the exponent instead::

    a = log10(low), b = log10(high)       # [1e-4, 1] gives [a, b] = [-4, 0]
    r ~ U[a, b]                           # uniformly, in the exponent
    alpha = 10**r                         # as many draws in [1e-4, 1e-3] as in [0.1, 1]

The momentum (or Adam's) β between 0.9 and 0.999 is the opposite case: what matters is 1 - β,
which runs from 0.1 down to 0.001 (β averages over about 1 / (1 - β) past values, 10 to 1000),
and the results are most sensitive as β approaches 1 (β = 0.999 to 0.9995 doubles the averaging
window; 0.9 to 0.9005 changes nothing). So sample 1 - β on the log scale::

    r ~ U[log10(1 - high), log10(1 - low)]   # [-3, -1] for [0.9, 0.999]
    beta = 1 - 10**r                         # as many draws in [0.9, 0.99] as in [0.99, 0.999]

Each scale is a *coordinate* r in which the search is uniform (:func:`to_coordinate` and
:func:`from_coordinate`, given below, are the table in code):

| scale           | coordinate r       | value          | for                          |
|-----------------|--------------------|----------------|------------------------------|
| `linear`        | r = v              | v = r          | keep_prob, number of layers  |
| `log`           | r = log10(v)       | v = 10**r      | learning rate α, L2 λ        |
| `one_minus_log` | r = log10(1 - v)   | v = 1 - 10**r  | momentum or Adam's β         |

**Coarse to fine.** After a first round of random trials over the whole range, the best trials
usually sit together in one region: zoom into the smallest box holding the ``top_k`` best, a
little wider (a margin on each side), and sample that box more densely in the next round.

Conventions of this module: a *search space* is a dict ``name -> (low, high, scale)`` with
``low <= high`` in the parameter's own units; a *trial* is ``(params, score)`` with ``params`` a
dict ``name -> value`` and ``score`` a float; a **lower score is better** (the objective is a
loss, e.g. the dev-set error). ``rng`` is a ``numpy.random.Generator`` (``None`` gives a fresh
``np.random.default_rng()``): the same generator state gives the same search, and NumPy's global
random state is never touched. The tuner of this repository (``tuner/space.py``) uses the same
scales and the same kind of zoom (it widens by the margin times the current box's width and clips
to the original bounds); ``tests/tuner/test_space_matches_exercise.py`` checks that the two agree
wherever their rules coincide.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

Space = dict[str, tuple[float, float, str]]
"""A search space: ``name -> (low, high, scale)``, ``scale`` one of ``"linear"``, ``"log"``,
``"one_minus_log"``."""
Trial = tuple[dict[str, float], float]
"""One evaluated point: ``(params, score)``; lower scores are better."""
Objective = Callable[[dict[str, float]], float]

_COORDINATES: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "linear": (lambda v: np.asarray(v, dtype=np.float64), lambda r: np.asarray(r, dtype=np.float64)),
    "log": (lambda v: np.log10(v), lambda r: 10.0 ** np.asarray(r, dtype=np.float64)),
    "one_minus_log": (lambda v: np.log10(1.0 - np.asarray(v, dtype=np.float64)),
                      lambda r: 1.0 - 10.0 ** np.asarray(r, dtype=np.float64)),
}


# ------------------------------------------------------------------------ given: the scales
def to_coordinate(value: Any, scale: str) -> np.ndarray:
    """The coordinate r in which ``scale`` is uniform (given; you do not write it).

    ``linear``: r = v; ``log``: r = log10(v); ``one_minus_log``: r = log10(1 - v). Note that
    ``one_minus_log`` reverses the order: the larger β, the smaller r.

    Args:
        value: a value or an array of values in the parameter's own units, any shape.
        scale: ``"linear"``, ``"log"`` or ``"one_minus_log"``.

    Returns:
        r, a float64 array of the same shape as ``value``.

    Raises:
        ValueError: an unknown scale.
    """
    return _COORDINATES[_check_scale(scale)][0](value)


def from_coordinate(r: Any, scale: str) -> np.ndarray:
    """The value at coordinate r, the inverse of :func:`to_coordinate` (given; you do not write it).

    ``linear``: v = r; ``log``: v = 10**r; ``one_minus_log``: v = 1 - 10**r.

    Args:
        r: a coordinate or an array of coordinates, any shape.
        scale: ``"linear"``, ``"log"`` or ``"one_minus_log"``.

    Returns:
        The values, a float64 array of the same shape as ``r``.

    Raises:
        ValueError: an unknown scale.
    """
    return _COORDINATES[_check_scale(scale)][1](r)


# ------------------------------------------------------------------------ input validation
def _check_scale(scale: Any) -> str:
    if scale not in _COORDINATES:
        raise ValueError(f"scale must be one of {', '.join(map(repr, _COORDINATES))}. Received: scale={scale!r}")
    return scale


def _check_bounds(low: Any, high: Any, scale: str, received: str) -> tuple[float, float]:
    """``(low, high)`` as floats, or a ValueError that says what the scale needs."""
    if not all(isinstance(b, numbers.Real) and not isinstance(b, bool) and math.isfinite(b) for b in (low, high)):
        raise ValueError(f"low and high must be finite numbers. Received: {received}")
    if low > high:
        raise ValueError(f"low must be <= high. Received: {received}")
    if scale == "log" and not low > 0:
        raise ValueError(f"the log scale needs 0 < low (r = log10(v)). Received: {received}")
    if scale == "one_minus_log" and not (0 <= low and high < 1):
        raise ValueError(f"the one_minus_log scale needs 0 <= low and high < 1 (β = 1 - 10**r). "
                         f"Received: {received}")
    return float(low), float(high)


def _check_space(space: Any) -> Space:
    """The space with float bounds, or a ValueError naming the entry that is wrong."""
    if not isinstance(space, Mapping) or not space:
        raise ValueError(f"space must be a non-empty dict name -> (low, high, scale). Received: space={space!r}")
    checked: Space = {}
    for name, entry in space.items():
        received = f"space[{name!r}]={entry!r}"
        if not (isinstance(entry, Sequence) and len(entry) == 3):
            raise ValueError(f"each entry of space must be (low, high, scale). Received: {received}")
        low, high, scale = entry
        if scale not in _COORDINATES:
            raise ValueError(f"scale must be one of {', '.join(map(repr, _COORDINATES))}. Received: {received}")
        checked[name] = (*_check_bounds(low, high, scale, received), scale)
    return checked


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}. Received: {name}={value!r}")
    return int(value)


def _check_trials(trials: Any, space: Space) -> list[Trial]:
    """The trials as a list, or a ValueError when one is not (params, score) with every name."""
    trials = list(trials)
    if not trials:
        raise ValueError("zoom needs at least one trial. Received: trials=[]")
    for index, trial in enumerate(trials):
        if not (isinstance(trial, Sequence) and len(trial) == 2 and isinstance(trial[0], Mapping)
                and set(space) <= set(trial[0])):
            raise ValueError(f"each trial must be (params, score) with params holding {sorted(space)}. "
                             f"Received: trials[{index}]={trial!r:.200}")
    return trials


def _generator(rng: Any) -> np.random.Generator:
    """``rng`` itself, or a fresh ``np.random.default_rng()`` for None."""
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator or None, e.g. np.random.default_rng(0). "
                         f"Received: rng={rng!r}")
    return rng


# ------------------------------------------------------------------------ graded functions
def sample_log_uniform(
    low: float, high: float, size: int | tuple[int, ...] | None = None, rng: np.random.Generator | None = None
) -> float | np.ndarray:
    """Values drawn uniformly on the log scale between ``low`` and ``high``.

    r ~ U[log10(low), log10(high)] and the value is 10**r, so every decade of the range gets the
    same share of the draws: for [1e-4, 1], a quarter each in [1e-4, 1e-3], ..., [0.1, 1].

    Args:
        low: the smallest value, > 0.
        high: the largest value, >= low.
        size: None for one value, else the shape of the array of draws (an int or a tuple).
        rng: the generator to draw from; None for a fresh ``np.random.default_rng()``.

    Returns:
        A float when ``size`` is None, else an array of shape ``size``; every value in
        [low, high].

    Raises:
        ValueError: low <= 0, low > high, or rng is not a Generator.

    Example:
        >>> lr = sample_log_uniform(1e-4, 1.0, size=1000, rng=np.random.default_rng(0))
        >>> np.histogram(np.log10(lr), bins=[-4, -3, -2, -1, 0])[0]   # about 250 per decade
        array([231, 242, 260, 267])
    """
    _check_bounds(low, high, "log", f"low={low!r}, high={high!r}")
    rng = _generator(rng)
    # Your code here: about 2 lines.
    raise NotImplementedError("c2w3_hyperparameter_search.sample_log_uniform")


def sample_momentum_beta(
    low: float = 0.9, high: float = 0.999, size: int | tuple[int, ...] | None = None,
    rng: np.random.Generator | None = None,
) -> float | np.ndarray:
    """Momentum (or Adam) β drawn uniformly on the log scale of 1 - β.

    r ~ U[log10(1 - high), log10(1 - low)] and β = 1 - 10**r. For the default range r runs over
    [-3, -1]: half the draws land in [0.9, 0.99] and half in [0.99, 0.999].

    Args:
        low: the smallest β, >= 0.
        high: the largest β, >= low and < 1.
        size: None for one value, else the shape of the array of draws (an int or a tuple).
        rng: the generator to draw from; None for a fresh ``np.random.default_rng()``.

    Returns:
        A float when ``size`` is None, else an array of shape ``size``; every value in
        [low, high].

    Raises:
        ValueError: low < 0, high >= 1, low > high, or rng is not a Generator.

    Example:
        >>> beta = sample_momentum_beta(size=1000, rng=np.random.default_rng(0))
        >>> int(np.sum(beta < 0.99)), int(np.sum(beta >= 0.99))   # about half each
        (527, 473)
    """
    _check_bounds(low, high, "one_minus_log", f"low={low!r}, high={high!r}")
    rng = _generator(rng)
    # Your code here: about 2 lines.
    raise NotImplementedError("c2w3_hyperparameter_search.sample_momentum_beta")


def random_search(
    objective: Objective, space: Mapping[str, tuple[float, float, str]], n_trials: int,
    rng: np.random.Generator | None,
) -> list[Trial]:
    """Evaluate ``objective`` at ``n_trials`` random points, each parameter on its own scale.

    For every trial and every parameter ``name -> (low, high, scale)``: draw its coordinate r
    uniformly between the coordinates of ``low`` and ``high`` and take the value at r (uniform for
    ``linear``, 10**r for ``log``, 1 - 10**r for ``one_minus_log``: exactly what
    :func:`sample_log_uniform` and :func:`sample_momentum_beta` draw). Then call
    ``objective(params)`` once and keep ``(params, score)``. All random numbers come from ``rng``.

    Args:
        objective: ``objective(params) -> float``, the loss of one setting (lower is better).
        space: ``name -> (low, high, scale)``.
        n_trials: the number of points, >= 0.
        rng: the generator to draw from; None for a fresh ``np.random.default_rng()``.

    Returns:
        A list of ``n_trials`` trials ``(params, score)`` in the order they were run: ``params``
        a dict with every name of ``space`` (floats in [low, high]), ``score`` the float that
        ``objective(params)`` returned.

    Raises:
        ValueError: a malformed space, n_trials < 0, or rng is not a Generator.
    """
    space = _check_space(space)
    _check_int("n_trials", n_trials, 0)
    rng = _generator(rng)
    # Your code here: about 8 lines.
    raise NotImplementedError("c2w3_hyperparameter_search.random_search")


def grid_search(
    objective: Objective, space: Mapping[str, tuple[float, float, str]], points_per_axis: int
) -> list[Trial]:
    """Evaluate ``objective`` at every point of a grid, each axis evenly spaced on its own scale.

    Each parameter gets ``points_per_axis`` values whose coordinates r are evenly spaced from the
    coordinate of ``low`` to that of ``high``, both ends included (for ``log`` on [1e-4, 1] with 5
    points: 1e-4, 1e-3, 1e-2, 0.1, 1). The grid is every combination of these values, the full
    Cartesian product: ``points_per_axis ** len(space)`` points, each evaluated once.

    Args:
        objective: ``objective(params) -> float``, the loss of one setting (lower is better).
        space: ``name -> (low, high, scale)``.
        points_per_axis: the number of values per parameter, >= 2.

    Returns:
        A list of ``points_per_axis ** len(space)`` trials ``(params, score)``: ``params`` a dict
        with every name of ``space``, ``score`` the float that ``objective(params)`` returned.

    Raises:
        ValueError: a malformed space or points_per_axis < 2.
    """
    space = _check_space(space)
    _check_int("points_per_axis", points_per_axis, 2)
    # Your code here: about 9 lines.
    raise NotImplementedError("c2w3_hyperparameter_search.grid_search")


def zoom(
    space: Mapping[str, tuple[float, float, str]], trials: Sequence[Trial], top_k: int, margin: float = 0.1
) -> Space:
    """The next round's box: the smallest box around the ``top_k`` best trials, a little wider.

    Take the ``top_k`` trials with the lowest scores (all of them when there are fewer). Then, for
    each parameter, in its scale's coordinate r:

    - [r_min, r_max] is the smallest interval holding the best trials' coordinates;
    - widen it on each side by ``margin * (r_max - r_min)``, or by ``margin`` times the width of
      the parameter's current interval when the best trials coincide (r_max == r_min);
    - clip it to the current interval, so that the new box lies inside the old one.

    The result is written back in the parameter's own units, low < high, with the same scale (for
    ``one_minus_log`` the smaller r is the larger β).

    Args:
        space: the current box, ``name -> (low, high, scale)``.
        trials: the trials ``(params, score)`` to zoom around, inside ``space``.
        top_k: how many of the best trials the new box must hold, >= 1.
        margin: the fraction added on each side, >= 0.

    Returns:
        A new space ``name -> (low, high, scale)`` with the same names and scales.

    Raises:
        ValueError: a malformed space, no trials, a trial without some parameter, top_k < 1 or
            margin < 0.

    Example:
        >>> trials = [({"learning_rate": 1e-3}, 0.2), ({"learning_rate": 1e-2}, 0.1),
        ...           ({"learning_rate": 0.5}, 0.9)]
        >>> zoom({"learning_rate": (1e-4, 1.0, "log")}, trials, top_k=2)   # 10**-3.1, 10**-1.9
        {'learning_rate': (0.0007943282347242813, 0.012589254117941675, 'log')}
    """
    space = _check_space(space)
    trials = _check_trials(trials, space)
    _check_int("top_k", top_k, 1)
    if not (isinstance(margin, numbers.Real) and margin >= 0):
        raise ValueError(f"margin must be a number >= 0. Received: margin={margin!r}")
    # Your code here: about 11 lines.
    raise NotImplementedError("c2w3_hyperparameter_search.zoom")


def coarse_to_fine(
    objective: Objective, space: Mapping[str, tuple[float, float, str]], rounds: int, trials_per_round: int,
    top_k: int, rng: np.random.Generator | None,
) -> tuple[dict[str, float], float, list[Trial], list[Space]]:
    """Random search in rounds, zooming into the region of the best trials after each round.

    Round 0 runs :func:`random_search` with ``trials_per_round`` trials over ``space``. Before
    each later round the box becomes ``zoom(box, all trials so far, top_k)`` (the default
    margin), so it always holds the ``top_k`` best trials found so far and lies inside the box
    before it; the round then runs ``trials_per_round`` random trials in that box. All random
    numbers come from ``rng``, round after round.

    Args:
        objective: ``objective(params) -> float``, the loss of one setting (lower is better).
        space: the first round's box, ``name -> (low, high, scale)``.
        rounds: the number of rounds, >= 1.
        trials_per_round: the trials of each round, >= 1.
        top_k: how many of the best trials each new box must hold, >= 1.
        rng: the generator to draw from; None for a fresh ``np.random.default_rng()``.

    Returns:
        ``(best_params, best_score, trials, spaces)``: the trial with the lowest score over all
        rounds (its params dict and its score, a float); every trial, ``rounds *
        trials_per_round`` of them in the order they were run (round 0's first); and
        ``spaces``, a list of ``rounds`` boxes, ``spaces[r]`` the box of round r
        (``spaces[0]`` is ``space``).

    Raises:
        ValueError: a malformed space, or rounds, trials_per_round or top_k < 1.
    """
    space = _check_space(space)
    for name, value in (("rounds", rounds), ("trials_per_round", trials_per_round), ("top_k", top_k)):
        _check_int(name, value, 1)
    rng = _generator(rng)
    # Your code here: about 9 lines.
    raise NotImplementedError("c2w3_hyperparameter_search.coarse_to_fine")
