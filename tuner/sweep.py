"""Running a sweep: keras-tuner's machinery, made robust and recorded as a table.

This is the only module of `tuner` that imports TensorFlow (through Keras and keras-tuner);
the command line imports it only for `tuner sweep`.

What a sweep adds to keras-tuner:

- every oracle (coarse-to-fine, or keras-tuner's random search, Bayesian optimization and
  Hyperband) records when each trial starts and ends and which worker ran it, and rewrites
  `trials.csv` and `sweep.json` as trials start and end (see `tuner.results`);
- each trial trains with its own seed (recorded in `trials.csv`) after the last trial's graph
  is cleared; TensorFlow still keeps a few MB after each `fit` (tensorflow/tensorflow#61791),
  so when the process has grown by `restart_mb` since its first trial the sweep stops between
  two trials and asks to be started again (the command line replaces its own process, which
  resumes): memory stays bounded over any number of trials;
- a trial whose build raises, or whose loss becomes NaN, is a *failed trial*, not a failed
  sweep: it is recorded with its error and the sweep goes on;
- keras-tuner's state files are written atomically, so a sweep killed with SIGKILL resumes
  from where it was, re-running only the trials that were running;
- the chief of a distributed sweep polls for the end every 0.1 s instead of every 20 s, and a
  worker told to wait for the end of a round asks again after `IDLE_POLL_S`;
- a worker sends a heartbeat every `HEARTBEAT_S` while it trains; a trial whose worker has sent
  nothing for `worker_timeout` seconds is lost: it is given to the next worker that asks (once;
  lost a second time, it fails), and the dead worker no longer holds the sweep open.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import keras
import keras_tuner
from keras_tuner import errors
from keras_tuner.engine.trial import TrialStatus
from keras_tuner.oracles import BayesianOptimizationOracle, HyperbandOracle, RandomSearchOracle
from keras_tuner.src import config as kt_config
from keras_tuner.src import utils as kt_utils
from keras_tuner.src.distribute import utils as dist_utils
from keras_tuner.src.engine import tuner_utils

from tuner import distributed
from tuner.config import SweepConfig
from tuner.errors import ConfigError, SweepFailed
from tuner.oracle import CURVE, ENDED, CoarseToFineOracle, best_first, resume_only_unended
from tuner.progress import Progress, format_duration
from tuner.results import (SWEEP_JSON, TRIALS_CSV, sweep_status, trial_seed, write_json_atomic,
                           write_trials)

IDLE_POLL_S = 0.2
CHIEF_POLL_S = 0.1
HEARTBEAT_S = 1.0


# --------------------------------------------------------------------- oracles that record
class RecordedOracle:
    """Mixin for a keras-tuner oracle: note each trial's start, end and worker; tell a recorder.

    The notes are part of the oracle's state, so they survive a resume. State files are written
    atomically (keras-tuner writes them in place, which a SIGKILL can leave half-written).
    """

    recorder: SweepRecorder | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trial_log: dict[str, dict[str, Any]] = {}
        self._seen: dict[str, float] = {}  # trial id -> when its worker was last heard (monotonic)
        self._quiet = False  # within update_trial: no trial file written

    @keras_tuner.synchronized
    def create_trial(self, tuner_id: str) -> Any:
        trial = super().create_trial(tuner_id)
        if trial.status == TrialStatus.RUNNING:
            entry = self.trial_log.setdefault(trial.trial_id, {})
            entry.update(start=time.time(), end=None, worker=tuner_id)
            self._seen[trial.trial_id] = time.monotonic()
            if self.recorder is not None:
                self.recorder.update(self)
        return trial

    @keras_tuner.synchronized
    def update_trial(self, trial_id: str, metrics: Mapping[str, float], step: int = 0) -> Any:
        self._seen[trial_id] = time.monotonic()
        self._quiet = True  # keras-tuner saves the trial at every report; its end saves it whole
        try:
            return super().update_trial(trial_id, metrics, step=step)
        finally:
            self._quiet = False

    @keras_tuner.synchronized
    def get_trial(self, trial_id: str) -> Any:
        self._seen[trial_id] = time.monotonic()  # a worker's heartbeat asks for its trial
        return super().get_trial(trial_id)

    @keras_tuner.synchronized
    def end_trial(self, trial: Any) -> None:
        if self.trial_log.get(trial.trial_id, {}).get("lost") and not self._ongoing(trial.trial_id):
            return  # the late word of a worker given up for lost: its trial was given to another
        self.trial_log.setdefault(trial.trial_id, {"start": None, "worker": None})["end"] = time.time()
        try:
            super().end_trial(trial)
        finally:
            if self.recorder is not None:
                self.recorder.update(self, ended=self.trials[trial.trial_id])

    def _ongoing(self, trial_id: str) -> str | None:
        """The worker running `trial_id`, or None."""
        return next((w for w, t in self.ongoing_trials.items() if t.trial_id == trial_id), None)

    @keras_tuner.synchronized
    def give_up_silent(self, timeout: float) -> list[str]:
        """Trials whose worker has sent nothing for `timeout` seconds: the first time, each goes
        back to the queue for the next worker that asks; the second time, it fails. The worker
        is forgotten, so the sweep can end without it.

        Returns:
            One line per trial given up.
        """
        now, said = time.monotonic(), []
        for tuner_id, trial in list(self.ongoing_trials.items()):
            last = self._seen.setdefault(trial.trial_id, now)  # resumed: the clock starts now
            if now - last <= timeout:
                continue
            entry = self.trial_log.setdefault(trial.trial_id, {})
            entry["lost"] = entry.get("lost", 0) + 1
            reason = f"{tuner_id} sent nothing for {timeout:g} s"
            self.tuner_ids.discard(tuner_id)
            if entry["lost"] == 1:
                del self.ongoing_trials[tuner_id]
                self._retry_queue.append(trial.trial_id)
                self.save()
                if self.recorder is not None:
                    self.recorder.update(self)
                said.append(f"trial {trial.trial_id} lost ({reason}): the next worker runs it again")
            else:
                trial.status, trial.message = TrialStatus.FAILED, f"WorkerLost: {reason}, twice"
                self.end_trial(trial)
                said.append(f"trial {trial.trial_id} lost again ({reason}): failed")
        return said

    def reload(self) -> None:
        super().reload()
        resume_only_unended(self)

    def get_state(self) -> dict[str, Any]:
        state = super().get_state()
        state["trial_log"] = self.trial_log
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        super().set_state(state)
        self.trial_log = dict(state.get("trial_log", {}))

    def save(self) -> None:
        write_json_atomic(self._get_oracle_fname(), self.get_state())

    def _save_trial(self, trial: Any) -> None:
        if self._quiet:
            return
        write_json_atomic(os.path.join(self._get_trial_dir(trial.trial_id), "trial.json"), trial.get_state())


class RecordedCoarseToFine(RecordedOracle, CoarseToFineOracle):
    """`CoarseToFineOracle`, recorded."""


class RecordedRandomSearch(RecordedOracle, RandomSearchOracle):
    """keras-tuner's `RandomSearchOracle`, recorded."""


