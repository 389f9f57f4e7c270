"""Fixtures of the tuner's sweep tests: an environment in which sweeps find the tiny models."""

import os
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parents[1]


@pytest.fixture
def tuner_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for a `python -m tuner` subprocess (also applied to this process): the tiny models
    on the path, a log of every trial run in tmp_path/runs.log, and no distributed settings."""
    for name in ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT", "TUNER_TEST_SLEEP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TUNER_TEST_LOG", str(tmp_path / "runs.log"))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    path = os.pathsep.join([str(TESTS_DIR), str(ROOT), os.environ.get("PYTHONPATH", "")])
    return dict(os.environ, PYTHONPATH=path.rstrip(os.pathsep))
