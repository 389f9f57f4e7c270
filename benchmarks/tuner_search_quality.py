"""Search quality at equal budgets: coarse-to-fine against keras-tuner's RandomSearch,
BayesianOptimization and Hyperband.

`--suite synthetic`: cheap objectives with known optima, defined on log-scaled hyperparameters
so that the scale matters. The oracles are driven directly (create_trial, update_trial,
end_trial), without Keras models:

- branin: Branin on (log10 α, log10(1 - β)), α in [1e-5, 1], β in [0.9, 0.9999];
- hartmann6: Hartmann-6 on (log10 α, log10 λ, log10(1 - β1), log10(1 - β2), log10 ε, keep_prob);
- valley: a valley 0.1 decade wide in log10(1 - β) around β = 0.999 (shallow in log10 α).

Coarse-to-fine runs with two settings: its defaults (top_k 3, margin 0.15) in 5 rounds of 10, and
a setting chosen by `--suite grid` on separate tuning seeds (101-140); "right-scale random" is
the same oracle with a single round (random search on the right scales, no zoom).

Every search gets 50 trials (Hyperband: 50 x max_epochs = 450 epochs, counting what each trial
trains, tuner/epochs - tuner/initial_epoch). Hyperband's objective does not depend on the epochs,
so its short trials rank configurations exactly: an upper bound on what it can do. Simple regret
is f(best configuration so far) - f*; trials-to-target is the trials (Hyperband: epochs / 9)
spent when the regret first falls under the problem's target. keras-tuner's oracles sample with
its own scales: log for α, λ, ε and `reverse_log` for the β's.

`--suite digits`: the default model (`tuner.digits`, the space of tuner/configs/digits.toml,
24 trials of 10 epochs): best validation accuracy after 8, 16 and 24 trials.

Targets: coarse-to-fine's median regret at 50 trials at most half of RandomSearch's on each
synthetic problem; on digits, median best accuracy no worse than RandomSearch's.

Usage::

    .venv/bin/python benchmarks/tuner_search_quality.py --suite grid [--jobs 2]
    .venv/bin/python benchmarks/tuner_search_quality.py --suite synthetic [--seeds 20] [--bayesian-seeds N] [--jobs 2]
    .venv/bin/python benchmarks/tuner_search_quality.py --suite digits [--seeds 20] [--jobs 2]
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from tuner_common import RESULTS, ROOT, machine, markdown_table, write_results

from tuner.space import Param

BUDGET = 50
CHECKPOINTS = (10, 25, 50)
HYPERBAND_EPOCHS = 9
# Settings of coarse-to-fine: the tool's defaults (top_k 3, margin 0.15) in 5 rounds of 10; the best
# worst-case ratio to kt random's in an earlier `--suite grid` (uniform draws only); and the best
# worst-case ratio to Optuna TPE's in `--suite grid` now (tuning seeds 101-140, never reported).
C2F = {"c2f default": {"rounds": 5, "trials_per_round": 10, "top_k": 3, "margin": 0.15},
       "c2f tuned": {"rounds": 10, "trials_per_round": 5, "top_k": 2, "margin": 0.3},
       # the best worst-case ratio to Optuna TPE's in `--suite grid` (tuning seeds 101-140)
       "c2f surrogate": {"rounds": 5, "trials_per_round": 10, "top_k": 2, "margin": 0.3, "proposal": "surrogate"}}
ALGORITHMS = (*C2F, "right-scale random", "kt random", "kt bayesian", "kt hyperband", "optuna tpe")
GRID = [{"rounds": r, "trials_per_round": BUDGET // r, "top_k": k, "margin": m, "proposal": proposal}
        for proposal in ("uniform", "surrogate") for r in (5, 10, 25) for k in (2, 3) for m in (0.15, 0.3, 0.5)]
TUNING_SEEDS = range(101, 141)


def algorithm_seed(seed: int) -> int:
    """Seeds far apart: keras-tuner's random search draws trial t's values with seeds seed + t·n,
    so seeds 1, 2, 3 would replay nearly the same draws."""
    return 10_007 * seed


# --------------------------------------------------------------------------- problems
def _u(values: dict, name: str = "learning_rate") -> float:
    return math.log10(values[name])


def _v(values: dict, name: str = "beta") -> float:
    return math.log10(1.0 - values[name])


def branin(values: dict) -> float:
    x1 = -5.0 + 3.0 * (_u(values) + 5.0)  # log10 α in [-5, 0] -> [-5, 10]
    x2 = 5.0 * (-1.0 - _v(values))  # log10(1 - β) in [-4, -1] -> [15, 0]
    return ((x2 - 5.1 / (4 * math.pi**2) * x1**2 + 5 / math.pi * x1 - 6) ** 2
            + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10)


_H_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                 [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_H_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                        [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])


def hartmann6(values: dict) -> float:
    x = np.array([(_u(values) + 6) / 6, (_u(values, "lambd") + 7) / 6, (-_v(values, "beta1") - 1) / 3,
                  (-_v(values, "beta2") - 1) / 4, (_u(values, "epsilon") + 10) / 6,
                  (values["keep_prob"] - 0.3) / 0.7])
    return float(-np.sum(_H_ALPHA * np.exp(-np.sum(_H_A * (x - _H_P) ** 2, axis=1))))


def valley(values: dict) -> float:
    return 1.0 - math.exp(-0.5 * ((_v(values) + 3.0) / 0.1) ** 2) + 0.2 * ((_u(values) + 2.5) / 2.5) ** 2


@dataclass(frozen=True)
class Problem:
    name: str
    space: tuple[Param, ...]
    f: Callable[[dict], float]
    f_star: float
    target: float


LR = Param("learning_rate", "log", 1e-5, 1.0)
BETA = Param("beta", "one_minus_log", 0.9, 0.9999)
PROBLEMS = {p.name: p for p in (
    Problem("branin", (LR, BETA), branin, 0.397887, 0.1),
    Problem("hartmann6", (Param("learning_rate", "log", 1e-6, 1.0), Param("lambd", "log", 1e-7, 1e-1),
                          Param("beta1", "one_minus_log", 0.9, 0.9999),
                          Param("beta2", "one_minus_log", 0.9, 0.99999),
                          Param("epsilon", "log", 1e-10, 1e-4), Param("keep_prob", "linear", 0.3, 1.0)),
            hartmann6, -3.32237, 0.5),
    Problem("valley", (LR, BETA), valley, 0.0, 0.05),
)}


# --------------------------------------------------------------------------- one search
def make_oracle(algorithm: str, problem: Problem, seed: int, c2f: dict[str, Any] | None = None) -> Any:
    import keras_tuner
    from keras_tuner.oracles import BayesianOptimizationOracle, HyperbandOracle, RandomSearchOracle

    from tuner.oracle import CoarseToFineOracle

    objective = keras_tuner.Objective("loss", "min")
    if algorithm in C2F or c2f is not None:
        return CoarseToFineOracle(objective=objective, space=problem.space, seed=seed, **(c2f or C2F[algorithm]))
    if algorithm == "right-scale random":
        return CoarseToFineOracle(objective=objective, space=problem.space, rounds=1, trials_per_round=BUDGET,
                                  seed=seed)
    hp = keras_tuner.HyperParameters()
    for param in problem.space:
        param.register(hp)
    if algorithm == "kt random":
        return RandomSearchOracle(objective=objective, hyperparameters=hp, max_trials=BUDGET, seed=seed)
    if algorithm == "kt bayesian":
        return BayesianOptimizationOracle(objective=objective, hyperparameters=hp, max_trials=BUDGET, seed=seed)
    return HyperbandOracle(objective=objective, hyperparameters=hp, max_epochs=HYPERBAND_EPOCHS, factor=3,
                           hyperband_iterations=10_000, seed=seed)


def optuna_suggest(trial: Any, param: Param) -> float:
    """An Optuna trial's value of `param` on its right scale: its coordinate r drawn uniformly
    (log10 v for a log scale, as Optuna's own `log=True`; log10(1 - β) for β), mapped back."""
    r = trial.suggest_float(param.name, *sorted(param.kind.to_r(v) for v in (param.low, param.high)))
    return param.kind.from_r(r)


def optuna_curve(problem: Problem, seed: int) -> list[tuple[float, float]]:
    """Optuna's TPE sampler (its defaults) on the same space (`optuna_suggest`)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
    best, curve = math.inf, []
    for spent in range(1, BUDGET + 1):
        trial = study.ask()
        value = problem.f({p.name: optuna_suggest(trial, p) for p in problem.space})
        study.tell(trial, value)
        best = min(best, value)
        curve.append((float(spent), best - problem.f_star))
    return curve


def search(problem_name: str, algorithm: str, seed: int, c2f: dict[str, Any] | None = None) -> dict[str, Any]:
    """One search of one problem; the regrets at the checkpoints and the trials to the target."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    problem = PROBLEMS[problem_name]
    if algorithm == "optuna tpe":
        start = time.perf_counter()
        return _row(problem, algorithm, seed, c2f, optuna_curve(problem, algorithm_seed(seed)), start)
    oracle = make_oracle(algorithm, problem, algorithm_seed(seed), c2f)
    oracle.verbose = 0
    oracle.save = oracle._save_trial = lambda *args: None  # what is searched, not what is written (tuner_oracle_cost.py)
    start = time.perf_counter()
    spent, best, curve = 0.0, math.inf, []  # (trials spent, best f so far)
    with tempfile.TemporaryDirectory() as directory:
        oracle._set_project_dir(directory, "search")
        while spent < BUDGET - 1e-9:
            trial = oracle.create_trial("tuner0")
            if trial.status != "RUNNING":
                break
            values = trial.hyperparameters.values
            cost = ((values["tuner/epochs"] - values["tuner/initial_epoch"]) / HYPERBAND_EPOCHS
                    if "tuner/epochs" in values else 1.0)
            if spent + cost > BUDGET + 1e-9:
                break
            value = problem.f(values)
            oracle.update_trial(trial.trial_id, {"loss": value})
            trial.status = "COMPLETED"
            oracle.end_trial(trial)
            spent += cost
            best = min(best, value)
            curve.append((spent, best - problem.f_star))
    return _row(problem, algorithm, seed, c2f, curve, start)


def _row(problem: Problem, algorithm: str, seed: int, c2f: dict[str, Any] | None,
         curve: list[tuple[float, float]], start: float) -> dict[str, Any]:
    """A search's row: regret at each checkpoint, trials to the target, seconds."""
    row: dict[str, Any] = {"problem": problem.name, "algorithm": algorithm, "seed": seed, **(c2f or {})}
    for checkpoint in CHECKPOINTS:
        row[f"regret@{checkpoint}"] = min((r for s, r in curve if s <= checkpoint + 1e-9), default=math.inf)
    row["trials_to_target"] = next((s for s, r in curve if r <= problem.target), math.inf)
    row["seconds"] = round(time.perf_counter() - start, 2)
    return row


def grid_report(rows: list[dict[str, Any]], command: str) -> list[str]:
    """Coarse-to-fine settings on the tuning seeds: median regret at 50 over Optuna TPE's, per problem."""
    tpe = {p: _median([r["regret@50"] for r in rows if r["problem"] == p and r["algorithm"] == "optuna tpe"])
           for p in PROBLEMS}
    summary = []
    for setting in GRID:
        entry: dict[str, Any] = dict(setting)
        for p in PROBLEMS:
            mine = [r["regret@50"] for r in rows if r["problem"] == p and r["algorithm"] == "grid"
                    and all(r[k] == v for k, v in setting.items())]
            entry[f"{p} ratio"] = round(_median(mine) / tpe[p], 3)
        entry["worst ratio"] = max(entry[f"{p} ratio"] for p in PROBLEMS)
        summary.append(entry)
    summary.sort(key=lambda entry: entry["worst ratio"])  # the first is the one to report
    return ["# Coarse-to-fine settings on the tuning seeds", "",
            f"Seeds {TUNING_SEEDS.start}-{TUNING_SEEDS.stop - 1}; ratio = median regret at {BUDGET} trials over "
            f"Optuna TPE's (its defaults; "
            + ", ".join(f"{p} {_fmt(v)}" for p, v in tpe.items()) + f"). Command: `{command}`.", "",
            *markdown_table(summary, list(summary[0])), "", f"Machine: {machine()}."]


# --------------------------------------------------------------------------- digits
def digits_search(algorithm: str, seed: int) -> dict[str, Any]:
    """One sweep of the default digits model; best validation accuracy after 8, 16 and 24 trials."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from tuner.config import build_config, load_file
    from tuner.results import read_trials
    from tuner.sweep import run_sweep

    settings, params = load_file(ROOT / "tuner/configs/digits.toml")
    config = build_config({**settings, "algorithm": algorithm, "seed": algorithm_seed(seed), "threads": 1}, params)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        run_sweep(config, f"{directory}/sweep", stream=io.StringIO())
        trials = read_trials(f"{directory}/sweep")
    accuracy = trials["val_accuracy"].where(trials["status"] == "COMPLETED").fillna(0.0).cummax()
    row: dict[str, Any] = {"algorithm": algorithm, "seed": seed}
    for checkpoint in (8, 16, 24):
        row[f"best@{checkpoint}"] = round(float(accuracy.iloc[checkpoint - 1]), 4)
    row["failed"] = int((trials["status"] == "FAILED").sum())
    row["seconds"] = round(time.perf_counter() - start, 1)
    return row


# --------------------------------------------------------------------------- reports
def _median(values: list[float]) -> float:
    return statistics.median(values)


def _fmt(value: float) -> str:
    return "not reached" if math.isinf(value) else f"{value:.3g}"


def synthetic_report(rows: list[dict[str, Any]], seeds: int, command: str) -> list[str]:
    summary, verdicts, against_tpe = [], [], []
    for problem in PROBLEMS:
        for algorithm in ALGORITHMS:
            mine = [r for r in rows if r["problem"] == problem and r["algorithm"] == algorithm]
            entry = {"problem": problem, "algorithm": algorithm, "seeds": len(mine)}
            for checkpoint in CHECKPOINTS:
                entry[f"median regret @{checkpoint}"] = _fmt(_median([r[f"regret@{checkpoint}"] for r in mine]))
            entry["median trials to target"] = _fmt(_median([r["trials_to_target"] for r in mine]))
            entry["seeds reaching target"] = f"{sum(math.isfinite(r['trials_to_target']) for r in mine)}/{len(mine)}"
            summary.append(entry)
        rnd = _median([r["regret@50"] for r in rows if r["problem"] == problem and r["algorithm"] == "kt random"])
        tpe = _median([r["regret@50"] for r in rows if r["problem"] == problem and r["algorithm"] == "optuna tpe"])
        for variant in C2F:
            c2f = _median([r["regret@50"] for r in rows if r["problem"] == problem and r["algorithm"] == variant])
            against_tpe.append({"problem": problem, "coarse-to-fine": variant, "its median regret @50": _fmt(c2f),
                                "optuna TPE's": _fmt(tpe), "goal: <= TPE's": "met" if c2f <= tpe else "NOT met"})
        for variant in C2F:
            c2f = _median([r["regret@50"] for r in rows if r["problem"] == problem and r["algorithm"] == variant])
            ratio = c2f / rnd if rnd > 0 else math.inf
            verdicts.append({"problem": problem, "coarse-to-fine": variant, "its median regret @50": _fmt(c2f),
                             "kt random's": _fmt(rnd), "ratio": f"{ratio:.3f}",
                             "target: ratio <= 0.5": "met" if ratio <= 0.5 else "NOT met"})
    columns = ["problem", "algorithm", "seeds", *(f"median regret @{c}" for c in CHECKPOINTS), "median trials to target",
               "seeds reaching target"]
    return [
        "# Search quality on synthetic problems (tuner vs keras-tuner)", "",
        f"{seeds} seeds per cell (seeds 1-{seeds}; fewer for kt bayesian when the table says so: each of its "
        f"searches takes minutes here), {BUDGET} trials per search (Hyperband: "
        f"{BUDGET * HYPERBAND_EPOCHS} epochs, max_epochs {HYPERBAND_EPOCHS}, factor 3). Coarse-to-fine: "
        + "; ".join(f"{name}: {c['rounds']} rounds of {c['trials_per_round']}, top_k {c['top_k']}, margin "
                    f"{c['margin']}, {c.get('proposal', 'uniform')} draws" for name, c in C2F.items())
        + f" (chosen by `--suite grid` on tuning seeds {TUNING_SEEDS.start}-{TUNING_SEEDS.stop - 1}, which "
        f"are not reported here); right-scale random: the same oracle with 1 round of {BUDGET}. "
        f"Command: `{command}`.", "",
        "## Target: coarse-to-fine's median regret at 50 trials at most half of RandomSearch's", "",
        *markdown_table(verdicts, list(verdicts[0])), "",
        "## Goal: coarse-to-fine's median regret at 50 trials at most Optuna TPE's (same space, same scales)", "",
        *markdown_table(against_tpe, list(against_tpe[0])), "",
        "## Median simple regret and trials to target", "",
        *markdown_table(summary, columns), "",
        "Regret is f(best so far) - f*. Trials to target: trials spent when the regret first falls under the "
        "target (branin 0.1, hartmann6 0.5, valley 0.05); the median is 'not reached' when fewer than half "
        "the seeds reach it within the budget.", "",
        f"Machine: {machine()}.",
    ]


def digits_report(rows: list[dict[str, Any]], seeds: int, command: str, algorithms: tuple[str, ...]) -> list[str]:
    summary = []
    for algorithm in algorithms:
        mine = [r for r in rows if r["algorithm"] == algorithm]
        entry = {"algorithm": algorithm}
        for checkpoint in (8, 16, 24):
            values = [r[f"best@{checkpoint}"] for r in mine]
            entry[f"median best @{checkpoint}"] = f"{_median(values):.4f}"
            entry[f"mean best @{checkpoint}"] = f"{statistics.mean(values):.4f}"
        entry["failed trials"] = sum(r["failed"] for r in mine)
        entry["median seconds per sweep"] = f"{_median([r['seconds'] for r in mine]):.0f}"
        summary.append(entry)
    c2f = _median([r["best@24"] for r in rows if r["algorithm"] == "coarse_to_fine"])
    rnd = _median([r["best@24"] for r in rows if r["algorithm"] == "random"])
    paired = {(r["algorithm"], r["seed"]): r["best@24"] for r in rows}
    wins = sum(paired[("coarse_to_fine", s)] > paired[("random", s)] for s in range(1, seeds + 1))
    ties = sum(paired[("coarse_to_fine", s)] == paired[("random", s)] for s in range(1, seeds + 1))
    verdict = "met" if c2f >= rnd else "NOT met"
    return [
        "# Search quality on the digits model (tuner vs keras-tuner)", "",
        f"The default model and space of tuner/configs/digits.toml (7 parameters), 24 trials of 10 epochs, "
        f"{seeds} seeds, 1 TensorFlow thread per sweep. Objective: validation accuracy (360 images). "
        f"Command: `{command}`.", "",
        f"Target: coarse-to-fine's median best accuracy at 24 trials no worse than RandomSearch's: "
        f"{c2f:.4f} vs {rnd:.4f}, **{verdict}** (coarse-to-fine better on {wins} seeds, equal on {ties}, "
        f"worse on {seeds - wins - ties}).", "",
        *markdown_table(summary, list(summary[0])), "",
        f"Machine: {machine()}.",
    ]


def run_resumable(run: Callable[..., dict[str, Any]], tasks: list[tuple], partial: Path,
                  jobs: int) -> list[dict[str, Any]]:
    """Run `run(*task)` for every task, `jobs` at a time, keeping each finished row in `partial`
    (JSON lines) so that an interrupted benchmark started again skips what it has done."""
    done: dict[str, dict[str, Any]] = {}
    if partial.exists():
        for line in partial.read_text().splitlines():
            entry = json.loads(line)
            done[entry["task"]] = entry["row"]
    todo = [t for t in tasks if json.dumps(t) not in done]
    partial.parent.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool, \
            open(partial, "a") as log:
        for task, row in zip(todo, pool.map(run, *zip(*todo)) if todo else []):
            done[json.dumps(task)] = row
            log.write(json.dumps({"task": json.dumps(task), "row": row}) + "\n")
            log.flush()
            print(row, file=sys.stderr, flush=True)
    return [done[json.dumps(t)] for t in tasks]


def _read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of an earlier results CSV (numbers as numbers, inf included)."""
    import csv

    if not path.exists():
        return []
    rows = []
    with open(path, newline="") as file:
        for row in csv.DictReader(file):
            rows.append({k: (v if k in ("problem", "algorithm") else int(v) if k == "seed" else float(v))
                         for k, v in row.items() if v != ""})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suite", choices=("synthetic", "grid", "digits"), default="synthetic")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2, help="searches run in parallel")
    parser.add_argument("--bayesian-seeds", type=int, help="synthetic: fewer seeds for keras-tuner's Bayesian "
                        "optimization, whose searches take minutes each (default: --seeds)")
    parser.add_argument("--algorithms", nargs="*", help="digits: which (default: coarse_to_fine random bayesian); "
                        "synthetic: run only these, the others' rows read from the last results")
    args = parser.parse_args(argv)
    command = "python benchmarks/tuner_search_quality.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if args.suite == "synthetic":
        bayesian_seeds = min(args.seeds, args.bayesian_seeds or args.seeds)
        tasks = [(p, a, s, None) for p in PROBLEMS for a in ALGORITHMS for s in range(1, args.seeds + 1)
                 if a != "kt bayesian" or s <= bayesian_seeds]
        tasks.sort(key=lambda task: task[1] == "kt bayesian")  # the slow ones (minutes each) last
        kept = []
        if args.algorithms:
            unknown = set(args.algorithms) - set(ALGORITHMS)
            if unknown:
                parser.error(f"unknown algorithm {sorted(unknown)[0]!r}; expected one of {', '.join(ALGORITHMS)}")
            tasks = [t for t in tasks if t[1] in args.algorithms]
            kept = [r for r in _read_rows(RESULTS / "tuner_search_quality.csv")
                    if r["algorithm"] in ALGORITHMS and r["algorithm"] not in args.algorithms
                    and r["seed"] <= args.seeds]
        run = search
    elif args.suite == "grid":
        tasks = [(p, "optuna tpe", s, None) for p in PROBLEMS for s in TUNING_SEEDS]
        tasks += [(p, "grid", s, c) for c in GRID for p in PROBLEMS for s in TUNING_SEEDS]
        run = search
    else:
        algorithms = tuple(args.algorithms or ("coarse_to_fine", "random", "bayesian"))
        tasks = [(a, s) for s in range(1, args.seeds + 1) for a in algorithms]
        run = digits_search
    name = {"synthetic": "tuner_search_quality", "grid": "tuner_search_quality_grid",
            "digits": "tuner_search_quality_digits"}[args.suite]
    rows = run_resumable(run, tasks, RESULTS / f"{name}.partial.jsonl", args.jobs)
    if args.suite == "synthetic":
        rows = kept + rows
        write_results(name, rows, synthetic_report(rows, args.seeds, command))
    elif args.suite == "grid":
        write_results(name, rows, grid_report(rows, command))
    else:
        write_results(name, rows, digits_report(rows, args.seeds, command, algorithms))
    (RESULTS / f"{name}.partial.jsonl").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
