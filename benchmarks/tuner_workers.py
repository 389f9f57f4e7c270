"""Throughput of keras-tuner's chief/worker mode on one machine: trials per minute with 1 and 2 workers.

Each run is `python -m tuner sweep --config tuner/configs/digits.toml --workers N` (a chief and N
worker processes over 127.0.0.1; each worker gets cores // N TensorFlow threads) with
`--rounds R --trials-per-round T`. Throughput is trials / (last end - first start) from the
chief's trial log, so TensorFlow's start-up is left out; the command's whole wall time is
reported too. Runs alternate between 1 and 2 workers, `--repeat` times each; medians are reported.
Target: 2 workers at least 1.6x the trials per minute of 1.

Usage::

    .venv/bin/python benchmarks/tuner_workers.py [--rounds 2] [--trials-per-round 12] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tuner_common import ROOT, machine, markdown_table, write_results


def run(workers: int, rounds: int, per_round: int, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "sweep"
        command = [sys.executable, "-m", "tuner", "sweep", "--config", "tuner/configs/digits.toml",
                   "--dir", str(directory), "--rounds", str(rounds), "--trials-per-round", str(per_round),
                   "--seed", str(seed), "--workers", str(workers)]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600,
                              env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
        log = json.loads((directory / "oracle.json").read_text())["trial_log"].values()
        span = max(t["end"] for t in log) - min(t["start"] for t in log)
        per_worker = {}
        for entry in log:
            per_worker[entry["worker"]] = per_worker.get(entry["worker"], 0) + 1
    trials = rounds * per_round
    return {"workers": workers, "seed": seed, "trials": trials, "trial_span_s": round(span, 1),
            "wall_s": round(wall, 1), "trials_per_min": round(60 * trials / span, 2),
            "trials_by_worker": " ".join(f"{k}:{v}" for k, v in sorted(per_worker.items()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--trials-per-round", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    command = "python benchmarks/tuner_workers.py " + " ".join(argv if argv is not None else sys.argv[1:])
    rows = []
    for rep in range(args.repeat):
        for workers in ((1, 2) if rep % 2 == 0 else (2, 1)):
            rows.append(run(workers, args.rounds, args.trials_per_round, seed=rep + 1))
            print(rows[-1], file=sys.stderr, flush=True)
    rate = {n: statistics.median(r["trials_per_min"] for r in rows if r["workers"] == n) for n in (1, 2)}
    wall = {n: statistics.median(r["wall_s"] for r in rows if r["workers"] == n) for n in (1, 2)}
    speedup = rate[2] / rate[1]
    verdict = "met" if speedup >= 1.6 else "NOT met"
    lines = [
        "# Trials per minute with 1 and 2 workers (chief and workers on 127.0.0.1)", "",
        f"Digits model, {args.rounds} rounds of {args.trials_per_round} trials (10 epochs each), "
        f"{args.repeat} runs of each. Command: `{command}`.", "",
        f"Target: 2 workers at least 1.6x the trials per minute of 1. Median: {rate[1]:.1f} vs {rate[2]:.1f} "
        f"trials/min, **{speedup:.2f}x: {verdict}** (whole command, start-up included: {wall[1]:.0f} s vs "
        f"{wall[2]:.0f} s, {wall[1] / wall[2]:.2f}x).", "",
        *markdown_table(rows, list(rows[0])), "",
        f"Machine: {machine()}.",
    ]
    write_results("tuner_workers", rows, lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
