"""tuner.config: TOML files, command-line overrides and up-front validation (no TensorFlow)."""

from pathlib import Path

import pytest

from tuner.config import ConfigError, SweepConfig, build_config, load_file, parse_cli_params
from tuner.space import Param

ROOT = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sweep.toml"
    path.write_text(text)
    return path


def test_load_file_reads_tables_and_every_param_form(tmp_path):
    path = _write(tmp_path, """
[sweep]
rounds = 4
margin = 0.2
[model]
build = "pkg.mod:build"
epochs = 3
[params]
learning_rate = "1e-4:1:log"
beta = { low = 0.9, high = 0.999, scale = "one_minus_log" }
batch_norm = { choices = [false, true] }
""")
    settings, params = load_file(path)
    assert settings == {"rounds": 4, "margin": 0.2, "model": "pkg.mod:build", "epochs": 3}
    assert params == (Param("learning_rate", "log", 1e-4, 1), Param("beta", "one_minus_log", 0.9, 0.999),
                      Param("batch_norm", "choice", choices=(False, True)))


def test_build_config_lets_the_command_line_win_and_replace_a_param():
    config = build_config({"rounds": 4, "seed": 3}, (Param("lr", "log", 1e-4, 1), Param("k", "linear", 0, 1)),
                          {"rounds": 2, "seed": None}, parse_cli_params(["lr=1e-3:1e-1:log"]))
    assert (config.rounds, config.seed) == (2, 3)
    assert config.space == (Param("lr", "log", 1e-3, 1e-1), Param("k", "linear", 0, 1))
    assert config.total_trials == 2 * config.trials_per_round


def test_build_config_infers_the_direction_from_the_objective():
    space = parse_cli_params(["lr=1e-4:1:log"])
    assert build_config({"objective": "val_loss"}, space).direction == "min"
    assert build_config({}, space).direction == "max"
    assert build_config({"objective": "val_loss", "direction": "max"}, space).direction == "max"


def test_parse_cli_params_says_which_param_is_bad():
    with pytest.raises(ConfigError) as error:
        parse_cli_params(["learning_rate=1:1e-4:log"])
    assert str(error.value) == ("invalid --param learning_rate=1:1e-4:log: low must be < high. "
                                "Received: low=1, high=0.0001")


@pytest.mark.parametrize("text, message", [
    ("[sweep]\ntrials_per_rnd = 3\n", "unknown key 'trials_per_rnd' in [sweep] of"),
    ("[sweeps]\nrounds = 3\n", "unknown table [sweeps] in"),
    ("[params]\nbeta = { low = 0.9, high = 1.0, scale = \"one_minus_log\" }\n",
     "invalid [params] beta in"),
    ("[params]\nlr = { low = 1, high = 2, scal = \"log\" }\n", "unknown key 'scal'"),
    ("[params]\nlr = 3\n", "expected \"LOW:HIGH:SCALE\""),
    ("rounds = = 3\n", "is not valid TOML"),
])
def test_load_file_rejects_a_bad_file_in_one_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        load_file(_write(tmp_path, text))
    assert message in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize("settings, message", [
    ({"rounds": 0}, "rounds must be an integer >= 1. Received: rounds=0"),
    ({"seed": 0}, "seed must be an integer >= 1. Received: seed=0"),
    ({"margin": -0.1}, "margin must be a number >= 0. Received: margin=-0.1"),
    ({"algorithm": "grid"}, "algorithm must be one of coarse_to_fine, random, bayesian, hyperband"),
    ({"direction": "up"}, "direction must be 'max' or 'min'"),
    ({"model": "tuner.digits.DigitsMLP"}, "model must be written module:attribute"),
    ({"trials_per_round": 2.5}, "trials_per_round must be an integer >= 1. Received: trials_per_round=2.5"),
    ({"max_trials": True}, "max_trials must be an integer >= 1"),
])
def test_build_config_rejects_a_bad_setting_naming_it(settings, message):
    with pytest.raises(ConfigError) as error:
        build_config(settings, parse_cli_params(["lr=1e-4:1:log"]))
    assert message in str(error.value)


def test_build_config_needs_a_space():
    with pytest.raises(ConfigError, match="nothing to tune"):
        build_config({}, ())


def test_load_file_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_file(tmp_path / "missing.toml")


def test_fingerprint_ignores_run_only_settings():
    space = parse_cli_params(["lr=1e-4:1:log"])
    assert build_config({"threads": 1}, space).fingerprint() == build_config({"threads": 2}, space).fingerprint()
    assert build_config({"rounds": 2}, space).fingerprint() != build_config({"rounds": 3}, space).fingerprint()


def test_the_digits_config_of_make_tune_is_valid():
    settings, params = load_file(ROOT / "tuner/configs/digits.toml")
    config = build_config(settings, params)
    assert isinstance(config, SweepConfig) and config.algorithm == "coarse_to_fine"
    assert {p.name for p in config.space} == {"learning_rate", "beta", "hidden_units", "lambd", "keep_prob",
                                               "batch_size", "batch_norm"}
