"""tuner.cli.main on a fixture sweep: report/best formats, plot, one-line errors, no TensorFlow import."""

import io
import json
import math
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tuner import distributed
from tuner.cli import main
from tuner.plot import panel_grid, sweep_figure
from tuner.progress import Progress
from tuner.results import SWEEP_JSON, TRIALS_CSV, write_json_atomic, write_trials
from tuner.space import format_beta
from tuner.space import Param

ROOT = Path(__file__).resolve().parents[2]
SPACE = [Param("learning_rate", "log", 1e-4, 1.0), Param("beta", "one_minus_log", 0.9, 0.999),
         Param("batch_norm", "choice", choices=(False, True))]
ROWS = [
    {"trial_id": "0", "round": 1, "status": "COMPLETED", "val_accuracy": 0.91, "learning_rate": 0.01,
     "beta": 0.95, "batch_norm": False, "duration_s": 1.25, "seed": 11, "worker": "tuner0"},
    {"trial_id": "1", "round": 1, "status": "FAILED", "learning_rate": 0.9, "beta": 0.99,
     "batch_norm": True, "duration_s": 0.5, "seed": 12, "worker": "tuner0",
     "error": "FailedTrialError: loss became nan at epoch 1"},
    {"trial_id": "2", "round": 2, "status": "COMPLETED", "val_accuracy": 0.97, "learning_rate": 0.003,
     "beta": 0.9991, "batch_norm": True, "duration_s": 1.5, "seed": 13, "worker": "tuner0"},
    {"trial_id": "3", "round": 2, "status": "RUNNING", "learning_rate": 0.002, "beta": 0.998,
     "batch_norm": True, "seed": 14, "worker": "tuner0"},
]


@pytest.fixture
def sweep_dir(tmp_path: Path) -> Path:
    write_trials(tmp_path / TRIALS_CSV, ROWS, "val_accuracy", [p.name for p in SPACE])
    write_json_atomic(tmp_path / SWEEP_JSON, {
        "version": 1, "algorithm": "coarse_to_fine", "objective": "val_accuracy", "direction": "max",
        "space": [p.to_dict() for p in SPACE], "total_trials": 4, "finished": False, "config": {},
        "rounds": [{"round": 1, "box": {"learning_rate": [1e-4, 1.0], "beta": [0.9, 0.999],
                                        "batch_norm": [False, True]}},
                   {"round": 2, "box": {"learning_rate": [1e-3, 0.05], "beta": [0.94, 0.999],
                                        "batch_norm": [False, True]}}]})
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_table_lists_every_trial_best_first(capsys, sweep_dir):
    code, out, err = run(capsys, "report", "--dir", str(sweep_dir))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["trial_id", "round", "status", "val_accuracy"]
    assert [line.split()[0] for line in lines[1:]] == ["2", "0", "1", "3"]
    assert "0.9991" in lines[1] and "FailedTrialError:" in out


def test_report_csv_reads_back_as_the_trials(capsys, sweep_dir):
    code, out, _ = run(capsys, "report", "--dir", str(sweep_dir), "--format", "csv")
    table = pd.read_csv(io.StringIO(out), dtype={"trial_id": str})
    assert code == 0 and list(table["trial_id"]) == ["2", "0", "1", "3"]
    assert list(table.columns) == ["trial_id", "round", "status", "val_accuracy", "learning_rate", "beta",
                                   "batch_norm", "duration_s", "seed", "worker", "error"]
    assert table.loc[0, "beta"] == 0.9991 and table.loc[0, "val_accuracy"] == 0.97


def test_report_json_gives_records_with_null_for_no_value(capsys, sweep_dir):
    code, out, _ = run(capsys, "report", "--dir", str(sweep_dir), "--format", "json", "--top", "3")
    records = json.loads(out)
    assert code == 0 and [r["trial_id"] for r in records] == ["2", "0", "1"]
    assert records[2]["val_accuracy"] is None and records[2]["status"] == "FAILED"


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_best_prints_the_best_completed_trial(capsys, sweep_dir, fmt):
    code, out, _ = run(capsys, "best", "--dir", str(sweep_dir), "--format", fmt)
    assert code == 0
    if fmt == "json":
        best = json.loads(out)
        assert best["trial_id"] == "2" and best["beta"] == 0.9991 and best["batch_norm"] is True
    elif fmt == "csv":
        assert pd.read_csv(io.StringIO(out), dtype={"trial_id": str}).loc[0, "trial_id"] == "2"
    else:
        assert out.splitlines()[0].split() == ["trial_id", "2"] and "val_accuracy   0.97\n" in out


