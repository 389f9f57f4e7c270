"""What choosing the trials costs, training left out: coarse-to-fine against Optuna's TPE sampler.

Each search proposes 50 trials of the Hartmann-6 problem of `tuner_search_quality.py` (a function
evaluated in microseconds, so the time is the search's own) and is timed from its start to its
last trial's end. Rows, each the median of `--repeat` searches:

- coarse-to-fine, as a sweep runs it: `tuner.sweep.RecordedCoarseToFine` with its `SweepRecorder`
  in a temporary folder (every state file written atomically at each trial's start and end,
  `trials.csv` rewritten, what a killed sweep resumes from);
- coarse-to-fine in memory: `tuner.oracle.CoarseToFineOracle` with keras-tuner's file writes
  turned off (the algorithm alone);
- each of these with uniform draws and with the surrogate proposal, in the settings the search-quality
  table reports for it (`C2F` of `tuner_search_quality.py`: 10 rounds of 5, top_k 3, margin 0.3);
- Optuna TPE in memory (Optuna's default storage: nothing survives the process);
- Optuna TPE with a journal file (`JournalFileBackend`, Optuna's storage for resuming from files).

Goal (issue 12): coarse-to-fine's cost per trial within 2x of Optuna's, storage for storage.

Usage::

    make bench-extras   # Optuna
    .venv/bin/python benchmarks/tuner_oracle_cost.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tuner_common import machine, markdown_table, write_results

TRIALS = 50


def _problem() -> Any:
    from tuner_search_quality import PROBLEMS

    return PROBLEMS["hartmann6"]


def _settings(proposal: str) -> dict[str, Any]:
    from tuner_search_quality import C2F

    return dict(C2F["c2f surrogate"]) if proposal == "surrogate" else {"rounds": 5, "trials_per_round": 10}


def c2f_recorded(folder: Path, seed: int, proposal: str = "uniform") -> None:
    import keras_tuner

    from tuner.config import SweepConfig
    from tuner.sweep import RecordedCoarseToFine, SweepRecorder

    problem, settings = _problem(), _settings(proposal)
    config = SweepConfig(space=problem.space, objective="loss", direction="min", **settings)
    oracle = RecordedCoarseToFine(objective=keras_tuner.Objective("loss", "min"), space=problem.space,
                                  seed=seed, **settings)
    oracle.verbose = 0
    oracle._set_project_dir(str(folder), "sweep")
    oracle.recorder = SweepRecorder(folder / "sweep", config, None)
    _drive(oracle, problem.f)


def c2f_memory(folder: Path, seed: int, proposal: str = "uniform") -> None:
    import keras_tuner

    from tuner.oracle import CoarseToFineOracle

    problem = _problem()
    oracle = CoarseToFineOracle(objective=keras_tuner.Objective("loss", "min"), space=problem.space,
                                seed=seed, **_settings(proposal))
    oracle.verbose = 0
    oracle.save = oracle._save_trial = lambda *args: None  # keras-tuner's files off: the algorithm alone
    _drive(oracle, problem.f)


def _drive(oracle: Any, f: Callable[[dict], float]) -> None:
    for _ in range(TRIALS):
        trial = oracle.create_trial("tuner0")
        oracle.update_trial(trial.trial_id, {"loss": f(trial.hyperparameters.values)})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)


def _optuna(folder: Path, seed: int, journal: bool) -> None:
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    from tuner_search_quality import optuna_suggest

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    problem = _problem()
    storage = JournalStorage(JournalFileBackend(str(folder / "journal.log"))) if journal else None
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed),
                                storage=storage)
    for _ in range(TRIALS):
        trial = study.ask()
        study.tell(trial, problem.f({p.name: optuna_suggest(trial, p) for p in problem.space}))


ROWS: dict[str, Callable[[Path, int], None]] = {
    "coarse-to-fine, as a sweep records it (atomic files)": c2f_recorded,
    "coarse-to-fine in memory": c2f_memory,
    "coarse-to-fine, surrogate proposal, as a sweep records it":
        lambda folder, seed: c2f_recorded(folder, seed, "surrogate"),
    "coarse-to-fine, surrogate proposal, in memory": lambda folder, seed: c2f_memory(folder, seed, "surrogate"),
    "Optuna TPE, journal file": lambda folder, seed: _optuna(folder, seed, journal=True),
    "Optuna TPE in memory": lambda folder, seed: _optuna(folder, seed, journal=False),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="searches per row (the median is shown)")
    args = parser.parse_args(argv)
    command = "python benchmarks/tuner_oracle_cost.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    rows = []
    for name, search in ROWS.items():
        search(Path(tempfile.mkdtemp(prefix="oracle-cost-")), 1)  # imports and caches, not timed
        seconds = []
        for seed in range(1, args.repeat + 1):
            folder = Path(tempfile.mkdtemp(prefix="oracle-cost-"))
            start = time.perf_counter()
            search(folder, seed)
            seconds.append(time.perf_counter() - start)
        median = statistics.median(seconds)
        rows.append({"search": name, "searches": args.repeat, "median s per 50 trials": round(median, 3),
                     "ms per trial": round(1000 * median / TRIALS, 2)})
    by = {r["search"]: r["median s per 50 trials"] for r in rows}
    goals = []
    for mine, theirs in (("coarse-to-fine, as a sweep records it (atomic files)", "Optuna TPE, journal file"),
                         ("coarse-to-fine in memory", "Optuna TPE in memory"),
                         ("coarse-to-fine, surrogate proposal, as a sweep records it", "Optuna TPE, journal file"),
                         ("coarse-to-fine, surrogate proposal, in memory", "Optuna TPE in memory"),
                         ("coarse-to-fine, as a sweep records it (atomic files)", "Optuna TPE in memory")):
        ratio = by[mine] / by[theirs]
        goals.append({"coarse-to-fine": mine, "Optuna": theirs, "ratio": f"{ratio:.2f}",
                      "goal: <= 2": "met" if ratio <= 2 else "NOT met"})
    write_results("tuner_oracle_cost", rows, [
        "# What choosing 50 trials costs, training left out (Hartmann-6)", "",
        *markdown_table(rows, list(rows[0])), "",
        "## Goal: coarse-to-fine within 2x of Optuna's TPE, storage for storage", "",
        *markdown_table(goals, list(goals[0])), "",
        "The last line compares unlike storage: a sweep writes what it resumes from after a SIGKILL "
        "(keras-tuner's trial and oracle files, `trials.csv`) at each trial's start and end; Optuna's "
        "default keeps nothing.", "",
        f"Command: `{command}`. Machine: {machine()}.",
    ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