class RecordedBayesian(RecordedOracle, BayesianOptimizationOracle):
    """keras-tuner's `BayesianOptimizationOracle`, recorded."""


class RecordedHyperband(RecordedOracle, HyperbandOracle):
    """keras-tuner's `HyperbandOracle`, recorded."""


def make_oracle(config: SweepConfig) -> RecordedOracle:
    """The oracle of `config.algorithm`, with the space declared and the sweep's seed."""
    objective = keras_tuner.Objective(config.objective, config.direction)
    common = {"objective": objective, "seed": config.seed,
              "max_consecutive_failed_trials": config.max_consecutive_failed_trials}
    if config.algorithm == "coarse_to_fine":
        return RecordedCoarseToFine(space=config.space, rounds=config.rounds,
                                    trials_per_round=config.trials_per_round, top_k=config.top_k,
                                    margin=config.margin, prune=config.prune, proposal=config.proposal,
                                    **common)
    hp = keras_tuner.HyperParameters()
    for param in config.space:
        param.register(hp)
    if config.algorithm == "random":
        return RecordedRandomSearch(max_trials=config.total_trials, hyperparameters=hp, **common)
    if config.algorithm == "bayesian":
        return RecordedBayesian(max_trials=config.total_trials, hyperparameters=hp, **common)
    return RecordedHyperband(max_epochs=config.epochs, factor=3, hyperband_iterations=config.hyperband_iterations,
                             hyperparameters=hp, **common)


