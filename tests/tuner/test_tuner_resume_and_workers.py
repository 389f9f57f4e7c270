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
    before = pd.read_csv(directory / "trials.csv")
    done_before = [json.dumps({"beta": r.beta, "learning_rate": r.learning_rate}, sort_keys=True)
                   for r in before.itertuples() if r.status == "COMPLETED"]

    code, out, err = finish(tuner_process(argv, env))
    assert code == 0, err
    assert f"resuming ({ended_before} of 12 trials ended)" in err
    assert_same_as_reference(directory, tmp_path, rounds=3, trials_per_round=4)
    counts = runs(tmp_path / "runs.log")
    assert len(counts) == 12  # every trial ran ...
    assert sum(counts.values()) - 12 <= 1  # ... once, but the one running when killed may have run twice
    assert all(counts[values] == 1 for values in done_before)  # what had ended is not run again
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


def test_workers_that_stop_on_a_wrong_objective_stop_the_chief_with_exit_2(tmp_path, tuner_env):
    """Each worker says why (one line each); the chief does not say "resume": it would fail again."""
    argv = tiny_models.synthetic_argv(tmp_path / "s", "--rounds", "2", "--trials-per-round", "4", "--workers", "2",
                                      "--objective", "val_nosuch")
    code, out, err = finish(tuner_process(argv, tuner_env))
    assert (code, out) == (2, ""), err
    assert "specified objective, val_nosuch, as one of the keys" in err, err  # keras-tuner's line, from a worker
    assert err.strip().splitlines()[-1].startswith(
        "tuner: error: the workers stopped on an error in the sweep's settings (their line is above)")
    assert "resume" not in err and "Traceback" not in err


def _children(pid: int) -> list[int]:
    """The processes `pid` started (Linux's /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _tuner_id(pid: int) -> str:
    """A worker's KERASTUNER_TUNER_ID."""
    variables = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return next(v.split(b"=", 1)[1].decode() for v in variables if v.startswith(b"KERASTUNER_TUNER_ID="))


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_for_running(directory: Path, process: subprocess.Popen, workers: int) -> pd.DataFrame:
    """trials.csv once `workers` trials run at the same time."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            table = pd.read_csv(directory / "trials.csv", dtype={"trial_id": str})
        except (FileNotFoundError, pd.errors.EmptyDataError):
            table = None
        if table is not None and (table["status"] == "RUNNING").sum() == workers:
            return table
        time.sleep(0.05)
    raise AssertionError(f"never saw {workers} trials running: {finish(process)}")


def test_a_worker_killed_mid_trial_loses_its_trial_to_another_and_the_sweep_ends(tmp_path, tuner_env):
    directory = tmp_path / "s"
    argv = tiny_models.synthetic_argv(directory, "--rounds", "2", "--trials-per-round", "4", "--workers", "2",
                                      "--worker-timeout", "5")
    chief = tuner_process(argv, dict(tuner_env, TUNER_TEST_SLEEP="1.5"))
    running = _wait_for_running(directory, chief, workers=2)
    victim = running.loc[running["status"] == "RUNNING"].iloc[0]
    pids = {_tuner_id(pid): pid for pid in _children(chief.pid)}
    os.kill(pids[victim["worker"]], signal.SIGKILL)
    killed_at = time.time()
    code, out, err = finish(chief)
    assert code == 0, err
    assert f"trial {victim['trial_id']} lost ({victim['worker']} sent nothing for 5 s)" in err
    assert "done: 8 trials, 8 completed" in err and "finished without " + victim["worker"] in err
    table = assert_same_as_reference(directory, tmp_path, rounds=2, trials_per_round=4)
    log = json.loads((directory / "oracle.json").read_text())["trial_log"]
    again = log[victim["trial_id"]]
    assert again["lost"] == 1 and again["worker"] != victim["worker"]
    print(f"\nSIGKILL to the lost trial running again elsewhere: {again['start'] - killed_at:.2f} s")
    assert again["start"] - killed_at < 5 + 3  # the timeout, then a heartbeat, a poll and a busy machine
    counts = runs(tmp_path / "runs.log")
    lost = json.dumps({"beta": victim["beta"], "learning_rate": victim["learning_rate"]}, sort_keys=True)
    assert len(counts) == 8 and counts[lost] in (1, 2)  # the lost one ran again (it may not have begun)
    assert all(n == 1 for values, n in counts.items() if values != lost)  # every other trial once
    assert table.loc[table["trial_id"] == victim["trial_id"], "worker"].item() == again["worker"]
    assert read_sweep(directory)["finished"]


def test_stopping_the_chief_stops_its_workers(tmp_path, tuner_env):
    directory = tmp_path / "s"
    argv = tiny_models.synthetic_argv(directory, "--rounds", "2", "--trials-per-round", "4", "--workers", "2")
    chief = tuner_process(argv, dict(tuner_env, TUNER_TEST_SLEEP="5"))
    _wait_for_running(directory, chief, workers=2)
    workers = _children(chief.pid)
    assert len(workers) == 2
    chief.send_signal(signal.SIGTERM)
    chief.communicate(timeout=60)
    assert chief.returncode == 143
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def test_pruning_stops_trials_of_workers_through_the_chief(tmp_path, tuner_env):
    directory = tmp_path / "s"
    argv = ["sweep", "--dir", str(directory), "--model", "tiny_models:Tiny", "--data", "tiny_models:load_tiny",
            "--param", "learning_rate=1e-5:1:log", "--rounds", "1", "--trials-per-round", "10", "--epochs", "6",
            "--prune", "--workers", "2"]
    code, out, err = finish(tuner_process(argv, tuner_env))
    assert code == 0, err
    table = pd.read_csv(directory / "trials.csv", dtype={"trial_id": str})
    pruned = table[table["pruned_at_epoch"].notna()]
    assert len(pruned) >= 1 and table["worker"].str.startswith("worker").all()
    saved = int((6 - pruned["pruned_at_epoch"]).sum())
    assert f"pruning stopped {len(pruned)} of 10 trials early: {saved} of 60 epochs saved" in err
