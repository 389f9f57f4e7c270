"""The graded tests of c2w3_hyperparameter_search.coarse_to_fine, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w3_hyperparameter_search.oracles import (OBJECTIVE, TASK, Recorder, box_array, check_inside_box,
                                                     check_trials, coordinate_interval, course_space, expected_zoom,
                                                     inside, log_lr_bowl, seeded)

FUNCTION = TASK + "coarse_to_fine"


def _call(space, rounds: int, per_round: int, top_k: int, seed: int) -> str:
    return checks.call("coarse_to_fine", objective=OBJECTIVE, space=space, rounds=rounds, trials_per_round=per_round,
                       top_k=top_k, rng=seeded(seed))


def _run(impl, objective, space, rounds: int, per_round: int, top_k: int, seed: int):
    """Call coarse_to_fine and check the form of its result: (best_params, best_score, trials, spaces)."""
    call = _call(space, rounds, per_round, top_k, seed)
    result = impl.coarse_to_fine(objective, space, rounds, per_round, top_k, np.random.default_rng(seed))
    best_params, best_score, trials, spaces = checks.unpack(result, ("best_params", "best_score", "trials", "spaces"),
                                                            call=call)
    trials = check_trials(trials, rounds * per_round, list(space), call + ": trials")
    if not isinstance(spaces, list) or len(spaces) != rounds:
        checks.fail(f"{call}: spaces should be a list of {rounds} boxes, one per round, got "
                    f"{len(spaces) if isinstance(spaces, list) else type(spaces).__name__}"
                    + (" entries (spaces[r] is the box of round r, spaces[0] the space given: no box after the "
                       "last round)" if isinstance(spaces, list) else ""))
    scales = {name: entry[2] for name, entry in space.items()}
    boxes = [box_array(box, list(space), scales, call, f"spaces[{r}]") for r, box in enumerate(spaces)]
    if not isinstance(best_params, dict) or set(best_params) != set(space):
        checks.fail(f"{call}: best_params should be a dict of the names {sorted(space)}, got {best_params!r:.120}")
    if not isinstance(best_score, float):
        checks.fail(f"{call}: best_score should be a Python float, got {best_score!r:.80}")
    return call, best_params, best_score, trials, boxes


def _as_space(box: np.ndarray, space) -> dict:
    return {name: (float(low), float(high), space[name][2]) for name, (low, high) in zip(space, box)}


@graded(FUNCTION, points=2)
def test_coarse_to_fine_returns_every_trial_and_the_best_of_them(impl):
    space = course_space()
    objective = Recorder(lambda p: log_lr_bowl(p) + (p["keep_prob"] - 0.8) ** 2)
    call, best_params, best_score, trials, boxes = _run(impl, objective, space, 3, 8, 3, 0)
    if len(objective.calls) != 24:
        checks.fail(f"{call} called the objective {len(objective.calls)} times, expected 3 x 8 = 24")
    if [score for _, score in trials] != [score for _, score in objective.calls]:
        checks.fail(f"{call}: the scores in trials are not those the objective returned, in the order it was "
                    "called (keep every trial of every round, round 0 first)")
    checks.check_close(boxes[0], [space[name][:2] for name in space], call=call,
                       name="spaces[0] (the first round searches the space given)")
    lowest = min(range(len(trials)), key=lambda i: trials[i][1])
    checks.check_scalar(best_score, trials[lowest][1], call=call,
                        name="best_score (the lowest score of all the trials: the objective is a loss)",
                        rtol=0, atol=0, mistakes=checks.known_mistakes(FUNCTION, run=lambda module: module.coarse_to_fine(
                            Recorder(objective.loss), space, 3, 8, 3, np.random.default_rng(0))[1]))
    if best_params != trials[lowest][0]:
        checks.fail(f"{call}: best_params is {best_params}, expected {trials[lowest][0]}, the params of the trial "
                    f"with the lowest score ({best_score:.6g})")


@graded(FUNCTION, points=3)
def test_coarse_to_fine_zooms_around_the_best_trials_so_far(impl):
    space = course_space()

    def loss(p):
        return log_lr_bowl(p) + p["beta"]

    def box_of_round(module, r):  # a fresh rng for each known mistake: a Generator is used up by a call
        spaces = module.coarse_to_fine(Recorder(loss), space, 4, 6, 2, np.random.default_rng(1))[3]
        return [spaces[r][name][:2] for name in space]

    call, _, _, trials, boxes = _run(impl, Recorder(loss), space, 4, 6, 2, 1)
    for r in range(4):
        box = _as_space(boxes[r], space)
        check_inside_box(trials[6 * r: 6 * (r + 1)], box, call, f"spaces[{r}], the box of its round {r},")
        if r == 3:
            break
        expected = expected_zoom(box, trials[: 6 * (r + 1)], 2)
        checks.check_close(boxes[r + 1], [expected[name][:2] for name in space], call=call, rtol=1e-9,
                           name=f"spaces[{r + 1}] (zoom(spaces[{r}], the {6 * (r + 1)} trials of rounds 0..{r}, "
                                "top_k=2), default margin)",
                           mistakes=checks.known_mistakes(FUNCTION, run=lambda module, r=r: box_of_round(module, r + 1)))


@graded(FUNCTION, points=2)
def test_coarse_to_fine_boxes_shrink_and_keep_the_best(impl):
    # A noisy objective: the trials of round 0 score 10 lower than they should (the first 12 calls
    # of each run of 48), so the best trial of all is in round 0 and the later rounds cannot beat it.
    space = course_space()
    counter = iter(range(10**6))
    objective = Recorder(lambda p: log_lr_bowl(p) - (10.0 if next(counter) % 48 < 12 else 0.0))
    call, best_params, best_score, trials, boxes = _run(impl, objective, space, 4, 12, 3, 2)
    lowest = min(range(len(trials)), key=lambda i: trials[i][1])
    if best_score != trials[lowest][1] or lowest >= 12:
        checks.fail(f"{call}: best_score is {best_score:.6g}, but trials[{lowest}] of round {lowest // 12} scored "
                    f"{trials[lowest][1]:.6g}: the best is the lowest score over all rounds, not just the last")
    widths = []
    for r, box in enumerate(boxes):
        for (low, high), name in zip(box, space):
            if not (inside(best_params[name], low, high)):
                checks.fail(f"{call}: spaces[{r}] gives {name} the interval [{low:.6g}, {high:.6g}], which lost the "
                            f"best trial's {name}={best_params[name]:.6g} (zoom around the top_k best of all the "
                            "trials so far)")
            if r and not (inside(low, *boxes[r - 1][list(space).index(name)])
                          and inside(high, *boxes[r - 1][list(space).index(name)])):
                checks.fail(f"{call}: spaces[{r}] gives {name} [{low:.6g}, {high:.6g}], outside spaces[{r - 1}]'s "
                            f"[{boxes[r - 1][list(space).index(name)][0]:.6g}, "
                            f"{boxes[r - 1][list(space).index(name)][1]:.6g}]: each box lies inside the one before")
        low, high = coordinate_interval(*box[0], "log")
        widths.append(high - low)
    # Every box after round 0 is zoomed around the 3 best of round 0's 12 trials (they stay the
    # best). For it to be as wide as the first, one of those 3 must reach (margin included) the end
    # 0 of [-4, 0] in log10(α), 2 decades or more from the optimum -2.5: then at most 2 of the other
    # 11 trials lie in the 3.5 decades [-4, -0.5] within 2 decades of it, with probability
    # sum_{k<=2} C(11, k) 0.875^k 0.125^(11-k) = 3.2e-7 < 1e-6 for a correct search.
    if not widths[-1] < widths[0]:
        checks.fail(f"{call}: the learning rate's box spans {widths[0]:.3g} decades in round 0 and still "
                    f"{widths[-1]:.3g} in round 3: zoom into the region of the best trials between rounds")


@graded(FUNCTION, points=2)
def test_coarse_to_fine_beats_one_round_of_the_same_budget(impl):
    # 40 seeds; per seed, d = log10(best score of coarse_to_fine with 4 rounds of 15, top_k 5)
    # - log10(best score of 60 random log-uniform learning rates, drawn here). The loss is
    # (log10 α + 2.5)². Over 20,000 simulated seeds of the reference d had mean -2.32 and standard
    # deviation 1.95 (min -12.5, max 9.4); any correct implementation has this same law, whatever
    # its random stream. The mean of 40 seeds is then -2.32 ± 0.31: a correct search fails
    # (mean >= 0) at 7.5 standard deviations, about 1e-13 by the normal approximation (the largest
    # of 666 simulated means of 30 seeds was -0.97).
    space = {"learning_rate": (1e-4, 1.0, "log"), "keep_prob": (0.5, 1.0, "linear")}
    differences = []
    for seed in range(40):
        _, _, best, _, _ = _run(impl, Recorder(log_lr_bowl), space, 4, 15, 5, 100 + seed)
        r = np.random.default_rng(10_000 + seed).uniform(-4.0, 0.0, 60)
        differences.append(np.log10(max(best, 1e-300)) - np.log10(np.min((r + 2.5) ** 2)))
    if not np.mean(differences) < 0:
        call = _call(space, 4, 15, 5, 100) + " and 39 more seeds"
        checks.fail(f"{call}: on average over the 40 seeds the best score is {10 ** np.mean(differences):.3g} "
                    "times that of a single round of 60 random trials: the later rounds should sample the "
                    "region of the best trials more densely")


@graded(FUNCTION, points=1)
def test_coarse_to_fine_is_reproducible_from_its_rng(impl):
    space = course_space()
    with observe() as seen:
        runs = [_run(impl, Recorder(log_lr_bowl), space, 2, 5, 2, seed) for seed in (3, 3, 4)]
    call = runs[0][0]
    if seen.numpy_global_random:
        checks.fail(f"{call} drew from NumPy's global random state: draw every value from the rng you are given")
    if runs[0][3] != runs[1][3]:
        checks.fail(f"{call} twice gave different trials: draw every round's values from the same rng, in turn")
    if runs[0][3] == runs[2][3]:
        checks.fail(f"{call} and the same call with np.random.default_rng(4) gave the same trials: draw every "
                    "round's values from rng")


@mutant(FUNCTION, "every round searching the first box (no zoom)")
def coarse_to_fine_without_zoom(ref):
    return rewrite(ref, "coarse_to_fine", "box = zoom(box, trials, top_k)", "box = space")


@mutant(FUNCTION, "the best trial of the last round instead of the best of all rounds")
def coarse_to_fine_last_round_best(ref):
    return rewrite(ref, "coarse_to_fine", "min(trials, key=lambda trial: trial[1])",
                   "min(trials[-trials_per_round:], key=lambda trial: trial[1])")


@mutant(FUNCTION, "the highest score as the best (as for an accuracy; here the objective is a loss)")
def coarse_to_fine_highest_score(ref):
    return rewrite(ref, "coarse_to_fine", "min(trials, key=lambda trial: trial[1])",
                   "max(trials, key=lambda trial: trial[1])")


@mutant(FUNCTION, "zooming around the best trials of the last round only")
def coarse_to_fine_zoom_on_last_round(ref):
    return rewrite(ref, "coarse_to_fine", "box = zoom(box, trials, top_k)",
                   "box = zoom(box, trials[-trials_per_round:], top_k)")


@mutant(FUNCTION, "a fresh np.random.default_rng() each round instead of the rng given")
def coarse_to_fine_fresh_rng(ref):
    return rewrite(ref, "coarse_to_fine", "random_search(objective, box, trials_per_round, rng)",
                   "random_search(objective, box, trials_per_round, np.random.default_rng())")