# --------------------------------------------------------------------- the record
def _one_line(message: str | None) -> str | None:
    """The last line of a traceback, without the exception's module: `FailedTrialError: ...`."""
    if not message:
        return None
    last = [line for line in message.strip().splitlines() if line.strip()][-1].strip()
    head, sep, tail = last.partition(": ")
    return f"{head.rsplit('.', 1)[-1]}{sep}{tail}" if sep else last


def _round_of(oracle: RecordedOracle, trial_id: str) -> int | None:
    """Round of a trial, from 0; keras-tuner's own oracles run a single round."""
    return oracle.round_of(trial_id) if isinstance(oracle, CoarseToFineOracle) else 0


class SweepRecorder:
    """Keeps `trials.csv` and `sweep.json` up to date and reports progress.

    Args:
        directory: the sweep directory.
        config: the sweep's settings.
        progress: where progress lines go, or None for none.
    """

    def __init__(self, directory: Path, config: SweepConfig, progress: Progress | None) -> None:
        self.directory = directory
        self.config = config
        self.progress = progress
        self.shown_round = 0
        self.written_rounds = -1
        self.finished = False

    def _rounds(self, oracle: RecordedOracle) -> list[dict[str, Any]]:
        if not isinstance(oracle, CoarseToFineOracle):
            return []
        return [{"round": r + 1, "box": {k: list(v) for k, v in oracle.box_values(r).items()}}
                for r in range(oracle.current_round + 1)]

    def write_sweep(self, oracle: RecordedOracle) -> None:
        config = self.config
        rounds = self._rounds(oracle)
        write_json_atomic(self.directory / SWEEP_JSON, {
            "version": 1, "algorithm": config.algorithm, "objective": config.objective,
            "direction": config.direction, "space": [p.to_dict() for p in config.space],
            "total_trials": config.total_trials, "rounds": rounds, "finished": self.finished,
            "config": config.fingerprint()}, indent=1)
        self.written_rounds = len(rounds)

    def rows(self, oracle: RecordedOracle) -> list[dict[str, Any]]:
        """One row per trial, in the order trials started."""
        order = list(dict.fromkeys([*oracle.start_order, *oracle.trials]))
        rows = []
        for trial_id in order:
            trial = oracle.trials[trial_id]
            log = oracle.trial_log.get(trial_id, {})
            start, end = log.get("start"), log.get("end")
            round_index = _round_of(oracle, trial_id)
            rows.append({
                "trial_id": trial_id,
                "round": None if round_index is None else round_index + 1,
                "status": trial.status,
                self.config.objective: trial.score if trial.status == TrialStatus.COMPLETED else None,
                **trial.hyperparameters.values,
                "duration_s": end - start if start is not None and end is not None and trial.status in ENDED
                else None,
                "seed": trial_seed(self.config.seed, trial_id),
                "worker": log.get("worker"),
                "error": _one_line(trial.message) if trial.status != TrialStatus.COMPLETED else None,
            })
            if self.config.prune:
                pruned = oracle.pruned_at(trial_id)
                rows[-1]["pruned_at_epoch"] = None if pruned is None else pruned + 1
        return rows

    def update(self, oracle: RecordedOracle, ended: Any = None) -> None:
        """Rewrite the files after a trial started (`ended` None) or ended; report progress."""
        write_trials(self.directory / TRIALS_CSV, self.rows(oracle), self.config.objective,
                     [p.name for p in self.config.space])
        if len(self._rounds(oracle)) != self.written_rounds:
            self.write_sweep(oracle)
        if self.progress is None:
            return
        if ended is None:
            self._show_round(oracle)
            return
        best = best_first(oracle.trials.values(), self.config.direction)
        round_index = _round_of(oracle, ended.trial_id)
        pruned = oracle.pruned_at(ended.trial_id) if isinstance(oracle, CoarseToFineOracle) else None
        self.progress.trial_ended(
            ended=sum(t.status in ENDED for t in oracle.trials.values()), trial_id=ended.trial_id,
            round_number=None if round_index is None else round_index + 1, status=ended.status,
            score=ended.score, best=best[0].score if best else None, error=_one_line(ended.message),
            note=None if pruned is None else f"stopped after epoch {pruned + 1}: behind its round")

    def _show_round(self, oracle: RecordedOracle) -> None:
        if isinstance(oracle, CoarseToFineOracle) and oracle.current_round + 1 > self.shown_round:
            self.shown_round = oracle.current_round + 1
            self.progress.round_started(self.shown_round, oracle.box_values(),
                                        {p.name: p for p in oracle.params()})

    def finish(self, oracle: RecordedOracle) -> None:
        self.finished = True
        self.write_sweep(oracle)


