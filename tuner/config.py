"""A sweep's settings, from a TOML file and the command line, validated before anything runs.

A config file has three tables; every key is optional and the command line overrides it:

```toml
[sweep]
algorithm = "coarse_to_fine"    # or "random", "bayesian", "hyperband" (keras-tuner's own)
rounds = 3                      # coarse_to_fine: rounds of trials_per_round trials
trials_per_round = 6
top_k = 3                       # the next round's box holds the top_k best trials so far
margin = 0.15                   # ... widened by margin x the round's width on each side
max_trials = 18                 # random, bayesian (default rounds x trials_per_round)
objective = "val_accuracy"
direction = "max"               # default: "min" for names ending in loss/error, else "max"
seed = 1

[model]
build = "tuner.digits:DigitsMLP"   # module:attribute, a build(hp) function or a HyperModel
data = "tuner.digits:load_data"    # module:function returning model.fit keyword arguments
epochs = 10

[params]
learning_rate = "1e-4:1:log"                                      # as on the command line
beta = { low = 0.9, high = 0.999, scale = "one_minus_log" }
batch_norm = { choices = [false, true] }
```

Every error is one line that names the bad value, e.g.
`invalid --param learning_rate=1:1e-4:log: low must be < high. Received: low=1, high=0.0001`.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tuner.errors import ConfigError
from tuner.space import Param, SpaceError, normalize_choices, parse_param

ALGORITHMS = ("coarse_to_fine", "random", "bayesian", "hyperband")
DIRECTIONS = ("max", "min")
PROPOSALS = ("uniform", "surrogate")  # how coarse-to-fine draws inside a round's box (`tuner.oracle`)
DEFAULT_MODEL = "tuner.digits:DigitsMLP"
DEFAULT_DATA = "tuner.digits:load_data"


@dataclass(frozen=True)
class SweepConfig:
    """Everything that defines a sweep, plus how to run it.

    Args:
        space: the parameters to tune.
        algorithm: one of `ALGORITHMS`.
        rounds, trials_per_round, top_k, margin: the coarse-to-fine settings.
        proposal: coarse-to-fine only: "uniform" (each trial drawn uniformly in the box, the
            course's rule) or "surrogate" (the best of many candidates by a surrogate of the
            objective fitted to the trials so far; `tuner.oracle`).
        prune: coarse-to-fine only: stop a trial whose objective so far is behind its round's
            median at the same epoch (the median stopping rule; `tuner.oracle`).
        max_trials: trials for random and bayesian (None: rounds x trials_per_round).
        hyperband_iterations: full Hyperband iterations (hyperband's max_epochs is `epochs`).
        objective, direction: what to optimise and which way.
        seed: the sweep's seed, >= 1 (keras-tuner reads a seed of 0 as "no seed").
        model: `module:attribute` of a `build(hp)` function, a `HyperModel` class or instance.
        data: `module:attribute` of a function returning the keyword arguments of `model.fit`.
        epochs: epochs per trial (hyperband: the most a trial trains).
        batch_size: `fit`'s batch size when the model does not tune it (None: Keras's default).
        max_consecutive_failed_trials: stop the sweep after this many failures in a row.
        save_models: keep each trial's best weights (for `get_best_models`; hyperband always does).
        threads: TensorFlow threads per process (None: TensorFlow's choice).
        tensorboard: log each trial for TensorBoard, with its hyperparameters (the HParams
            dashboard shows the sweep), under `<dir>/tensorboard/`.
        worker_timeout: seconds without a word from a worker (it sends one every second while it
            trains) after which the chief gives its trial to another worker.
    """

    space: tuple[Param, ...] = ()
    algorithm: str = "coarse_to_fine"
    rounds: int = 3
    trials_per_round: int = 6
    top_k: int = 3
    margin: float = 0.15
    proposal: str = "uniform"
    prune: bool = False
    max_trials: int | None = None
    hyperband_iterations: int = 1
    objective: str = "val_accuracy"
    direction: str = "max"
    seed: int = 1
    model: str = DEFAULT_MODEL
    data: str = DEFAULT_DATA
    epochs: int = 10
    batch_size: int | None = None
    max_consecutive_failed_trials: int = 10
    save_models: bool = False
    threads: int | None = None
    worker_timeout: float = 30.0
    tensorboard: bool = False
    # Settings that do not change what is searched: a resumed sweep may change them.
    RUN_ONLY = ("max_consecutive_failed_trials", "save_models", "threads", "worker_timeout", "tensorboard")

    @property
    def total_trials(self) -> int | None:
        """Trials the sweep will run (None for hyperband, whose count follows from its brackets)."""
        if self.algorithm == "coarse_to_fine":
            return self.rounds * self.trials_per_round
        if self.algorithm == "hyperband":
            return None
        return self.max_trials or self.rounds * self.trials_per_round

    def fingerprint(self) -> dict[str, Any]:
        """The settings that define the search: a sweep resumes only with the same fingerprint."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in self.RUN_ONLY}
        data["space"] = [p.to_dict() for p in self.space]
        return data


# Keys of each table of a config file, and the field each one sets.
_TABLES: dict[str, dict[str, str]] = {
    "sweep": {k: k for k in ("algorithm", "rounds", "trials_per_round", "top_k", "margin", "proposal", "prune", "max_trials",
                             "hyperband_iterations", "objective", "direction", "seed",
                             "max_consecutive_failed_trials", "worker_timeout", "tensorboard")},
    "model": {"build": "model", "data": "data", "epochs": "epochs", "batch_size": "batch_size",
              "save_models": "save_models", "threads": "threads"},
}


def infer_direction(objective: str) -> str:
    """"min" for a loss or an error, "max" for anything else (accuracy, AUC, ...)."""
    return "min" if objective.endswith(("loss", "error", "mse", "mae")) else "max"


def load_file(path: Path | str) -> tuple[dict[str, Any], tuple[Param, ...]]:
    """Settings and parameters of a TOML config file.

    Raises:
        ConfigError: unreadable file, unknown table or key, or an invalid parameter.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found. Received: --config {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"--config must name a TOML file, not a folder. Received: --config {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the config file ({getattr(error, 'strerror', None) or error}). "
                          f"Received: --config {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    unknown = set(data) - set(_TABLES) - {"params"}
    if unknown:
        raise ConfigError(f"unknown table [{sorted(unknown)[0]}] in {path}; expected [sweep], [model], [params]")
    settings: dict[str, Any] = {}
    for table, keys in _TABLES.items():
        for key, value in data.get(table, {}).items():
            if key not in keys:
                raise ConfigError(f"unknown key {key!r} in [{table}] of {path}; expected one of "
                                  f"{', '.join(keys)}")
            settings[keys[key]] = value
    params = tuple(_param_from_toml(name, value, path) for name, value in data.get("params", {}).items())
    return settings, params


def _param_from_toml(name: str, value: Any, path: Path) -> Param:
    where = f"invalid [params] {name} in {path}"
    try:
        if isinstance(value, str):
            return parse_param(f"{name}={value}")
        if not isinstance(value, Mapping):
            raise SpaceError('expected "LOW:HIGH:SCALE" or a table {low, high, scale} or {choices}. '
                             f"Received: {value!r}")
        unknown = set(value) - {"low", "high", "scale", "choices"}
        if unknown:
            raise SpaceError(f"unknown key {sorted(unknown)[0]!r}; expected low, high, scale, choices")
        if "choices" in value:
            return Param(name, value.get("scale", "choice"), value.get("low"), value.get("high"),
                         normalize_choices(value["choices"]))
        return Param(name, value.get("scale", "linear"), value.get("low"), value.get("high"))
    except SpaceError as error:
        raise ConfigError(f"{where}: {error}") from None


def parse_cli_params(specs: Sequence[str]) -> tuple[Param, ...]:
    """`--param` values, each `NAME=LOW:HIGH:SCALE` or `NAME=V1,V2:choice`."""
    params: dict[str, Param] = {}
    for spec in specs:
        try:
            param = parse_param(spec)
        except SpaceError as error:
            raise ConfigError(f"invalid --param {spec}: {error}") from None
        if param.name in params:
            raise ConfigError(f"--param {param.name} is given twice; give each parameter once. "
                              f"Received: --param {params[param.name].spec()} and --param {spec}")
        params[param.name] = param
    return tuple(params.values())


def build_config(file_settings: Mapping[str, Any] | None = None, file_params: Sequence[Param] = (),
                 cli_settings: Mapping[str, Any] | None = None, cli_params: Sequence[Param] = ()) -> SweepConfig:
    """Merge file and command line (the command line wins, a `--param` replaces its namesake) and validate.

    Raises:
        ConfigError: a setting of the wrong type or out of range, or an empty space.
    """
    settings = dict(file_settings or {})
    settings.update({k: v for k, v in (cli_settings or {}).items() if v is not None})
    space = {p.name: p for p in file_params}
    space.update({p.name: p for p in cli_params})
    if "direction" not in settings:
        settings["direction"] = infer_direction(settings.get("objective", SweepConfig.objective))
    config = SweepConfig(space=tuple(space.values()), **settings)
    _validate(config)
    return config


def _validate(config: SweepConfig) -> None:
    def fail(name: str, rule: str) -> None:
        raise ConfigError(f"{name} {rule}. Received: {name}={getattr(config, name)!r}")

    if not config.space:
        raise ConfigError("nothing to tune: give parameters with --param NAME=LOW:HIGH:SCALE "
                          "or a [params] table in --config")
    if config.algorithm not in ALGORITHMS:
        fail("algorithm", f"must be one of {', '.join(ALGORITHMS)}")
    if config.direction not in DIRECTIONS:
        fail("direction", "must be 'max' or 'min'")
    for name in ("rounds", "trials_per_round", "top_k", "seed", "epochs", "hyperband_iterations",
                 "max_consecutive_failed_trials"):
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            fail(name, "must be an integer >= 1")
    for name in ("max_trials", "batch_size", "threads"):
        value = getattr(config, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            fail(name, "must be an integer >= 1")
    if isinstance(config.margin, bool) or not isinstance(config.margin, (int, float)) or not config.margin >= 0:
        fail("margin", "must be a number >= 0")
    if (isinstance(config.worker_timeout, bool) or not isinstance(config.worker_timeout, (int, float))
            or not config.worker_timeout >= 3):
        fail("worker_timeout", "must be a number of seconds >= 3 (a worker's heartbeat comes every second)")
    for name in ("save_models", "tensorboard", "prune"):
        if not isinstance(getattr(config, name), bool):
            fail(name, "must be true or false")
    if config.proposal not in PROPOSALS:
        fail("proposal", f"must be one of {', '.join(PROPOSALS)}")
    if config.proposal != "uniform" and config.algorithm != "coarse_to_fine":
        fail("proposal", f"is coarse_to_fine's; not for algorithm={config.algorithm!r}")
    if config.prune and config.algorithm != "coarse_to_fine":
        fail("prune", f"works with coarse_to_fine (a round's median); not with algorithm={config.algorithm!r}")
    for name in ("model", "data", "objective"):
        value = getattr(config, name)
        if not isinstance(value, str) or not value:
            fail(name, "must be a non-empty string")
    for name in ("model", "data"):
        module, sep, attribute = getattr(config, name).partition(":")
        if not (sep and module and attribute):
            fail(name, "must be written module:attribute, e.g. tuner.digits:DigitsMLP")


__all__ = ["ALGORITHMS", "ConfigError", "SweepConfig", "build_config", "load_file", "parse_cli_params"]
