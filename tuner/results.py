"""A sweep's results on disk, readable with pandas alone (no TensorFlow import).

A sweep directory holds keras-tuner's own files (`oracle.json`, `trial_*/trial.json`, one
`<tuner id>.json` per tuner) and, beside them, two files of ours:

- `trials.csv`: one row per trial — `trial_id`, `round` (from 1), `status`, the objective, one
  column per hyperparameter, `duration_s`, `seed`, `worker`, `error` — rewritten (atomically)
  whenever a trial starts or ends, so a killed sweep leaves it behind;
- `sweep.json`: what was searched and how — algorithm, objective and direction, the space, the
  settings that define the sweep, each round's box in the parameters' own units, and whether
  the sweep has finished.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tuner.errors import ConfigError, ResultsError
from tuner.space import Param

TRIALS_CSV = "trials.csv"
SWEEP_JSON = "sweep.json"
LEADING_COLUMNS = ("trial_id", "round", "status")
TRAILING_COLUMNS = ("duration_s", "seed", "worker", "error")
FORMATS = ("table", "csv", "json")


def trial_seed(sweep_seed: int, trial_id: str) -> int:
    """The seed a trial trains with: a fixed function of the sweep's seed and the trial's id."""
    return zlib.crc32(f"{sweep_seed}:{trial_id}".encode()) & 0x7FFFFFFF


def write_text_atomic(path: Path | str, text: str) -> None:
    """Write a whole file or nothing: a SIGKILL never leaves half a file behind."""
    path = Path(path)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path | str, data: Any, indent: int | None = None) -> None:
    """`write_text_atomic` of `data` as JSON: compact (the C encoder; keras-tuner's state files are
    rewritten at every trial), or indented for the files people read."""
    write_text_atomic(path, json.dumps(data, indent=indent, default=_jsonable))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):  # NumPy scalars
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"not JSON serializable: {value!r}")


def write_trials(path: Path | str, rows: Sequence[Mapping[str, Any]], objective: str,
                 param_names: Sequence[str]) -> None:
    """Write `trials.csv`: leading columns, the objective, the parameters, the trailing columns.

    Args:
        path: the file to (re)write.
        rows: one mapping per trial; missing cells are left empty.
        objective: name of the objective column.
        param_names: the space's parameters first; other keys of the rows follow, sorted.
    """
    fixed = set(LEADING_COLUMNS) | set(TRAILING_COLUMNS) | {objective}
    extra = sorted({k for row in rows for k in row} - fixed - set(param_names))
    columns = [*LEADING_COLUMNS, objective, *param_names, *extra, *TRAILING_COLUMNS]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    write_text_atomic(path, out.getvalue())


def _cell(value: Any) -> Any:
    if hasattr(value, "item"):  # NumPy scalars (keras-tuner's scores are np.float64)
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    return value


def read_sweep(directory: Path | str) -> dict[str, Any]:
    """`sweep.json` of a sweep directory.

    Raises:
        ResultsError: the directory holds no sweep.
    """
    path = Path(directory) / SWEEP_JSON
    if not path.exists():
        raise ResultsError(f"no sweep in {directory} ({SWEEP_JSON} is missing); "
                           f"start one with: tuner sweep --dir {directory}")
    return json.loads(path.read_text())


def read_trials(directory: Path | str) -> pd.DataFrame:
    """Every trial of a sweep, one row each, in the order they started.

    Raises:
        ResultsError: the directory holds no `trials.csv`.
    """
    path = Path(directory) / TRIALS_CSV
    if not path.exists():
        raise ResultsError(f"no trials in {directory} ({TRIALS_CSV} is missing); "
                           f"start a sweep with: tuner sweep --dir {directory}")
    return pd.read_csv(path, dtype={"trial_id": str, "status": str, "worker": str, "error": str},
                       keep_default_na=False, na_values=[""])


def sort_trials(trials: pd.DataFrame, objective: str, direction: str) -> pd.DataFrame:
    """Best first by the objective; trials without a value (failed, running) last, in start order."""
    return trials.sort_values(objective, ascending=direction == "min", na_position="last",
                              kind="stable").reset_index(drop=True)


def best_trial(trials: pd.DataFrame, objective: str, direction: str) -> pd.Series:
    """The completed trial with the best objective.

    Raises:
        ResultsError: no trial has completed yet.
    """
    done = trials[(trials["status"] == "COMPLETED") & trials[objective].notna()]
    if done.empty:
        raise ResultsError(f"no completed trial yet ({len(trials)} trial(s), none completed)")
    return sort_trials(done, objective, direction).iloc[0]


def format_value(value: Any, column: str, param: Param | None) -> str:
    """A cell for people: a parameter's value as its scale writes it (`Param.text`: β with as many
    digits as 1 - β needs, booleans as on the command line), seconds to 0.1 s, else 4 significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, np.generic):
        value = value.item()
    if param is not None:
        return param.text(value)
    if isinstance(value, float):
        if column == "duration_s":
            return f"{value:.1f}"
        return str(int(value)) if value.is_integer() else f"{value:.4g}"
    return str(value)


