"""`tuner sweep` end to end, in this process: records, rerun, failed and NaN trials, other algorithms."""

import json
import math

import pandas as pd
import pytest
import tiny_models

from tuner.cli import main
from tuner.results import read_sweep, read_trials, trial_seed


def sweep(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sweep_runs_the_rounds_and_records_every_trial(capsys, tmp_path, tuner_env):
    code, out, err = sweep(capsys, *tiny_models.synthetic_argv(tmp_path / "s", "--rounds", "2",
                                                               "--trials-per-round", "3"))
    assert code == 0 and out == "", err
    assert "round 2/2:" in err and "[6/6] trial 5  " in err and "done: 6 trials, 6 completed" in err
    trials = read_trials(tmp_path / "s")
    expected = tiny_models.reference_sweep(str(tmp_path), rounds=2, trials_per_round=3)
    assert list(trials["trial_id"]) == sorted(expected)
    for row in trials.itertuples():
        round_number, values = expected[row.trial_id]
        assert (row.round, row.status, row.seed) == (round_number, "COMPLETED", trial_seed(1, row.trial_id))
        assert (row.learning_rate, row.beta) == (values["learning_rate"], values["beta"])
        assert row.val_accuracy == pytest.approx(tiny_models.score(values))
        assert row.duration_s > 0 and row.worker == "tuner0"
    info = read_sweep(tmp_path / "s")
    assert info["finished"] and [r["round"] for r in info["rounds"]] == [1, 2]
    low, high = info["rounds"][1]["box"]["beta"]
    assert all(low <= b <= high for b in trials.loc[trials["round"] == 2, "beta"])


def test_sweep_started_again_when_finished_says_so_and_does_nothing(capsys, tmp_path, tuner_env):
    argv = tiny_models.synthetic_argv(tmp_path / "s", "--rounds", "1", "--trials-per-round", "2")
    assert sweep(capsys, *argv)[0] == 0
    before = (tmp_path / "s" / "trials.csv").read_bytes()
    code, out, err = sweep(capsys, *argv)
    assert (code, out) == (0, "")
    assert "is finished already; nothing to do" in err and "trial " not in err
    assert (tmp_path / "s" / "trials.csv").read_bytes() == before
    assert len((tmp_path / "runs.log").read_text().splitlines()) == 2


def test_sweep_called_in_process_resumes_in_this_process_when_memory_grows(capsys, tmp_path, tuner_env,
                                                                           monkeypatch):
    monkeypatch.setenv("TUNER_TEST_LEAK_MB", "16")
    monkeypatch.setattr(tiny_models, "LEAKED", [])  # given back when the test ends
    code, _, err = sweep(capsys, *tiny_models.synthetic_argv(tmp_path / "s", "--rounds", "2", "--trials-per-round",
                                                             "3", "--restart-mb", "20"))
    assert code == 0, err
    assert err.count("restarting it to free the memory") == 1 and "resuming (3 of 6 trials ended)" in err
    assert len((tmp_path / "runs.log").read_text().splitlines()) == 6 and read_sweep(tmp_path / "s")["finished"]


def test_sweep_with_a_negative_restart_mb_exits_2_naming_it(capsys, tmp_path, tuner_env):
    code, _, err = sweep(capsys, *tiny_models.synthetic_argv(tmp_path / "s", "--restart-mb", "-1"))
    assert code == 2 and err == "tuner: error: --restart-mb must be >= 0. Received: --restart-mb -1\n"


def test_sweep_refuses_a_directory_holding_other_settings(capsys, tmp_path, tuner_env):
    assert sweep(capsys, *tiny_models.synthetic_argv(tmp_path / "s", "--rounds", "2",
                                                     "--trials-per-round", "1"))[0] == 0
    code, _, err = sweep(capsys, *tiny_models.synthetic_argv(tmp_path / "s", "--rounds", "2",
                                                             "--trials-per-round", "1", "--margin", "0.3"))
    assert code == 2 and "holds a sweep with other settings (margin)" in err and err.count("\n") == 1
    code, _, err = sweep(capsys, *tiny_models.synthetic_argv(tmp_path / "s", "--rounds", "1",
                                                             "--trials-per-round", "1"))
    assert code == 2 and err == ("tuner: error: a sweep can be extended, not cut: rounds 2 -> 1 (use another "
                                 "--dir, or --overwrite to start again). Received: rounds=1\n")


def test_a_finished_sweep_extended_keeps_every_trial_and_runs_only_the_new_ones(capsys, tmp_path, tuner_env):
    directory = tmp_path / "s"
    assert sweep(capsys, *tiny_models.synthetic_argv(directory, "--rounds", "2", "--trials-per-round", "3"))[0] == 0
    first = read_trials(directory)
    code, _, err = sweep(capsys, *tiny_models.synthetic_argv(directory, "--rounds", "3", "--trials-per-round", "4"))
    assert code == 0, err
    assert "extending (6 trials kept, 11 in all)" in err and "done: 11 trials, 11 completed" in err
    trials = read_trials(directory)
    pd.testing.assert_frame_equal(trials.head(6)[["trial_id", "round", "learning_rate", "beta", "val_accuracy"]],
                                  first[["trial_id", "round", "learning_rate", "beta", "val_accuracy"]])
    assert list(trials["round"]) == [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]  # round 2 got its 4th trial, then round 3
    assert len((tmp_path / "runs.log").read_text().splitlines()) == 11  # the kept trials did not run again
    info = read_sweep(directory)
    assert info["finished"] and len(info["rounds"]) == 3
    code, _, err = sweep(capsys, *tiny_models.synthetic_argv(directory, "--rounds", "3", "--trials-per-round", "4"))
    assert code == 0 and "is finished already; nothing to do" in err


def test_sweep_records_failed_and_nan_trials_and_goes_on(capsys, tmp_path, tuner_env):
    tiny_models.LAYER_NAMES.clear()
    code, _, err = sweep(capsys, "sweep", "--dir", str(tmp_path / "s"), "--model", "tiny_models:Poisoned",
                         "--data", "tiny_models:load_tiny", "--param", "learning_rate=0.01:0.1:log",
                         "--param", "poison=false,true:choice", "--param", "broken=false,true:choice",
                         "--rounds", "1", "--trials-per-round", "6", "--epochs", "2", "--seed", "2")
    assert code == 0, err
    trials = read_trials(tmp_path / "s")
    assert len(trials) == 6
    broken = trials[trials["broken"]]
    poisoned = trials[~trials["broken"] & trials["poison"]]
    healthy = trials[~trials["broken"] & ~trials["poison"]]
    assert len(broken) and len(poisoned) and len(healthy)
    assert (broken["status"] == "FAILED").all()
    assert broken["error"].str.fullmatch("FailedTrialError: build failed: ValueError: this build is broken "
                                         "on purpose").all()
    assert (poisoned["status"] == "FAILED").all()
    assert poisoned["error"].str.fullmatch("FailedTrialError: loss became nan at epoch 1").all()
    assert (healthy["status"] == "COMPLETED").all() and healthy["val_accuracy"].notna().all()
    assert "failed (FailedTrialError: loss became nan at epoch 1)" in err
    # the session is cleared before every trial's build: layer names start again from "dense" each
    # time (the first build is keras-tuner's, which reads the search space before the trials)
    assert tiny_models.LAYER_NAMES[1:] == ["dense"] * (len(poisoned) + len(healthy))


def test_sweep_stops_with_one_line_after_too_many_failures_in_a_row(capsys, tmp_path, tuner_env):
    config = tmp_path / "broken.toml"
    config.write_text('[sweep]\nmax_consecutive_failed_trials = 2\n[model]\nbuild = "tiny_models:Poisoned"\n'
                      'data = "tiny_models:load_tiny"\n[params]\nlearning_rate = "0.01:0.1:log"\n'
                      'broken = { choices = [true] }\npoison = { choices = [false] }\n')
    code, out, err = sweep(capsys, "sweep", "--config", str(config), "--dir", str(tmp_path / "s"))
    assert (code, out) == (1, "")
    last = err.strip().splitlines()[-1]
    assert last.startswith("tuner: error: stopped after 2 failed trials in a row (last: FailedTrialError: "
                           "build failed: ValueError: this build is broken on purpose)")
    assert list(read_trials(tmp_path / "s")["status"]) == ["FAILED", "FAILED"]


@pytest.mark.parametrize("model, objective, message", [
    ("tiny_models:Tiny", "val_nosuch", "the model never reports the objective 'val_nosuch'; it reports: accuracy, "
                                      "loss, val_accuracy, val_loss. Received: objective='val_nosuch'"),
    ("tiny_models:Synthetic", "val_nosuch", "Expected the returned dictionary from HyperModel.fit() to have the "
                                           "specified objective, val_nosuch, as one of the keys. Received: "
                                           "{'val_accuracy': 0.4618206808220231}."),  # keras-tuner's own check
    ("tiny_models:not_a_model", "val_accuracy", "build(hp) must return a keras.Model. Received: 'not a model'"),
])
def test_sweep_that_can_never_score_stops_at_the_first_trial_with_one_line(capsys, tmp_path, tuner_env, model,
                                                                           objective, message):
    code, out, err = sweep(capsys, "sweep", "--dir", str(tmp_path / "s"), "--model", model,
                           "--data", "tiny_models:load_tiny", "--param", "learning_rate=0.01:0.1:log",
                           "--param", "beta=0.9:0.99:one_minus_log", "--objective", objective,
                           "--rounds", "2", "--trials-per-round", "3", "--epochs", "50")
    assert (code, out) == (2, ""), err
    assert err.strip().splitlines()[-1] == f"tuner: error: {message}"
    assert "Traceback" not in err
    assert len(read_trials(tmp_path / "s")) <= 1  # the first trial, after one epoch


def test_sweep_whose_every_trial_failed_exits_non_zero(capsys, tmp_path, tuner_env):
    code, out, err = sweep(capsys, "sweep", "--dir", str(tmp_path / "s"), "--model", "tiny_models:Poisoned",
                           "--data", "tiny_models:load_tiny", "--param", "learning_rate=0.01:0.1:log",
                           "--param", "broken=true:choice", "--param", "poison=false:choice",
                           "--rounds", "1", "--trials-per-round", "3")
    assert (code, out) == (1, ""), err
    assert err.strip().splitlines()[-1] == ("tuner: error: every trial failed (3 of 3); "
                                            f"`tuner report --dir {tmp_path / 's'}` shows their errors")


def test_sweep_with_prune_stops_trials_behind_their_round_and_says_what_it_saved(capsys, tmp_path, tuner_env):
    directory = tmp_path / "s"
    code, _, err = sweep(capsys, "sweep", "--dir", str(directory), "--model", "tiny_models:Tiny",
                         "--data", "tiny_models:load_tiny", "--param", "learning_rate=1e-5:1:log",
                         "--rounds", "1", "--trials-per-round", "10", "--epochs", "6", "--prune")
    assert code == 0, err
    trials = read_trials(directory)
    pruned = trials[trials["pruned_at_epoch"].notna()]
    assert 1 <= len(pruned) <= 10 - 3  # the first three full-length trials of a round are never stopped
    saved = int((6 - pruned["pruned_at_epoch"]).sum())
    assert f"pruning stopped {len(pruned)} of 10 trials early: {saved} of 60 epochs saved" in err
    curves = json.loads((directory / "oracle.json").read_text())["coarse_to_fine"]["curves"]
    for row in trials.itertuples():  # a stopped trial trained to its epoch, keeping the best it reached
        epochs = len(curves[row.trial_id])
        assert epochs == (6 if math.isnan(row.pruned_at_epoch) else row.pruned_at_epoch)
        assert row.val_accuracy == pytest.approx(max(curves[row.trial_id].values()))
    assert (pruned["val_accuracy"] < trials["val_accuracy"].max()).all()


def test_sweep_with_tensorboard_logs_each_trial_with_its_hyperparameters(capsys, tmp_path, tuner_env):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.plugins.hparams import plugin_data_pb2

    code, _, err = sweep(capsys, "sweep", "--dir", str(tmp_path / "s"), "--model", "tiny_models:Tiny",
                         "--data", "tiny_models:load_tiny", "--param", "learning_rate=0.01:0.1:log",
                         "--rounds", "1", "--trials-per-round", "2", "--epochs", "2", "--tensorboard")
    assert code == 0, err
    assert f"tensorboard --logdir {tmp_path / 's' / 'tensorboard'}" in err
    trials = read_trials(tmp_path / "s")
    for row in trials.itertuples():
        run = tmp_path / "s" / "tensorboard" / row.trial_id / "execution0"
        events = EventAccumulator(str(run), size_guidance={"tensors": 0})
        events.Reload()
        start = plugin_data_pb2.HParamsPluginData.FromString(
            events.PluginTagToContent("hparams")["_hparams_/session_start_info"]).session_start_info
        assert start.hparams["learning_rate"].number_value == pytest.approx(row.learning_rate)
        validation = EventAccumulator(str(run / "validation"), size_guidance={"tensors": 0})
        validation.Reload()
        assert len(validation.Tensors("epoch_accuracy")) == 2  # the objective's curve, per epoch


@pytest.mark.parametrize("algorithm, settings, trials", [
    ("random", ["--max-trials", "3"], 3),
    ("bayesian", ["--max-trials", "4"], 4),
])
def test_sweep_runs_keras_tuners_random_search_and_bayesian_optimization(capsys, tmp_path, tuner_env,
                                                                         algorithm, settings, trials):
    code, _, err = sweep(capsys, *tiny_models.synthetic_argv(tmp_path / "s", "--algorithm", algorithm, *settings))
    assert code == 0, err
    table = read_trials(tmp_path / "s")
    assert len(table) == trials and (table["status"] == "COMPLETED").all() and (table["round"] == 1).all()
    assert read_sweep(tmp_path / "s")["algorithm"] == algorithm


def test_sweep_runs_keras_tuners_hyperband_continuing_trials_from_their_weights(capsys, tmp_path, tuner_env):
    code, _, err = sweep(capsys, "sweep", "--dir", str(tmp_path / "s"), "--model", "tiny_models:Tiny",
                         "--data", "tiny_models:load_tiny", "--param", "learning_rate=1e-3:1:log",
                         "--algorithm", "hyperband", "--epochs", "3")
    assert code == 0, err
    table = read_trials(tmp_path / "s")
    # max_epochs 3, factor 3: 3 trials of 1 epoch, the best continued to 3 epochs, then 2 trials of 3
    assert len(table) == 6 and (table["status"] == "COMPLETED").all()
    assert sorted(table["tuner/epochs"]) == [1, 1, 1, 3, 3, 3]
    assert table["tuner/trial_id"].notna().sum() == 1


def test_sweep_results_load_back_in_keras_tuner(capsys, tmp_path, tuner_env):
    """The sweep directory is a keras-tuner project: a Tuner reloads it and knows the best trial."""
    from tuner.config import build_config, parse_cli_params
    from tuner.sweep import SweepTuner, make_oracle

    argv = tiny_models.synthetic_argv(tmp_path / "s", "--rounds", "2", "--trials-per-round", "2")
    assert sweep(capsys, *argv)[0] == 0
    config = build_config({"rounds": 2, "trials_per_round": 2, "model": "tiny_models:Synthetic"},
                          parse_cli_params(["learning_rate=1e-5:1:log", "beta=0.9:0.9999:one_minus_log"]))
    tuner = SweepTuner(make_oracle(config), tiny_models.Synthetic(), sweep_seed=1, directory=str(tmp_path),
                       project_name="s")
    best = tuner.get_best_hyperparameters(1)[0].values
    table = read_trials(tmp_path / "s").sort_values("val_accuracy", ascending=False)
    assert best == {"learning_rate": table.iloc[0]["learning_rate"], "beta": table.iloc[0]["beta"]}
    assert tuner.oracle.current_round == 1 and tuner.remaining_trials == 0


def test_sweep_json_and_trials_csv_need_only_pandas(tmp_path, capsys, tuner_env):
    assert sweep(capsys, *tiny_models.synthetic_argv(tmp_path / "s", "--rounds", "1",
                                                     "--trials-per-round", "2"))[0] == 0
    table = pd.read_csv(tmp_path / "s" / "trials.csv")
    assert {"trial_id", "round", "status", "val_accuracy", "learning_rate", "beta", "duration_s", "seed"} \
        <= set(table.columns)
    info = json.loads((tmp_path / "s" / "sweep.json").read_text())
    assert info["space"][1] == {"name": "beta", "scale": "one_minus_log", "low": 0.9, "high": 0.9999}
    assert math.isclose(info["rounds"][0]["box"]["beta"][1], 0.9999)