# --------------------------------------------------------------------- the tuner
def show_trial_tracebacks(show: bool) -> None:
    """Whether keras-tuner prints a failed trial's traceback (its default; the trial's record
    keeps it either way)."""
    kt_config.DEBUG = show


class ObjectiveMissing(errors.FatalError):
    """The model does not report the objective: no trial could ever score."""

    def __init__(self, objective: str, reported: Iterable[str]) -> None:
        names = ", ".join(sorted(reported)) or "none"
        super().__init__(f"the model never reports the objective {objective!r}; it reports: {names}. "
                         f"Received: objective={objective!r}")


class CheckObjective(keras.callbacks.Callback):
    """After the first epoch, stop the sweep if the logs lack the objective (not after training
    every trial in full)."""

    def __init__(self, objective: str) -> None:
        super().__init__()
        self.objective = objective

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        if epoch == 0 and self.objective not in (logs or {}):
            raise ObjectiveMissing(self.objective, logs or {})


class ReportCurve(keras.callbacks.Callback):
    """Send the objective to the oracle after each epoch (pruning); stop when it answers STOPPED."""

    def __init__(self, oracle: Any, trial_id: str, objective: str) -> None:
        super().__init__()
        self.oracle, self.trial_id, self.objective = oracle, trial_id, objective

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        value = (logs or {}).get(self.objective)
        if value is None or not math.isfinite(float(value)):
            return
        if self.oracle.update_trial(self.trial_id, {CURVE: float(value)}, step=epoch).status == TrialStatus.STOPPED:
            self.model.stop_training = True


class StopOnNaN(keras.callbacks.Callback):
    """Stop training at the end of an epoch whose loss is NaN or infinite (checked once an epoch)."""

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.model.stop_training = True


def nonfinite_reason(results: Any, objective: str) -> str | None:
    """Why a trial's results are unusable (a NaN loss or objective), or None if they are fine."""
    history = getattr(results, "history", None)
    if isinstance(history, Mapping):
        for epoch, loss in enumerate(history.get("loss", []), start=1):
            if not math.isfinite(float(loss)):
                return f"loss became {float(loss)} at epoch {epoch}"
        values = history.get(objective, [])
    elif isinstance(results, Mapping):
        loss = results.get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            return f"loss is {float(loss)}"
        values = [results.get(objective, 0.0)]
    else:
        values = [results] if isinstance(results, (int, float)) else []
    bad = [v for v in values if not math.isfinite(float(v))]
    return f"{objective} is {float(bad[0])}" if bad else None


class RestartNeeded(Exception):
    """This process has grown by `growth_mb` since its first trial: start it again to resume."""

    def __init__(self, growth_mb: float) -> None:
        super().__init__(f"resident memory grew by {growth_mb:.0f} MB")
        self.growth_mb = growth_mb


