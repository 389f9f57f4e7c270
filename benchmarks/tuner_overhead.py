"""Overhead of a sweep: wall time per trial against a hand-written loop that builds, clears the
session and fits the same models; and the memory of a long sweep.

Time: in one warm process, `tuner.sweep.run_sweep` on the digits config (N trials of 10 epochs,
everything included: data, oracle, keras-tuner's files, trials.csv, seeds), then a loop over
the very same trials (values and seeds read back from trials.csv) that does only
`clear_session(); set_random_seed(seed); build(hp); fit(...)`. The two alternate, `--repeat`
times each; medians are reported. Target: the sweep at most 5 % slower per trial.

Memory: `python -m tuner sweep` of `--memory-trials` one-epoch trials in a subprocess whose
resident memory (VmRSS) is sampled against the number of trials ended. TensorFlow keeps a few MB
after each fit (tensorflow/tensorflow#61791), so the sweep replaces its process (same pid) when
it has grown by `--restart-mb` (default 512) since its first trial: the table shows the peak and
how many restarts that took.

Usage::

    .venv/bin/python benchmarks/tuner_overhead.py [--trials 20] [--repeat 5] [--memory-trials 200]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tuner_common import ROOT, machine, markdown_table, write_results

CONFIG = ROOT / "tuner/configs/digits.toml"


def timed_sweep(trials: int, seed: int, directory: Path) -> float:
    from tuner.config import build_config, load_file
    from tuner.sweep import run_sweep

    settings, params = load_file(CONFIG)
    config = build_config({**settings, "rounds": 2, "trials_per_round": trials // 2, "seed": seed}, params)
    start = time.perf_counter()
    run_sweep(config, directory, stream=io.StringIO())
    return time.perf_counter() - start


def timed_loop(directory: Path, epochs: int) -> float:
    """The same models as the sweep in `directory`, by hand: clear, seed, build, fit."""
    import keras
    import keras_tuner

    from tuner.digits import DigitsMLP, load_data
    from tuner.results import read_trials

    table = read_trials(directory)
    names = [c for c in table.columns if c not in ("trial_id", "round", "status", "val_accuracy", "duration_s",
                                                   "seed", "worker", "error")]
    start = time.perf_counter()
    data = load_data()
    model_builder = DigitsMLP()
    for row in table.itertuples(index=False):
        keras.backend.clear_session()
        keras.utils.set_random_seed(int(row.seed))
        hp = keras_tuner.HyperParameters()
        hp.values = {name: _python(getattr(row, name)) for name in names}
        model = model_builder.build(hp)
        model_builder.fit(hp, model, epochs=epochs, verbose=0, **data)
    return time.perf_counter() - start


def _python(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def time_overhead(trials: int, repeat: int) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        timed_sweep(2, 99, Path(tmp) / "warm-up")  # TensorFlow's first trace, imports
        for rep in range(repeat):
            directory = Path(tmp) / f"sweep{rep}"
            if rep % 2 == 0:
                sweep_s = timed_sweep(trials, rep + 1, directory)
                loop_s = timed_loop(directory, epochs=10)
            else:  # same models need the sweep first: run it twice, time the second
                timed_sweep(trials, rep + 1, Path(tmp) / f"plan{rep}")
                loop_s = timed_loop(Path(tmp) / f"plan{rep}", epochs=10)
                sweep_s = timed_sweep(trials, rep + 1, directory)
            rows.append({"repeat": rep + 1, "trials": trials, "sweep_s": round(sweep_s, 2),
                         "loop_s": round(loop_s, 2), "sweep_ms_per_trial": round(1000 * sweep_s / trials),
                         "loop_ms_per_trial": round(1000 * loop_s / trials),
                         "overhead_pct": round(100 * (sweep_s / loop_s - 1), 1)})
            print(rows[-1], file=sys.stderr, flush=True)
    return rows


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return None
    return None


def ended(directory: Path) -> int:
    try:
        lines = (directory / "trials.csv").read_text().splitlines()[1:]
    except FileNotFoundError:
        return 0
    return sum(",COMPLETED," in line or ",FAILED," in line for line in lines)


def measure_memory(trials: int) -> tuple[list[dict[str, Any]], int]:
    """Resident memory of a `trials`-trial sweep: (rows of trials ended, last and peak MB; restarts)."""
    last: dict[int, float] = {}
    peak: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "sweep"
        command = [sys.executable, "-m", "tuner", "sweep", "--config", str(CONFIG), "--dir", str(directory),
                   "--rounds", "4", "--trials-per-round", str(trials // 4), "--epochs", "1"]
        with open(Path(tmp) / "stderr.txt", "w+") as log:
            process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
                                       env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
            while process.poll() is None:
                rss = rss_mb(process.pid)
                if rss is not None:
                    count = ended(directory)
                    last[count] = rss
                    peak[count] = max(rss, peak.get(count, 0.0))
                time.sleep(0.25)
            log.seek(0)
            restarts = log.read().count("restarting it to free the memory")
    marks = sorted({1, 10, *range(25, trials + 1, 25)} & set(last))
    rows = []
    for n in marks:
        so_far = max(v for k, v in peak.items() if k <= n)
        rows.append({"trials_ended": n, "rss_mb": round(last[n], 1), "peak_so_far_mb": round(so_far, 1)})
    return rows, restarts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=20, help="trials per timed sweep (even)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory-trials", type=int, default=200, help="0 to skip the memory run")
    args = parser.parse_args(argv)
    command = "python benchmarks/tuner_overhead.py " + " ".join(argv if argv is not None else sys.argv[1:])
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    rows = time_overhead(args.trials, args.repeat)
    overhead = statistics.median(r["overhead_pct"] for r in rows)
    verdict = "met" if overhead <= 5.0 else "NOT met"
    sweep_s, loop_s = sum(r["sweep_s"] for r in rows), sum(r["loop_s"] for r in rows)
    trials = args.trials * len(rows)
    lines = [
        "# Overhead of a sweep against a hand-written loop", "",
        f"Digits model, {args.trials} trials of 10 epochs per run, {args.repeat} runs of each, alternating. "
        f"Command: `{command}`.", "",
        f"Target: at most 5 % more wall time per trial. Median of the runs' overheads {overhead:+.1f} %: "
        f"**{verdict}** (all runs together: sweep {1000 * sweep_s / trials:.0f} ms, loop "
        f"{1000 * loop_s / trials:.0f} ms per trial, {100 * (sweep_s / loop_s - 1):+.1f} %).", "",
        *markdown_table(rows, list(rows[0])), "",
    ]
    memory, restarts = measure_memory(args.memory_trials) if args.memory_trials else ([], 0)
    if memory:
        first_peak = next(m["peak_so_far_mb"] for m in memory if m["trials_ended"] >= 10)
        lines += [f"## Memory over {args.memory_trials} trials (one epoch each, the session cleared between "
                  "trials)", "",
                  f"Resident memory of the sweep process (`--restart-mb` at its default): peak over the whole "
                  f"sweep {memory[-1]['peak_so_far_mb']:.0f} MB, against {first_peak:.0f} MB by trial 10; "
                  f"{restarts} restart(s) in place.", "",
                  *markdown_table(memory, ["trials_ended", "rss_mb", "peak_so_far_mb"]), ""]
        rows = rows + [{"repeat": "memory", **m} for m in memory]
    lines.append(f"Machine: {machine()}.")
    write_results("tuner_overhead", rows, lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
