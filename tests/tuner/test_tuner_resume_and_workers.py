"""Sweeps as separate processes: killed with SIGKILL and resumed; restarted in place when memory
grows; a chief and 2 workers on loopback.

Both compare with `tiny_models.reference_sweep`, the oracle driven directly: a resumed or
distributed sweep must draw exactly the trials, rounds and boxes of an uninterrupted one.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import tiny_models

from tuner.results import read_sweep

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 240


def tuner_process(argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    """`python -m tuner ...` in a session of its own, so that it and its workers can be killed together."""
    return subprocess.Popen([sys.executable, "-m", "tuner", *argv], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def finish(process: subprocess.Popen, timeout: float = TIMEOUT_S) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        raise AssertionError(f"tuner did not finish in {timeout} s:\n{err}") from None
    return process.returncode, out, err


def completed(directory: Path) -> int:
    try:
        return int((pd.read_csv(directory / "trials.csv")["status"] == "COMPLETED").sum())
    except (FileNotFoundError, pd.errors.EmptyDataError, KeyError):
        return 0


def runs(log: Path) -> Counter:
    """How many times each set of values was trained (the tiny model logs every run)."""
    return Counter(log.read_text().splitlines())


def assert_same_as_reference(directory: Path, tmp_path: Path, rounds: int, trials_per_round: int) -> pd.DataFrame:
    table = pd.read_csv(directory / "trials.csv", dtype={"trial_id": str})
    expected = tiny_models.reference_sweep(str(tmp_path), rounds, trials_per_round)
    assert list(table["trial_id"]) == sorted(expected) and (table["status"] == "COMPLETED").all()
    for row in table.itertuples():
        assert (row.round, row.learning_rate, row.beta) == (expected[row.trial_id][0],
                                                            *expected[row.trial_id][1].values())
    return table


def test_sweep_killed_with_sigkill_resumes_and_loses_only_the_running_trial(tmp_path, tuner_env):
    directory = tmp_path / "s"
    argv = tiny_models.synthetic_argv(directory, "--rounds", "3", "--trials-per-round", "4")
    env = dict(tuner_env, TUNER_TEST_SLEEP="0.4")
    first = tuner_process(argv, env)
    deadline = time.monotonic() + TIMEOUT_S
    while completed(directory) < 5 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # mid-sweep: round 2 has started
    first.communicate(timeout=30)
    assert first.returncode == -signal.SIGKILL
    ended_before = completed(directory)
    assert 5 <= ended_before < 12

    code, out, err = finish(tuner_process(argv, env))
    assert code == 0, err
    assert f"resuming ({ended_before} of 12 trials ended)" in err
    assert_same_as_reference(directory, tmp_path, rounds=3, trials_per_round=4)
    counts = runs(tmp_path / "runs.log")
    assert len(counts) == 12  # every trial ran ...
    assert sum(counts.values()) - 12 <= 1  # ... once, but the one running when killed may have run twice
    assert read_sweep(directory)["finished"]


def test_sweep_whose_memory_grows_restarts_in_place_and_resumes_without_losing_a_trial(tmp_path, tuner_env):
    directory = tmp_path / "s"
    argv = tiny_models.synthetic_argv(directory, "--rounds", "2", "--trials-per-round", "3", "--restart-mb", "20")
    process = tuner_process(argv, dict(tuner_env, TUNER_TEST_LEAK_MB="16"))
    code, out, err = finish(process)
    assert code == 0, err
    # 16 MB kept per trial: after its first trial a process has room for one more (32 > 20), so
    # trials 1-3 run, the process replaces itself (same pid: Popen saw one process) and runs 4-6
    assert err.count("restarting it to free the memory") == 1, err
    assert "resuming (3 of 6 trials ended)" in err and "done: 6 trials, 6 completed" in err
    assert_same_as_reference(directory, tmp_path, rounds=2, trials_per_round=3)
    counts = runs(tmp_path / "runs.log")
    assert len(counts) == 6 and set(counts.values()) == {1}  # a restart between trials loses nothing
    assert read_sweep(directory)["finished"]


def test_sweep_with_two_workers_runs_every_trial_once_and_keeps_the_rounds(tmp_path, tuner_env):
    directory = tmp_path / "s"
    argv = tiny_models.synthetic_argv(directory, "--rounds", "2", "--trials-per-round", "4", "--workers", "2")
    code, out, err = finish(tuner_process(argv, dict(tuner_env, TUNER_TEST_SLEEP="0.3")))
    assert code == 0, err
    assert "chief serving on 127.0.0.1:" in err and "done: 8 trials, 8 completed" in err
    table = assert_same_as_reference(directory, tmp_path, rounds=2, trials_per_round=4)
    assert set(table["worker"]) == {"worker0", "worker1"}
    counts = runs(tmp_path / "runs.log")
    assert len(counts) == 8 and set(counts.values()) == {1}  # every trial ran exactly once
    log = json.loads((directory / "oracle.json").read_text())["trial_log"]
    round_1 = [log[t] for t in table.loc[table["round"] == 1, "trial_id"]]
    round_2 = [log[t] for t in table.loc[table["round"] == 2, "trial_id"]]
    assert max(t["end"] for t in round_1) <= min(t["start"] for t in round_2)  # round 2 waited for round 1
    assert read_sweep(directory)["finished"]