def resident_mb() -> float:
    """This process's resident memory in MB (its peak where /proc is missing)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024


class SweepTuner(keras_tuner.Tuner):
    """keras-tuner's `Tuner`, run as a sweep: seeds, failed trials, atomic saves, quick polls.

    Args:
        oracle: any keras-tuner oracle (usually one from `make_oracle`).
        hypermodel: a `HyperModel` or a `build(hp)` function.
        sweep_seed: trial i trains with `trial_seed(sweep_seed, trial_id)`.
        save_models: keep each trial's best weights (Hyperband needs them to continue trials).
        prune: send the objective after each epoch and stop when the oracle says so.
        tensorboard: a folder to log each trial in for TensorBoard, with its hyperparameters
            (keras-tuner's HParams callback): `<folder>/<trial id>/execution0`; None: no logs.
        keep_serving: for a chief: called every poll; serving stops early when it returns False.
        worker_timeout: for a chief: seconds of silence after which a worker's trial is lost.
        say: for a chief: where lines about lost trials go.
        restart_mb: raise `RestartNeeded` before the next trial once this process's resident
            memory exceeds what it was after its first trial by this many MB; None: never.
        **kwargs: `keras_tuner.Tuner`'s (directory, project_name, ...).
    """

    def __init__(self, oracle: Any, hypermodel: Any, *, sweep_seed: int, save_models: bool = False,
                 tensorboard: Path | None = None, prune: bool = False,
                 keep_serving: Callable[[], bool] = lambda: True,
                 worker_timeout: float = 30.0,
                 say: Callable[[str], None] = print, restart_mb: float | None = None, **kwargs: Any) -> None:
        self.sweep_seed = sweep_seed
        self.save_models = save_models
        self.tensorboard = tensorboard
        self.prune = prune
        self.keep_serving = keep_serving
        self.worker_timeout = worker_timeout
        self.say = say
        self._heartbeat: threading.Event | None = None
        self.restart_mb = restart_mb
        self.finished = False
        self._ran_trial = True
        self._baseline_mb: float | None = None  # resident memory after this process's first trial
        super().__init__(oracle, hypermodel, **kwargs)

    def _populate_initial_space(self) -> None:
        """keras-tuner builds the model once, with default values, to find the hyperparameters it
        declares; a build that raises for those values must fail its trials, not the sweep."""
        try:
            super()._populate_initial_space()
        except errors.FatalError:
            raise
        except Exception:
            pass

    def search(self, *fit_args: Any, **fit_kwargs: Any) -> None:
        """Run trials until the oracle stops; as the chief, serve the workers instead."""
        if dist_utils.is_chief_oracle():
            self.oracle.verbose = 0
            self.save()
            self.finished = serve_oracle(self.oracle, self.keep_serving, self.worker_timeout, self.say)
            return
        super().search(*fit_args, **fit_kwargs)
        self.finished = True

    def run_trial(self, trial: Any, *fit_args: Any, **fit_kwargs: Any) -> Any:
        hp = trial.hyperparameters
        keras.utils.set_random_seed(trial_seed(self.sweep_seed, trial.trial_id))
        if "tuner/epochs" in hp.values:  # Hyperband's budget for this trial
            fit_kwargs["epochs"] = hp.values["tuner/epochs"]
            fit_kwargs["initial_epoch"] = hp.values["tuner/initial_epoch"]
        callbacks = self._deepcopy_callbacks(fit_kwargs.pop("callbacks", []))
        callbacks += [CheckObjective(self.oracle.objective.name), StopOnNaN()]
        if self.prune:
            callbacks.append(ReportCurve(self.oracle, trial.trial_id, self.oracle.objective.name))
        if self.tensorboard is not None:  # keras-tuner puts it in the trial's folder, adds the HParams
            callbacks.append(keras.callbacks.TensorBoard(log_dir=str(self.tensorboard)))
            self._configure_tensorboard_dir(callbacks, trial)
        if self.save_models:
            callbacks.append(tuner_utils.SaveBestEpoch(objective=self.oracle.objective,
                                                       filepath=self._get_checkpoint_fname(trial.trial_id)))
        results = self._build_and_fit_model(trial, *fit_args, callbacks=callbacks, **fit_kwargs)
        reason = nonfinite_reason(results, self.oracle.objective.name)
        if reason:
            raise errors.FailedTrialError(reason)
        return results

    def _try_build(self, hp: Any) -> keras.Model:
        """Clear the last trial's graph, then build; a build that raises fails the trial only."""
        keras.backend.clear_session()  # Keras 3 collects garbage here too
        try:
            model = self._build_hypermodel(hp)
        except (errors.FatalError, errors.FailedTrialError):
            raise
        except Exception as error:
            raise errors.FailedTrialError(f"build failed: {type(error).__name__}: {error}") from error
        if not isinstance(model, keras.Model):
            raise errors.FatalTypeError(f"build(hp) must return a keras.Model. Received: {model!r}")
        return model

    def _build_hypermodel(self, hp: Any) -> keras.Model:
        model = super()._build_hypermodel(hp)
        if "tuner/trial_id" in hp.values:  # Hyperband: continue from an earlier trial's best epoch
            previous = hp.values["tuner/trial_id"]
            if not model.built:
                model.build_from_config(kt_utils.load_json(self._get_build_config_fname(previous)))
            model.load_weights(self._get_checkpoint_fname(previous))
        return model

    def pre_create_trial(self) -> None:
        if not self._ran_trial:  # the oracle said IDLE: a round is finishing elsewhere
            time.sleep(IDLE_POLL_S)
        self._ran_trial = False
        if self.restart_mb is not None and self._baseline_mb is not None and self._trials_left():
            growth = resident_mb() - self._baseline_mb
            if growth > self.restart_mb:
                raise RestartNeeded(growth)

    def _trials_left(self) -> bool:
        """False when the oracle has created all its trials; True when it cannot tell (a worker's
        client of the chief's oracle, or Hyperband, which has no limit)."""
        oracle = self.oracle
        if not isinstance(oracle, keras_tuner.Oracle) or not oracle.max_trials:
            return True
        return len(oracle.trials) < oracle.max_trials

    def on_trial_begin(self, trial: Any) -> None:
        self._ran_trial = True
        if dist_utils.has_chief_oracle() and not dist_utils.is_chief_oracle():  # a worker: say it is alive
            self._heartbeat = threading.Event()
            threading.Thread(target=self._beat, args=(trial.trial_id, self._heartbeat), daemon=True).start()
        super().on_trial_begin(trial)

    def _beat(self, trial_id: str, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_S):
            try:
                self.oracle.get_trial(trial_id)
            except Exception:  # noqa: BLE001 - the chief gone or busy: the next beat tries again
                pass

    def on_trial_end(self, trial: Any) -> None:
        if self._heartbeat is not None:
            self._heartbeat.set()
            self._heartbeat = None
        super().on_trial_end(trial)  # the oracle ends the trial and the state is saved
        if self._baseline_mb is None:
            self._baseline_mb = resident_mb()

    def save(self) -> None:
        if not self._is_worker():
            self.oracle.save()
        write_json_atomic(self._get_tuner_fname(), self.get_state())


def serve_oracle(oracle: Any, keep_serving: Callable[[], bool], worker_timeout: float,
                 say: Callable[[str], None]) -> bool:
    """Serve `oracle` to workers (keras-tuner's gRPC service) until the sweep ends, giving up the
    trials of workers silent for `worker_timeout` seconds (see `RecordedOracle.give_up_silent`).

    Returns:
        True when every trial has ended and every worker was told to stop; False when
        `keep_serving()` said to give up first (e.g. all local workers exited).
    """
    import grpc
    from keras_tuner.src import protos
    from keras_tuner.src.distribute import oracle_chief

    address = f"{os.environ[distributed.ORACLE_IP]}:{os.environ[distributed.ORACLE_PORT]}"
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    servicer = oracle_chief.OracleServicer(oracle)
    protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError:
        bound = 0
    if not bound:
        raise ConfigError(f"the chief cannot listen on {address}; is the port in use? "
                          f"Received: {distributed.ORACLE_PORT}={os.environ[distributed.ORACLE_PORT]}")
    server.start()
    try:
        while keep_serving():
            for line in oracle.give_up_silent(worker_timeout):
                say(line)
            if servicer.stop_triggered and oracle_chief.exit_chief(oracle):
                return True
            time.sleep(CHIEF_POLL_S)
        return False
    finally:
        server.stop(grace=1)


# --------------------------------------------------------------------- one call
def load_object(spec: str) -> Any:
    """The object named by `module:attribute` (the attribute may be dotted).

    Raises:
        ConfigError: the module cannot be imported or has no such attribute.
    """
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ConfigError(f"cannot import {module_name!r} ({error}). Received: {spec}") from None
    try:
        return functools.reduce(getattr, attribute.split("."), module)
    except AttributeError:
        raise ConfigError(f"module {module_name!r} has no attribute {attribute!r}. Received: {spec}") from None


def make_hypermodel(obj: Any, spec: str) -> Any:
    """A `HyperModel` class (instantiated), a `HyperModel`, or a `build(hp)` function."""
    if isinstance(obj, type) and issubclass(obj, keras_tuner.HyperModel):
        return obj()
    if isinstance(obj, keras_tuner.HyperModel) or callable(obj):
        return obj
    raise ConfigError(f"--model must name a build(hp) function or a keras_tuner.HyperModel. Received: {spec}")


def load_fit_kwargs(spec: str) -> dict[str, Any]:
    """Call the data loader: it returns the keyword arguments of `model.fit` (x, y, validation_data, ...)."""
    data = load_object(spec)()
    if not isinstance(data, Mapping):
        raise ConfigError(f"the data loader must return a dict of model.fit keyword arguments. "
                          f"Received: {spec}() -> {type(data).__name__}")
    return dict(data)


def pruning_saving(oracle: CoarseToFineOracle, epochs: int) -> str:
    """What pruning saved: trials stopped early, epochs not trained of all the trials' budget."""
    ended = [t for t in oracle.trials.values() if t.status == TrialStatus.COMPLETED]
    stopped = [oracle.pruned_at(t.trial_id) for t in ended if oracle.pruned_at(t.trial_id) is not None]
    saved, budget = sum(epochs - (step + 1) for step in stopped), epochs * len(ended)
    share = f" ({100 * saved / budget:.0f} %)" if budget else ""
    return f"pruning stopped {len(stopped)} of {len(ended)} trials early: {saved} of {budget} epochs saved{share}"


@contextlib.contextmanager
def _fatal_as_config_error() -> Iterator[None]:
    """keras-tuner's fatal errors (a build that returns no model, a missing objective) are the
    settings' fault: one line, exit 2."""
    try:
        yield
    except errors.FatalError as error:
        raise ConfigError(str(error).strip().splitlines()[-1]) from None


@dataclass(frozen=True)
class SweepOutcome:
    """How `run_sweep` ended: `finished` (every trial done), `already_finished` (nothing to do),
    or `restart` (stopped between two trials to free memory: start again to resume)."""

    finished: bool
    already_finished: bool
    trials: int
    completed: int
    best: float | None
    restart: bool = False


def run_sweep(config: SweepConfig, directory: Path | str, *, stream: TextIO,
              keep_serving: Callable[[], bool] = lambda: True, restart_mb: float | None = None) -> SweepOutcome:
    """Run or resume a sweep in `directory` (standalone, chief or worker, from the environment).

    Args:
        config: the sweep's settings.
        directory: the sweep directory (created if needed).
        stream: where progress goes (stderr on the command line).
        keep_serving: for a chief: stop serving early when it returns False.
        restart_mb: stop between two trials, with `restart` set, once this process has grown by
            this many MB since its first trial (see `SweepTuner`); None: never.

    Raises:
        ConfigError: the directory holds a sweep with other settings, or the model or data
            cannot be loaded.
    """
    directory = Path(directory).resolve()
    role = distributed.role()
    progress = Progress(stream, config.total_trials, config.rounds if config.algorithm == "coarse_to_fine"
                        else None, config.objective, config.direction)
    status = "worker"
    if role != "worker":
        status = sweep_status(directory, config.fingerprint())
        if status == "finished":
            progress.say(f"the sweep in {directory} is finished already; nothing to do")
            return SweepOutcome(finished=True, already_finished=True, trials=0, completed=0, best=None)
    if config.threads:
        import tensorflow as tf

        threading = tf.config.threading
        if threading.get_intra_op_parallelism_threads() != config.threads:  # settable once per process
            threading.set_intra_op_parallelism_threads(config.threads)
            threading.set_inter_op_parallelism_threads(config.threads)
    hypermodel = make_hypermodel(load_object(config.model), config.model)
    fit_kwargs = {} if role == "chief" else load_fit_kwargs(config.data)  # a chief trains nothing
    if config.batch_size:
        fit_kwargs.setdefault("batch_size", config.batch_size)
    oracle = make_oracle(config)
    directory.mkdir(parents=True, exist_ok=True)
    tuner_id = os.environ.get(distributed.TUNER_ID, "tuner0")
    if role != "worker" and (directory / "oracle.json").exists() and not (directory / f"{tuner_id}.json").exists():
        # keras-tuner reloads the oracle only when this tuner's own file exists (a sweep
        # started with --workers and resumed without has none): say there is one to reload.
        write_json_atomic(directory / f"{tuner_id}.json", {})
    recorder = None if role == "worker" else SweepRecorder(directory, config, progress)
    oracle.recorder = recorder
    with contextlib.redirect_stdout(stream), _fatal_as_config_error():  # keras-tuner's notes ("Reloading ...")
        tuner = SweepTuner(oracle, hypermodel, sweep_seed=config.seed,
                           save_models=config.save_models or config.algorithm == "hyperband",
                           tensorboard=directory / "tensorboard" if config.tensorboard else None,
                           prune=config.prune,
                           keep_serving=keep_serving, worker_timeout=config.worker_timeout, say=progress.say,
                           restart_mb=restart_mb, directory=str(directory.parent),
                           project_name=directory.name)
        if recorder is not None:
            if status == "extend" and isinstance(oracle, CoarseToFineOracle):
                oracle.extend(config.rounds, config.trials_per_round)  # keras-tuner reloaded the old counts
            if isinstance(oracle, CoarseToFineOracle):
                progress.total = oracle.planned_trials()
            ended = sum(t.status in ENDED for t in oracle.trials.values())
            total = progress.total or "?"
            what = (f"{config.rounds} rounds of {config.trials_per_round} trials"
                    if config.algorithm == "coarse_to_fine" else f"{total} trials")
            verb = (f"extending ({ended} trials kept, {total} in all)" if status == "extend"
                    else f"resuming ({ended} of {total} trials ended)" if ended else "starting")
            progress.say(f"{verb}: {config.algorithm}, {what}, in {directory}")
            if config.tensorboard:
                progress.say(f"TensorBoard logs in {directory / 'tensorboard'}: "
                             f"tensorboard --logdir {directory / 'tensorboard'}")
            if role == "chief":
                progress.say(f"chief serving on {os.environ[distributed.ORACLE_IP]}:"
                             f"{os.environ[distributed.ORACLE_PORT]}")
            recorder.update(oracle)
        restart = False
        try:
            tuner.search(**{**fit_kwargs, "epochs": config.epochs, "verbose": 0})
        except RestartNeeded as need:
            restart = True
            progress.say(f"{need} since this process's first trial (TensorFlow keeps some after each fit): "
                         "restarting it to free the memory")
        except RuntimeError as error:  # keras-tuner's limit on consecutive failed trials
            if "consecutive failures" not in str(error):
                raise
            last = _one_line(str(error).split("\n", 1)[-1])
            raise SweepFailed(f"stopped after {config.max_consecutive_failed_trials} failed trials in a row "
                              f"(last: {last}); see `tuner report --dir {directory}`, then fix the model "
                              "or the space and start again (--overwrite)") from None
    if recorder is None:
        return SweepOutcome(finished=tuner.finished, already_finished=False, trials=0, completed=0, best=None,
                            restart=restart)
    if tuner.finished:
        recorder.finish(oracle)
    best = best_first(oracle.trials.values(), config.direction)
    completed = sum(t.status == TrialStatus.COMPLETED for t in oracle.trials.values())
    outcome = SweepOutcome(finished=tuner.finished, already_finished=False, trials=len(oracle.trials),
                           completed=completed, best=best[0].score if best else None, restart=restart)
    if tuner.finished and config.prune and isinstance(oracle, CoarseToFineOracle):
        progress.say(pruning_saving(oracle, config.epochs))
    if tuner.finished:
        best_text = f"; best {config.objective} {outcome.best:.4g} (trial {best[0].trial_id})" if best else ""
        progress.say(f"done: {outcome.trials} trials, {completed} completed, in "
                     f"{format_duration(time.monotonic() - progress.started_at)}{best_text}")
    return outcome
