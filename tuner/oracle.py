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

With `proposal="density"`, each trial is still drawn inside the round's box, but as the best of
`DENSITY_CANDIDATES` uniform draws by the ratio of two densities over the trials so far (TPE's
idea, Bergstra et al. 2011): one of the best `DENSITY_GOOD_SHARE` of them, one of the rest, each
parameter apart, on its own coordinate r normalised to its range (kernels `DENSITY_BANDWIDTH` x
the box's width wide, and a flat part so that no place of the box is ruled out); choices by
their counts. The zoom is unchanged. With fewer than `DENSITY_MIN_TRIALS` completed trials, the
draw is uniform.

Hyperparameters that `build(hp)` declares itself (`hp.Float("lr", 1e-4, 1e-1, sampling="log")`)
are tuned too: `log` becomes the log scale, `reverse_log` with bounds in (0, 1) the β scale
`one_minus_log`, and so on; those the oracle cannot place on a scale (a `step`, a `Fixed`) are
drawn with keras-tuner's own sampling and not zoomed.

Reference:
    Andrew Ng, Improving Deep Neural Networks, week 3: "Using an appropriate scale to pick
    hyperparameters" and "coarse to fine" search.
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
# The density proposal's constants, compared on the synthetic suite's tuning seeds (101-140) only,
# never on the seeds benchmarks/tuner_search_quality.py reports: 24, 64 or 128 candidates, a good
# share of 0.15-0.25 and bandwidths of 0.15-0.3 (a scratch grid); the rounds, top_k and margin to
# use them with come from its `--suite grid`.
DENSITY_CANDIDATES = 64
DENSITY_GOOD_SHARE = 0.2
DENSITY_BANDWIDTH = 0.2
DENSITY_MIN_TRIALS = 4


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
        proposal: "uniform" (the course's rule) or "density" (the best of many uniform draws in
            the box by a density ratio over the trials so far; see the module's docstring).
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
        `DENSITY_CANDIDATES` uniform draws by the density ratio; None when the box is spent."""
        box, params = self.box(), self.params()
        placed = {p.name: p for p in params}
        done = best_first(self.trials.values(), self.objective.direction)
        if self.proposal == "uniform" or len(done) < DENSITY_MIN_TRIALS:
            return self._draw_uniform(box, placed)
        candidates = [c for c in (self._draw_uniform(box, placed) for _ in range(DENSITY_CANDIDATES))
                      if c is not None]
        if not candidates:
            return None
        split = math.ceil(DENSITY_GOOD_SHARE * len(done))
        good = [t.hyperparameters.values for t in done[:split]]
        bad = [t.hyperparameters.values for t in done[split:]]
        return candidates[int(np.argmax(_density_scores(candidates, good, bad, box, params)))]

    def _draw_uniform(self, box: Box, params: Mapping[str, Param]) -> dict[str, Any] | None:
        """One new point drawn uniformly inside `box` (active parameters only, each on its scale);
        None when the box is spent."""
        conditional = any(hp.conditions for hp in self.hyperparameters.space)
        for _ in range(self._max_collisions + 1):
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
            if not self._duplicate(values):
                return values
        return None

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


def _density_scores(candidates: Sequence[Mapping[str, Any]], good: Sequence[Mapping[str, Any]],
                    bad: Sequence[Mapping[str, Any]], box: Box, params: Sequence[Param]) -> np.ndarray:
    """log l(x) - log g(x) of each candidate, summed over the parameters: how much likelier it is
    among the good trials than among the others (see the module's docstring). Shape (candidates,)."""
    scores = np.zeros(len(candidates))
    for param in params:
        has = np.array([param.name in c for c in candidates])
        if not has.any():
            continue
        values = [c.get(param.name) for c in candidates]
        for sign, trials in ((1.0, good), (-1.0, bad)):
            seen = [t[param.name] for t in trials if param.name in t]
            if param.is_choice:
                counts = np.array([seen.count(v) for v in values], dtype=float)
                density = (counts + 1) / (len(seen) + len(param.choices))
            else:
                low, high = param.full_box
                width = max(DENSITY_BANDWIDTH * (box[param.name][1] - box[param.name][0]) / (high - low), 1e-3)
                x = np.array([(param.to_coordinate(v) - low) / (high - low) if v is not None else 0.0 for v in values])
                centres = (np.array([param.to_coordinate(v) for v in seen], dtype=float) - low) / (high - low)
                kernels = np.exp(-0.5 * ((x[:, None] - centres[None, :]) / width) ** 2) / (width * math.sqrt(2 * math.pi))
                density = (kernels.sum(axis=1) + 1.0) / (len(seen) + 1)  # and a flat part: nothing ruled out
            scores += sign * np.where(has, np.log(density), 0.0)
    return scores


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