def format_trials(trials: pd.DataFrame, fmt: str, space: Iterable[Param] = ()) -> str:
    """Trials as an aligned text table, CSV, or JSON records (NaN as null)."""
    if fmt == "csv":
        return trials.to_csv(index=False)
    if fmt == "json":
        records = json.loads(trials.to_json(orient="records", double_precision=15))
        return json.dumps(records, indent=1) + "\n"
    if fmt != "table":
        raise ValueError(f"format must be one of {', '.join(FORMATS)}. Received: format={fmt!r}")
    params = {p.name: p for p in space}
    shown = trials.drop(columns=[c for c in ("worker", "error") if c in trials and trials[c].isna().all()])
    text = pd.DataFrame({c: [format_value(v, c, params.get(c)) for v in shown[c].astype(object)]
                         for c in shown.columns})
    return text.to_string(index=False) + "\n"


def format_best(trial: pd.Series, fmt: str, space: Iterable[Param] = ()) -> str:
    """The best trial: `name  value` lines, a one-row CSV, or one JSON object."""
    row = trial.dropna()
    if fmt == "csv":
        return row.to_frame().T.to_csv(index=False)
    if fmt == "json":
        return json.dumps(json.loads(row.to_json(double_precision=15)), indent=1) + "\n"
    if fmt != "table":
        raise ValueError(f"format must be one of {', '.join(FORMATS)}. Received: format={fmt!r}")
    params = {p.name: p for p in space}
    width = max(len(str(k)) for k in row.index)
    return "".join(f"{k:<{width}}  {format_value(v, str(k), params.get(k))}\n" for k, v in row.items())


GROWABLE = ("rounds", "trials_per_round", "max_trials")  # a sweep may be extended in these


def sweep_status(directory: Path | str, fingerprint: Mapping[str, Any]) -> str:
    """Whether a sweep directory is "new", holds a sweep to "resume", a "finished" one, or one to
    "extend" (the same search with more rounds, trials per round or max_trials: every trial kept).

    Raises:
        ConfigError: the directory holds a sweep with other settings, or fewer of the counts
            above; the message names them.
    """
    path = Path(directory) / SWEEP_JSON
    if not path.exists():
        return "new"
    sweep = json.loads(path.read_text())
    stored = sweep.get("config", {})
    wanted = json.loads(json.dumps(fingerprint, default=_jsonable))
    changed = sorted(k for k in set(stored) | set(wanted) if stored.get(k) != wanted.get(k))
    if changed and set(changed) <= set(GROWABLE):
        counts = {side: {k: _count(config, k) for k in changed} for side, config in (("old", stored), ("new", wanted))}
        shrunk = [k for k in changed if counts["new"][k] < counts["old"][k]]
        if not shrunk:
            return "extend"
        raise ConfigError(f"a sweep can be extended, not cut: {shrunk[0]} {counts['old'][shrunk[0]]} -> "
                          f"{counts['new'][shrunk[0]]} (use another --dir, or --overwrite to start again). "
                          f"Received: {shrunk[0]}={counts['new'][shrunk[0]]}")
    if changed:
        name = changed[0]
        raise ConfigError(f"{directory} holds a sweep with other settings ({', '.join(changed)}); "
                          f"use another --dir, or --overwrite to start again. "
                          f"Received: {name}={_short_json(wanted.get(name))}, stored {_short_json(stored.get(name))}")
    return "finished" if sweep.get("finished") else "resume"


def _count(config: Mapping[str, Any], key: str) -> int:
    """A count of a sweep's fingerprint; max_trials left out is rounds x trials_per_round."""
    value = config.get(key)
    if key == "max_trials" and value is None:
        return int(config.get("rounds", 0)) * int(config.get("trials_per_round", 0))
    return int(value or 0)


def _short_json(value: Any, limit: int = 80) -> str:
    text = json.dumps(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."
