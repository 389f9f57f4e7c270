"""The coarse-to-fine oracle: random search on the right scale, zooming in round after round.

A keras-tuner `Oracle`, so trial storage, resume, `get_best_hyperparameters` and the chief/worker
mode all work as with keras-tuner's own oracles.

Round 1 samples every parameter uniformly in its own scale (see `tuner.space`) over its whole
range. When a round's trials have all ended, the box shrinks around the `top_k` best trials so far
(with a `margin`, clipped to the original bounds) and the next round samples inside it. While a
round still has trials running elsewhere (distributed mode), a worker asking for a trial of the
next round is told to wait (`IDLE`), so rounds stay exact with any number of workers.

With `prune`, a trial whose objective so far is behind the median of its round's full-length
trials at the same epoch stops there (the median stopping rule): each epoch, the tuner sends the
objective under the metric name `CURVE` (`update_trial(trial_id, {CURVE: value}, step=epoch)`),
and the trial it gets back has the status `STOPPED` when training should stop. A stopped trial
keeps the best score it reached. Never at the first epoch, and only once `PRUNE_MIN_PEERS` trials
of the round have run to their end.

With `proposal="surrogate"`, each trial is still drawn inside the round's box, but as the best of
`SURROGATE_CANDIDATES` candidates (half drawn uniformly in the box, half around the best trial so
far, `SURROGATE_STEP` x the box's width apart on each coordinate) by a radial-basis-function
surrogate of the objective fitted to every trial so far (cubic kernel with a linear tail; scores
worse than the median count as the median), traded against the distance to the trials already
run, with the weights of `SURROGATE_WEIGHTS` in turn (the stochastic RBF method of Regis and
Shoemaker, 2007). Each parameter counts on its own coordinate r normalised to its range, a choice
as one 0/1 coordinate per allowed value. The zoom is unchanged. With too few completed trials for
a surrogate (the coordinates + 2), the draw is uniform.

Hyperparameters that `build(hp)` declares itself (`hp.Float("lr", 1e-4, 1e-1, sampling="log")`)
are tuned too: `log` becomes the log scale, `reverse_log` with bounds in (0, 1) the β scale
`one_minus_log`, and so on; those the oracle cannot place on a scale (a `step`, a `Fixed`) are
drawn with keras-tuner's own sampling and not zoomed.

References:
    Andrew Ng, Improving Deep Neural Networks, week 3: "Using an appropriate scale to pick
    hyperparameters" and "coarse to fine" search.
    Rommel Regis and Christine Shoemaker, "A Stochastic Radial Basis Function Method for the Global
    Optimization of Expensive Functions", INFORMS Journal on Computing 19(4), 2007.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import keras_tuner
import numpy as np
from keras_tuner.engine.trial import Trial, TrialStatus

from tuner.config import PROPOSALS
from tuner.space import CHOICE, Box, Param, box_from_json, box_to_json, zoom

ENDED = (TrialStatus.COMPLETED, TrialStatus.FAILED)
CURVE = "tuner/curve"  # the metric a trial's objective is sent under, epoch by epoch, for pruning
PRUNE_MIN_PEERS = 3  # full-length trials of the round needed before any of its trials is stopped
# The surrogate proposal's constants (Regis and Shoemaker's weights and step), checked on the synthetic
# suite's tuning seeds (101-250) only, never on the seeds benchmarks/tuner_search_quality.py reports:
# 64 to 400 candidates and steps of 0.1-0.2 gave Hartmann-6 regrets within 10 % of each other (64: the
# cheapest); the rounds, top_k and margin to use them with come from its `--suite grid`.
SURROGATE_CANDIDATES = 64
SURROGATE_STEP = 0.2
SURROGATE_WEIGHTS = (0.3, 0.5, 0.8, 0.95)  # of the surrogate's value against the distance, trial after trial


def param_from_keras(hp: Any) -> Param | None:
    """The scale of a hyperparameter that `build(hp)` declared, or None if it has none.

    `Float`/`Int` with linear, log or (inside (0, 1)) reverse_log sampling and no step other than
    an `Int`'s 1, `Choice` and `Boolean` map onto `Param`; anything else (a `Fixed`, a step) does not.
    """
    kind = type(hp).__name__
    if kind == "Choice":
        return Param(hp.name, CHOICE, choices=tuple(hp.values))
    if kind == "Boolean":
        return Param(hp.name, CHOICE, choices=(False, True))
    if kind not in ("Float", "Int") or not (hp.step is None or (kind == "Int" and hp.step == 1)):
        return None
    sampling = hp.sampling or "linear"
    if sampling == "reverse_log":
        if not 0 < hp.min_value < hp.max_value < 1 or kind == "Int":
            return None
        scale = "one_minus_log"
    else:
        scale = {("Float", "linear"): "linear", ("Float", "log"): "log",
                 ("Int", "linear"): "int", ("Int", "log"): "int_log"}[(kind, sampling)]
    if hp.min_value >= hp.max_value:
        return None
    return Param(hp.name, scale, hp.min_value, hp.max_value)


class CoarseToFineOracle(keras_tuner.Oracle):
    """Coarse-to-fine random search: `rounds` rounds of `trials_per_round` trials.

    Each round samples uniformly inside the current box, each parameter in its own scale. After
    a round, the box becomes the smallest box holding the `top_k` best completed trials so far,
    widened by `margin` times the round's width on each side and clipped to the full range;
    choices keep the values seen among those trials. Failed trials never count as best. With
    `rounds=1` this is plain random search on the right scales.

    The round, the boxes and the random generator are part of `get_state`, so a resumed or
    distributed sweep continues the very same rounds with the very same draws.

    Args:
        objective: as for any keras-tuner oracle (`"val_accuracy"`, a `keras_tuner.Objective`).
        space: `tuner.space.Param`s to tune; they are declared in `hyperparameters` so that
            `build(hp)` can read them with `hp.get(name)`.
        rounds: number of rounds, >= 1.
        trials_per_round: trials in each round, >= 1; `max_trials` is `rounds * trials_per_round`.
        top_k: how many of the best trials the next box must hold, >= 1.
        margin: fraction of the current width added on each side of the new box, >= 0.
        prune: stop a trial whose objective so far is behind its round's median at the same epoch.
        proposal: "uniform" (the course's rule) or "surrogate" (the best of many candidates in
            the box by a surrogate of the objective fitted to the trials so far; see the module's
            docstring).
        seed: seed of the oracle's random generator (0 is a seed, not "random").
        hyperparameters, allow_new_entries, tune_new_entries, max_retries_per_trial,
        max_consecutive_failed_trials: as in `keras_tuner.Oracle`.

    Raises:
        ValueError: a setting out of range, e.g. `top_k must be >= 1. Received: top_k=0`.
    """

    def __init__(
        self,
        objective: Any = None,
        space: Sequence[Param] = (),
        rounds: int = 3,
        trials_per_round: int = 6,
        top_k: int = 3,
        margin: float = 0.15,
        prune: bool = False,
        proposal: str = "uniform",
        seed: int | None = None,
        hyperparameters: keras_tuner.HyperParameters | None = None,
        allow_new_entries: bool = True,
        tune_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
    ) -> None:
        for label, value, least in (("rounds", rounds, 1), ("trials_per_round", trials_per_round, 1),
                                    ("top_k", top_k, 1)):
            if not isinstance(value, int) or value < least:
                raise ValueError(f"{label} must be an integer >= {least}. Received: {label}={value!r}")
        if not margin >= 0:
            raise ValueError(f"margin must be >= 0. Received: margin={margin!r}")
        if proposal not in PROPOSALS:
            raise ValueError(f"proposal must be one of {', '.join(PROPOSALS)}. Received: proposal={proposal!r}")
        hp = hyperparameters.copy() if hyperparameters else keras_tuner.HyperParameters()
        for param in space:
            param.register(hp)
        super().__init__(
            objective=objective, max_trials=rounds * trials_per_round, hyperparameters=hp,
            allow_new_entries=allow_new_entries, tune_new_entries=tune_new_entries, seed=seed,
            max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials)
        if seed is not None:  # keras-tuner reads `seed or random.randint(...)`: keep a 0
            self.seed = self._seed_state = seed
        self.space = {p.name: p for p in space}
        self.rounds = rounds
        self.trials_per_round = trials_per_round
        self.top_k = top_k
        self.margin = float(margin)
        self.prune = bool(prune)
        self.proposal = proposal
        self._curves: dict[str, dict[int, float]] = {}  # trial id -> {epoch: objective}
        self._pruned: dict[str, int] = {}  # trial id -> the epoch (from 0) it was stopped after
        self._rng = np.random.default_rng(self.seed)
        self._round = 0
        self._boxes: list[Box] = [{}]  # one per round started; a missing name means its full range
        self._trial_round: dict[str, int] = {}

    # ----------------------------------------------------------------- what callers read
    @property
    def current_round(self) -> int:
        """The round trials are drawn from now, counting from 0."""
        return self._round

    def round_of(self, trial_id: str) -> int | None:
        """The round a trial was drawn in (None for a trial this oracle did not draw)."""
        return self._trial_round.get(trial_id)

    def params(self) -> list[Param]:
        """Every parameter the oracle places on a scale: the given space, then those `build` declared."""
        params = dict(self.space)
        for hp in self.hyperparameters.space:
            if hp.name not in params:
                derived = param_from_keras(hp)
                if derived is not None:
                    params[hp.name] = derived
        return list(params.values())

    def pruned_at(self, trial_id: str) -> int | None:
        """The epoch (from 0) after which a trial was stopped by pruning, or None."""
        return self._pruned.get(trial_id)

    def planned_trials(self) -> int:
        """Trials the sweep will have run at its end: the rounds before this one as they ran,
        then `trials_per_round` in each round left (this one included)."""
        before = sum(1 for r in self._trial_round.values() if r < self._round)
        return before + (self.rounds - self._round) * self.trials_per_round

    def extend(self, rounds: int, trials_per_round: int) -> None:
        """More rounds, or more trials in this round and the next: the trials so far stay.

        Raises:
            ValueError: fewer than now, e.g. `rounds can only grow. Received: rounds=2 (now 3)`.
        """
        for label, value, now in (("rounds", rounds, self.rounds), ("trials_per_round", trials_per_round,
                                                                     self.trials_per_round)):
            if value < now:
                raise ValueError(f"{label} can only grow. Received: {label}={value} (now {now})")
        self.rounds, self.trials_per_round = rounds, trials_per_round
        self.max_trials = rounds * trials_per_round

    def box(self, round_index: int | None = None) -> Box:
        """The box of a round (default: the current one), every parameter filled in."""
        stored = self._boxes[self._round if round_index is None else round_index]
        return {p.name: stored.get(p.name, p.full_box) for p in self.params()}

    def box_values(self, round_index: int | None = None) -> dict[str, tuple[Any, ...]]:
        """`box` in the parameters' own units: (low, high) or the allowed choices."""
        params = {p.name: p for p in self.params()}
        return {name: params[name].box_values(bounds) for name, bounds in self.box(round_index).items()}

    # ----------------------------------------------------------------- keras-tuner hooks
    def populate_space(self, trial_id: str) -> dict[str, Any]:
        """Values for the next trial of the current round; IDLE while the round is unfinished elsewhere.

        Returns:
            `{"status": "RUNNING", "values": {...}}`, `{"status": "IDLE"}` (ask again later) or
            `{"status": "STOPPED"}` (every round is done, or the box holds nothing new).
        """
        while True:
            members = [t for t, r in self._trial_round.items() if r == self._round]
            if len(members) < self.trials_per_round:
                values = self._draw_values()
                if values is None:
                    return {"status": TrialStatus.STOPPED, "values": None}
                self._trial_round[trial_id] = self._round
                return {"status": TrialStatus.RUNNING, "values": values}
            if any(self.trials[t].status not in ENDED for t in members) or self._retry_queue:
                return {"status": TrialStatus.IDLE, "values": None}
            if self._round + 1 >= self.rounds:
                return {"status": TrialStatus.STOPPED, "values": None}
            self._boxes.append(zoom(self.params(), self.box(), self._best_values(), self.margin))
            self._round += 1

    @keras_tuner.synchronized
    def update_trial(self, trial_id: str, metrics: Mapping[str, float], step: int = 0) -> Any:
        """keras-tuner's, and the objective's curve for pruning (the metric `CURVE` alone): the
        trial answered then has the status `STOPPED` when it should stop training."""
        if set(metrics) != {CURVE}:
            return super().update_trial(trial_id, metrics, step=step)
        step = int(step)
        self._curves.setdefault(trial_id, {})[step] = float(metrics[CURVE])
        trial = self.trials[trial_id]
        if not self.prune or trial_id in self._pruned or step < 1:
            return trial
        round_index = self._trial_round.get(trial_id)
        peers = [self._best_so_far(t, step) for t, r in self._trial_round.items()
                 if r == round_index and t != trial_id and t not in self._pruned
                 and self.trials[t].status == TrialStatus.COMPLETED and step in self._curves.get(t, {})]
        if len(peers) < PRUNE_MIN_PEERS:
            return trial
        median, mine = statistics.median(peers), self._best_so_far(trial_id, step)
        if not (mine < median if self.objective.direction == "max" else mine > median):
            return trial
        self._pruned[trial_id] = step
        return Trial(trial.hyperparameters.copy(), trial_id=trial_id,
                     status=TrialStatus.STOPPED)

    def _best_so_far(self, trial_id: str, step: int) -> float:
        values = [v for s, v in self._curves[trial_id].items() if s <= step]
        return max(values) if self.objective.direction == "max" else min(values)

    def _best_values(self) -> list[dict[str, Any]]:
        best = best_first(self.trials.values(), self.objective.direction)[:self.top_k]
        return [t.hyperparameters.values for t in best]

    def _draw_values(self) -> dict[str, Any] | None:
        """The next trial's values inside the current box: uniform, or the best of
        `SURROGATE_CANDIDATES` candidates by the surrogate; None when the box is spent."""
        box, params = self.box(), self.params()
        placed = {p.name: p for p in params}
        if self.proposal == "uniform":
            return self._draw_uniform(box, placed)
        done = best_first(self.trials.values(), self.objective.direction)
        X = _coordinates([t.hyperparameters.values for t in done], params)
        if len(done) < X.shape[1] + 2:  # too few trials for a surrogate of these coordinates
            return self._draw_uniform(box, placed)
        best = done[0].hyperparameters.values
        candidates = [self._sample(box, placed) for _ in range(SURROGATE_CANDIDATES)]
        for values in candidates[: SURROGATE_CANDIDATES // 2]:  # around the best trial
            for param in params:
                if not param.is_choice and param.name in values and param.name in best:
                    low, high = box[param.name]
                    r = param.to_coordinate(best[param.name]) + SURROGATE_STEP * (high - low) * self._rng.normal()
                    values[param.name] = param.from_coordinate(min(max(r, low), high))
        scores = [t.score if self.objective.direction == "min" else -t.score for t in done]
        weight = SURROGATE_WEIGHTS[len(done) % len(SURROGATE_WEIGHTS)]
        ranked = _surrogate_ranking(_coordinates(candidates, params), X, scores, weight)
        if ranked is None:  # the surrogate cannot be fitted to these trials
            return self._draw_uniform(box, placed)
        return next((candidates[i] for i in ranked if not self._duplicate(candidates[i])), None)

    def _draw_uniform(self, box: Box, params: Mapping[str, Param]) -> dict[str, Any] | None:
        """One new point drawn uniformly inside `box`; None when the box is spent."""
        for _ in range(self._max_collisions + 1):
            values = self._sample(box, params)
            if not self._duplicate(values):
                return values
        return None

    def _sample(self, box: Box, params: Mapping[str, Param]) -> dict[str, Any]:
        """One point drawn uniformly inside `box` (active parameters only, each on its scale),
        new or not."""
        conditional = any(hp.conditions for hp in self.hyperparameters.space)
        hps = keras_tuner.HyperParameters() if conditional else None  # which are active, if any depend
        values: dict[str, Any] = {}
        for hp in self.hyperparameters.space:
            if hps is not None:
                hps.merge([hp])
                if not hps.is_active(hp):
                    continue
            param = params.get(hp.name)
            if param is None:
                values[hp.name] = hp.random_sample(int(self._rng.integers(2**31)))
            else:
                values[hp.name] = param.sample(box[hp.name], self._rng)
            if hps is not None:
                hps.values[hp.name] = values[hp.name]
        return values

    def reload(self) -> None:
        super().reload()
        resume_only_unended(self)

    def get_state(self) -> dict[str, Any]:
        state = super().get_state()
        state["coarse_to_fine"] = {
            "space": [p.to_dict() for p in self.space.values()],
            "rounds": self.rounds,
            "trials_per_round": self.trials_per_round,
            "top_k": self.top_k,
            "margin": self.margin,
            "prune": self.prune,
            "proposal": self.proposal,
            "curves": {t: {str(k): v for k, v in c.items()} for t, c in self._curves.items()},
            "pruned": dict(self._pruned),
            "round": self._round,
            "boxes": [box_to_json(b) for b in self._boxes],
            "trial_round": dict(self._trial_round),
            "rng": self._rng.bit_generator.state,
        }
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        super().set_state(state)
        mine = state["coarse_to_fine"]
        self.space = {p.name: p for p in (Param.from_dict(d) for d in mine["space"])}
        self.rounds = mine["rounds"]
        self.trials_per_round = mine["trials_per_round"]
        self.top_k = mine["top_k"]
        self.margin = mine["margin"]
        self.prune = mine.get("prune", False)
        self.proposal = mine.get("proposal", "uniform")
        self._curves = {t: {int(k): v for k, v in c.items()} for t, c in mine.get("curves", {}).items()}
        self._pruned = dict(mine.get("pruned", {}))
        self._round = mine["round"]
        known = {p.name: p for p in self.params()}
        self._boxes = [box_from_json(known, b) for b in mine["boxes"]]
        self._trial_round = dict(mine["trial_round"])
        self._rng = np.random.default_rng()
        self._rng.bit_generator.state = mine["rng"]


def _coordinates(points: Sequence[Mapping[str, Any]], params: Sequence[Param]) -> np.ndarray:
    """Each point as the surrogate reads it: r normalised to [0, 1] over the parameter's range
    (0.5 where a point does not use it), a choice as a 0/1 coordinate per allowed value.
    Shape (points, coordinates)."""
    columns = []
    for param in params:
        seen = [point.get(param.name) for point in points]
        if param.is_choice:
            columns += [[float(value == choice) for value in seen] for choice in param.choices]
        else:
            low, high = param.full_box
            columns.append([0.5 if value is None else (param.to_coordinate(value) - low) / (high - low)
                            for value in seen])
    return np.array(columns, dtype=float).reshape(len(columns), len(points)).T


def _surrogate_ranking(C: np.ndarray, X: np.ndarray, scores: Sequence[float], weight: float) -> list[int] | None:
    """The indices of the candidates C (shape (candidates, coordinates)), best first: `weight` x
    the value of a surrogate fitted to the trials X (shape (trials, coordinates)) and their scores
    (to minimise, clipped at their median), scaled to [0, 1], + (1 - weight) x the nearness to a
    trial, scaled to [0, 1]; a candidate on a trial's very coordinates last. None when no
    surrogate fits."""
    from scipy.interpolate import RBFInterpolator  # scipy's import costs a sweep of uniform draws nothing

    y = np.asarray(scores, dtype=float)
    try:
        predicted = RBFInterpolator(X, np.minimum(y, np.median(y)), kernel="cubic", degree=1, smoothing=1e-9)(C)
    except (ValueError, np.linalg.LinAlgError):
        return None
    distance = np.min(np.linalg.norm(C[:, None, :] - X[None, :, :], axis=2), axis=1)
    value = (predicted - predicted.min()) / (np.ptp(predicted) or 1.0)
    nearness = (distance.max() - distance) / (np.ptp(distance) or 1.0)
    total = np.where(distance > 1e-9, weight * value + (1.0 - weight) * nearness, np.inf)
    return [int(i) for i in np.argsort(total, kind="stable")]


def resume_only_unended(oracle: keras_tuner.Oracle) -> None:
    """After `oracle.reload()`: keras-tuner saves its state before it drops an ended trial from
    the running ones, and sends every running trial of a reloaded state back to run; not one
    that has ended."""
    oracle._retry_queue = [t for t in oracle._retry_queue if oracle.trials[t].status not in ENDED]


def best_first(trials: Iterable[Any], direction: str) -> list[Any]:
    """Completed trials with a finite score, best first."""
    done = [t for t in trials if t.status == TrialStatus.COMPLETED and t.score is not None
            and math.isfinite(t.score)]
    return sorted(done, key=lambda t: t.score, reverse=direction == "max")

