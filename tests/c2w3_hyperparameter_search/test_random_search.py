"""The graded tests of c2w3_hyperparameter_search.random_search, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w3_hyperparameter_search.oracles import (FALSE_ALARM, OBJECTIVE, TASK, Recorder, check_inside_box,
                                                     check_trials, check_uniform_coordinate, coordinate,
                                                     coordinate_interval, course_space, log_lr_bowl, seeded, shares)

FUNCTION = TASK + "random_search"


def _call(space, n_trials: int, seed: int) -> str:
    return checks.call("random_search", objective=OBJECTIVE, space=space, n_trials=n_trials, rng=seeded(seed))


@graded(FUNCTION, points=2)
def test_random_search_calls_the_objective_once_per_trial(impl):
    space = course_space()
    objective = Recorder(lambda p: log_lr_bowl(p) + p["keep_prob"] - p["beta"])
    call = _call(space, 12, 0)
    trials = check_trials(impl.random_search(objective, space, 12, np.random.default_rng(0)), 12, list(space), call)
    if len(objective.calls) != 12:
        checks.fail(f"{call} called the objective {len(objective.calls)} times, expected 12: once per trial")
    for index, ((params, score), (asked, returned)) in enumerate(zip(trials, objective.calls)):
        if params != asked:
            checks.fail(f"{call}: trials[{index}] holds params {params}, but call {index} of the objective was "
                        f"given {asked}: keep each trial in the order it was run, with the params it was scored on")
        if score != returned:
            checks.fail(f"{call}: trials[{index}] holds the score {score!r} where the objective returned "
                        f"{returned!r} for its params (a trial is (params, objective(params)))")
    check_inside_box(trials, space, call)


@graded(FUNCTION, points=3)
def test_random_search_samples_each_parameter_on_its_scale(impl):
    # One KS check per parameter of its coordinate (log10 α, log10(1 - β), keep_prob itself)
    # against the uniform law on its interval, each at alpha = FALSE_ALARM / 3: a correct search
    # fails this test with probability <= 1e-6 (see oracles). With 400 trials the checks reject a
    # KS distance above about 0.14; α uniform on [1e-4, 1] is at 0.65, β uniform on [0.9, 0.999]
    # at 0.41, keep_prob log-uniform on [0.1, 1] at 0.24: each mistake fails for sure.
    space = course_space()
    call = _call(space, 400, 1)
    trials = check_trials(impl.random_search(Recorder(lambda p: 0.0), space, 400, np.random.default_rng(1)), 400,
                          list(space), call)
    check_inside_box(trials, space, call)
    what = {"log": "log10({name})", "one_minus_log": "log10(1 - {name})", "linear": "{name}"}

    def statistic(found):  # the shares of each parameter's coordinate in 4 equal bins, side by side
        return np.concatenate([shares(coordinate([params[name] for params, _ in found], scale),
                                      np.linspace(*coordinate_interval(low, high, scale), 5))
                               for name, (low, high, scale) in space.items()])

    def looks_like() -> str:  # a mistake's draws differ from the student's, their shares not
        mistakes = checks.known_mistakes(FUNCTION, Recorder(lambda p: 0.0), space, 400, np.random.default_rng(2))
        got = statistic(trials)
        return mistakes.named(lambda found: checks.same(statistic(found), got, rtol=0, atol=0.1))

    for name, (low, high, scale) in space.items():
        r = coordinate([params[name] for params, _ in trials], scale)
        check_uniform_coordinate(r, *coordinate_interval(low, high, scale), FALSE_ALARM / 3, call,
                                 what[scale].format(name=name),
                                 lambda: f" {name} is on the {scale!r} scale: draw r uniformly between the "
                                 "coordinates of low and high, then take the value at r." + looks_like())


@graded(FUNCTION, points=2)
def test_random_search_tries_more_values_of_the_parameter_that_matters_than_a_grid(impl):
    # The course's argument: a 5 x 5 grid over (α, ε) trains 25 models but tries only 5 values of α,
    # the one that matters; 25 random points try 25 different values of α.
    space = {"learning_rate": (1e-4, 1.0, "log"), "epsilon": (1e-8, 1e-6, "log")}
    call = _call(space, 25, 2)
    objective = Recorder(log_lr_bowl)
    trials = check_trials(impl.random_search(objective, space, 25, np.random.default_rng(2)), 25, list(space), call)
    tried = len({params["learning_rate"] for params, _ in trials})
    if tried < 25:
        checks.fail(f"{call} tried only {tried} different learning rates in 25 trials, which is no better than "
                    "the 5 of a 5 x 5 grid: draw new values for every trial")
    check_inside_box(trials, space, call)


@graded(FUNCTION, points=1)
def test_random_search_is_reproducible_from_its_rng(impl):
    space = course_space()
    call = _call(space, 6, 3)
    with observe() as seen:
        runs = [impl.random_search(Recorder(log_lr_bowl), space, 6, np.random.default_rng(seed))
                for seed in (3, 3, 4)]
    if seen.numpy_global_random:
        checks.fail(f"{call} drew from NumPy's global random state (np.random.uniform, np.random.rand...): "
                    "draw every value from the rng you are given")
    first, again, other = (check_trials(run, 6, list(space), call) for run in runs)
    if first != again:
        checks.fail(f"{call} twice gave different trials: draw every value from rng")
    if first == other:
        checks.fail(f"{call} and the same call with np.random.default_rng(4) gave the same trials: draw every "
                    "value from rng")


@mutant(FUNCTION, "every parameter drawn uniformly on [low, high], whatever its scale")
def random_search_ignores_the_scale(ref):
    return rewrite(ref, "random_search",
                   "r_low, r_high = sorted(to_coordinate([low, high], scale))\n"
                   "            params[name] = float(from_coordinate(rng.uniform(r_low, r_high), scale))",
                   "params[name] = float(rng.uniform(low, high))")


@mutant(FUNCTION, "β (one_minus_log) drawn uniformly on [low, high], only the log parameters on their scale")
def random_search_beta_linear(ref):
    def random_search(objective, space, n_trials, rng):
        trials = []
        for _ in range(n_trials):
            params = {}
            for name, (low, high, scale) in space.items():
                if scale == "log":
                    params[name] = float(10 ** rng.uniform(np.log10(low), np.log10(high)))
                else:
                    params[name] = float(rng.uniform(low, high))
            trials.append((params, float(objective(params))))
        return trials
    return random_search


@mutant(FUNCTION, "one set of params drawn once, before the loop, and evaluated n_trials times")
def random_search_draws_once(ref):
    def random_search(objective, space, n_trials, rng):
        params = ref.random_search(lambda p: 0.0, space, 1, rng)[0][0]
        return [(dict(params), float(objective(dict(params)))) for _ in range(n_trials)]
    return random_search


@mutant(FUNCTION, "draws from NumPy's global random state instead of rng")
def random_search_global_random(ref):
    search = ref.random_search

    def random_search(objective, space, n_trials, rng):
        return search(objective, space, n_trials, np.random.default_rng(np.random.randint(2**31)))
    return random_search


@mutant(FUNCTION, "trials written as (score, params) instead of (params, score)")
def random_search_score_first(ref):
    search = ref.random_search

    def random_search(objective, space, n_trials, rng):
        return [(score, params) for params, score in search(objective, space, n_trials, rng)]
    return random_search