def test_plot_writes_a_png(capsys, sweep_dir):
    code, _, err = run(capsys, "plot", "--dir", str(sweep_dir), "--out", str(sweep_dir / "p.png"))
    assert code == 0 and "wrote" in err
    assert (sweep_dir / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("panels, grid", [(1, (1, 1)), (2, (1, 2)), (3, (1, 3)), (4, (2, 2)), (5, (2, 3)),
                                           (7, (3, 3)), (8, (3, 3))])
def test_plot_grid_leaves_as_few_empty_places_as_three_a_row_allow(panels, grid):
    assert panel_grid(panels) == grid


def test_plot_of_one_parameter_is_wide_enough_for_its_title_and_log_y_puts_the_objective_on_a_log_axis(sweep_dir):
    info = json.loads((sweep_dir / SWEEP_JSON).read_text())
    info["space"] = info["space"][:1]
    write_json_atomic(sweep_dir / SWEEP_JSON, info)
    figure = sweep_figure(sweep_dir, log_y=True)
    shown = [ax for ax in figure.axes if ax.get_visible()]
    assert len(shown) == 1 and shown[0].get_yscale() == "log" and shown[0].get_xscale() == "log"
    assert figure.get_figwidth() >= 6.4 and len(figure.get_suptitle().splitlines()) == 2
    assert sweep_figure(sweep_dir).axes[0].get_yscale() == "linear"


def test_report_without_a_sweep_is_a_one_line_error(capsys, tmp_path):
    code, out, err = run(capsys, "report", "--dir", str(tmp_path / "nothing"))
    assert code == 1 and out == ""
    assert err.startswith("tuner: error: no sweep in") and err.count("\n") == 1


def test_best_without_a_completed_trial_says_so(capsys, tmp_path):
    write_trials(tmp_path / TRIALS_CSV, ROWS[1:2], "val_accuracy", ["learning_rate"])
    write_json_atomic(tmp_path / SWEEP_JSON, {"objective": "val_accuracy", "direction": "max", "space": []})
    code, _, err = run(capsys, "best", "--dir", str(tmp_path))
    assert code == 1 and "no completed trial yet (1 trial(s), none completed)" in err


def test_sweep_with_a_bad_param_exits_2_with_one_line(capsys, tmp_path):
    code, out, err = run(capsys, "sweep", "--dir", str(tmp_path / "s"), "--param", "learning_rate=1:1e-4:log")
    assert (code, out) == (2, "")
    assert err == ("tuner: error: invalid --param learning_rate=1:1e-4:log: low must be < high. "
                   "Received: low=1, high=0.0001\n")


def test_sweep_overwrite_refuses_a_directory_that_is_not_a_sweep(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    code, _, err = run(capsys, "sweep", "--dir", str(tmp_path), "--param", "lr=1e-4:1:log", "--overwrite")
    assert code == 2 and "refusing to delete" in err and (tmp_path / "notes.txt").exists()


@pytest.mark.parametrize("argv, message", [
    (["sweep", "--param", "lr=1e-4:1:log", "--param", "lr=1e-3:1:log"],
     "--param lr is given twice; give each parameter once. Received: --param lr=0.0001:1:log and --param lr=1e-3:1:log"),
    (["sweep", "--param", "lr=1e-4:1:log", "--config", "{tmp}"],
     "--config must name a TOML file, not a folder. Received: --config {tmp}"),
    (["sweep", "--param", "lr=1e-4:1:log", "--dir", "{tmp}/file/s"],
     "cannot write to the sweep directory (Not a directory). Received: --dir {tmp}/file/s"),
    (["report", "--top", "0"], "--top must be >= 1. Received: --top 0"),
    (["report", "--top", "-2"], "--top must be >= 1. Received: --top -2"),
])
def test_bad_settings_are_one_line_and_exit_2_before_anything_runs(capsys, sweep_dir, argv, message):
    (sweep_dir / "file").write_text("a file, not a folder")
    argv = [a.replace("{tmp}", str(sweep_dir)) for a in argv]
    if "--dir" not in argv:
        argv += ["--dir", str(sweep_dir)]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err == f"tuner: error: {message.replace('{tmp}', str(sweep_dir))}\n"


def test_report_writes_booleans_as_the_command_line_takes_them(capsys, sweep_dir):
    code, out, _ = run(capsys, "report", "--dir", str(sweep_dir))
    assert code == 0 and "true" in out and "false" in out and "True" not in out and "False" not in out


def test_unknown_format_is_a_usage_error(capsys, sweep_dir):
    code, _, err = run(capsys, "report", "--dir", str(sweep_dir), "--format", "xml")
    assert code == 2 and "invalid choice: 'xml'" in err


def test_reading_commands_never_import_tensorflow(sweep_dir, tmp_path):
    script = f"""
import sys
from tuner import distributed
from tuner.cli import main
from tuner.plot import panel_grid, sweep_figure
from tuner.progress import Progress
assert main(["report", "--dir", {str(sweep_dir)!r}]) == 0
assert main(["best", "--dir", {str(sweep_dir)!r}, "--format", "json"]) == 0
assert main(["plot", "--dir", {str(sweep_dir)!r}]) == 0
assert main(["sweep", "--dir", {str(tmp_path / 'x')!r}, "--param", "lr=0:1:log"]) == 2
import tuner.results, tuner.space, tuner.config, tuner.progress, tuner.plot
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "keras_tuner"))
assert not leaked, leaked
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_round_line_shows_the_integers_a_box_of_cells_can_draw():
    stream = io.StringIO()
    units = Param("hidden_units", "int_log", 16, 256)
    progress = Progress(stream, total=6, rounds=2, objective="val_accuracy", direction="max")
    assert units.full_box == (math.log10(15.5), math.log10(256.5))  # 10**r of its low end: 15.4999...
    progress.round_started(1, {"hidden_units": units.box_values(units.full_box)}, {"hidden_units": units})
    zoomed = (math.log10(30.2), math.log10(45.7))  # the cells of 30 and 46 overlap it
    progress.round_started(2, {"hidden_units": units.box_values(zoomed)}, {"hidden_units": units})
    assert stream.getvalue() == "tuner: round 1/2: hidden_units 16..256\ntuner: round 2/2: hidden_units 30..46\n"


def test_format_beta_shows_the_digits_of_1_minus_beta():
    assert [format_beta(b) for b in (0.9, 0.99342, 0.9999, 0.99999999)] == ["0.9", "0.99342", "0.9999",
                                                                          "0.99999999"]


def test_without_options_drops_workers_and_overwrite_for_the_workers_command_line():
    argv = ["--dir", "d", "--workers", "2", "--param", "lr=1e-4:1:log", "--workers=3", "--overwrite", "--seed", "4"]
    assert distributed.without_options(argv, valued=["--workers"], flags=["--overwrite"]) == \
        ["--dir", "d", "--param", "lr=1e-4:1:log", "--seed", "4"]


@pytest.mark.parametrize("environ, role", [
    ({}, "standalone"),
    ({"KERASTUNER_ORACLE_IP": "127.0.0.1", "KERASTUNER_ORACLE_PORT": "1", "KERASTUNER_TUNER_ID": "chief"}, "chief"),
    ({"KERASTUNER_ORACLE_IP": "127.0.0.1", "KERASTUNER_ORACLE_PORT": "1", "KERASTUNER_TUNER_ID": "worker0"},
     "worker"),
])
def test_role_follows_keras_tuners_environment_variables(environ, role):
    assert distributed.role(environ) == role


def test_chief_listening_tells_a_listening_port_from_a_closed_one():
    with socket.socket() as server:
        server.bind((distributed.LOOPBACK, 0))
        server.listen()
        assert distributed.chief_listening(distributed.LOOPBACK, server.getsockname()[1], wait_s=1)
    assert not distributed.chief_listening(distributed.LOOPBACK, distributed.free_port(), wait_s=0.3)


def test_restarted_worker_whose_chief_has_gone_exits_0_without_waiting_an_hour(capsys, tmp_path, monkeypatch):
    port = distributed.free_port()
    monkeypatch.setenv("KERASTUNER_ORACLE_IP", distributed.LOOPBACK)
    monkeypatch.setenv("KERASTUNER_ORACLE_PORT", str(port))
    monkeypatch.setenv("KERASTUNER_TUNER_ID", "worker0")
    monkeypatch.setenv("TUNER_RESTARTED", "1")
    monkeypatch.setattr("tuner.cli.CHIEF_GONE_WAIT_S", 0.3)
    code, out, err = run(capsys, "sweep", "--dir", str(tmp_path), "--param", "lr=1e-4:1:log")
    assert (code, out) == (0, "")
    assert err == f"tuner: nothing listens at 127.0.0.1:{port} any more: the chief has ended the sweep\n"


def test_sweep_with_overwrite_on_a_worker_is_refused(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KERASTUNER_ORACLE_IP", "127.0.0.1")
    monkeypatch.setenv("KERASTUNER_ORACLE_PORT", "1")
    monkeypatch.setenv("KERASTUNER_TUNER_ID", "worker0")
    code, _, err = run(capsys, "sweep", "--dir", str(tmp_path), "--param", "lr=1e-4:1:log", "--overwrite")
    assert code == 2 and "give it to the chief" in err
