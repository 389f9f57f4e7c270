"""The graded tests of c2w3_hyperparameter_search.grid_search, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant, rewrite
from tests.c2w3_hyperparameter_search.oracles import (OBJECTIVE, TASK, Recorder, check_trials, course_space, grid_axis,
                                                     log_lr_bowl)

FUNCTION = TASK + "grid_search"


def _call(space, points: int) -> str:
    return checks.call("grid_search", objective=OBJECTIVE, space=space, points_per_axis=points)


def _axis_values(trials, name: str) -> np.ndarray:
    return np.unique([params[name] for params, _ in trials])


@graded(FUNCTION, points=3)
def test_grid_search_spaces_each_axis_evenly_on_its_scale(impl):
    # One parameter at a time: the grid is then that parameter's axis. The expected axes come
    # from np.geomspace (log; 1 - geomspace of 1 - β for one_minus_log) and np.linspace (linear).
    for name, (low, high, scale), points in (("learning_rate", (1e-4, 1.0, "log"), 5),
                                             ("beta", (0.9, 0.999, "one_minus_log"), 3),
                                             ("keep_prob", (0.5, 1.0, "linear"), 6),
                                             ("lambd", (1e-3, 10.0, "log"), 4)):
        space = {name: (low, high, scale)}
        call = _call(space, points)
        trials = check_trials(impl.grid_search(Recorder(lambda p: 0.0), space, points), points, [name], call)
        got = np.sort([params[name] for params, _ in trials])
        expected = grid_axis(low, high, scale, points)
        advice = {"log": f" ({name} is on the log scale: evenly spaced exponents, e.g. np.logspace or "
                         "10**np.linspace(log10(low), log10(high), n))",
                  "one_minus_log": f" ({name} is on the one_minus_log scale: evenly spaced log10(1 - β), "
                                   "1 - 10**np.linspace(log10(1 - low), log10(1 - high), n))",
                  "linear": " (evenly spaced values from low to high, both ends included)"}[scale]
        checks.check_close(got, expected, call=call, name=f"the sorted {name} values of the grid{advice}",
                           rtol=1e-9, mistakes=checks.known_mistakes(
                               FUNCTION, Recorder(lambda p: 0.0), space, points,
                               pick=lambda out, name=name: np.sort([params[name] for params, _ in out])))


@graded(FUNCTION, points=2)
def test_grid_search_is_the_full_cartesian_product(impl):
    space = course_space()
    call = _call(space, 4)
    trials = check_trials(impl.grid_search(Recorder(lambda p: 0.0), space, 4), 4 ** 3, list(space), call)
    indices = []
    for name, (low, high, scale) in space.items():
        axis = grid_axis(low, high, scale, 4)
        values = np.array([params[name] for params, _ in trials])
        nearest = np.abs(values[:, None] - axis[None, :]).argmin(axis=1)
        if not np.allclose(values, axis[nearest], rtol=1e-9, atol=0):
            index = int(np.argmax(np.abs(values - axis[nearest])))
            checks.fail(f"{call}: trials[{index}] has {name}={values[index]:.10g}, which is not one of the "
                        f"{name} axis's 4 values {np.round(axis, 10).tolist()} (evenly spaced on its "
                        f"{scale!r} scale, both ends included)")
        indices.append(nearest)
    seen = set(zip(*(index.tolist() for index in indices)))
    if len(seen) != len(trials):
        checks.fail(f"{call}: only {len(seen)} of the {len(trials)} points are different: each combination of "
                    "the axes' values appears once (itertools.product of the axes)")


@graded(FUNCTION, points=1)
def test_grid_search_evaluates_each_point_once_with_its_score(impl):
    space = {"learning_rate": (1e-4, 1.0, "log"), "keep_prob": (0.5, 1.0, "linear")}
    objective = Recorder(lambda p: log_lr_bowl(p) + p["keep_prob"])
    call = _call(space, 3)
    trials = check_trials(impl.grid_search(objective, space, 3), 9, list(space), call)
    if len(objective.calls) != 9:
        checks.fail(f"{call} called the objective {len(objective.calls)} times, expected 9: once per point")
    scored = {tuple(sorted(params.items())): score for params, score in objective.calls}
    for index, (params, score) in enumerate(trials):
        key = tuple(sorted(params.items()))
        if key not in scored:
            checks.fail(f"{call}: trials[{index}] holds params {params} that the objective was never called with")
        if score != scored[key]:
            checks.fail(f"{call}: trials[{index}] holds the score {score!r} where the objective returned "
                        f"{scored[key]!r} for its params (a trial is (params, objective(params)))")


@mutant(FUNCTION, "axes without their high end (np.linspace with endpoint=False)")
def grid_without_end_point(ref):
    return rewrite(ref, "grid_search", "np.linspace(r_low, r_high, points_per_axis)",
                   "np.linspace(r_low, r_high, points_per_axis, endpoint=False)")


@mutant(FUNCTION, "every axis evenly spaced in the values themselves, whatever the scale")
def grid_linear_for_every_scale(ref):
    return rewrite(ref, "grid_search", "from_coordinate(np.linspace(r_low, r_high, points_per_axis), scale)",
                   "np.linspace(low, high, points_per_axis)")


@mutant(FUNCTION, "a β axis evenly spaced in log10(β) instead of log10(1 - β)")
def grid_beta_log_of_beta(ref):
    return rewrite(ref, "grid_search", "from_coordinate(np.linspace(r_low, r_high, points_per_axis), scale)",
                   "(np.geomspace(low, high, points_per_axis) if scale == 'one_minus_log' else "
                   "from_coordinate(np.linspace(r_low, r_high, points_per_axis), scale))")


@mutant(FUNCTION, "the axes zipped together (only the diagonal of the grid)")
def grid_zipped_axes(ref):
    return rewrite(ref, "grid_search", "itertools.product(*axes)", "zip(*axes)")
