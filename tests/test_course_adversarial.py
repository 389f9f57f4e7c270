"""The adversarial corpus: hostile and broken submissions must get exactly their honest points.

Every folder of ``tests/adversarial/`` is graded by ``course grade --submissions`` in one
grading process, with small limits; each must score what its ``expected.toml`` says, with the
expected words in the message, every results.json must be valid, and the graded test files
must come out unchanged. See ``tests/adversarial/README.md``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from grader import course

CORPUS = Path(__file__).parent / "adversarial"
TASKS = ("c2w3_softmax.softmax", "c2w3_softmax.hardmax", "c2w3_batch_norm.batchnorm_forward",
         "c2w3_batch_norm.update_running_stats")
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.toml").is_file())
ROOT_ONLY = os.geteuid() != 0


def _expected(case: str) -> dict:
    return tomllib.loads((CORPUS / case / "expected.toml").read_text())


def _fingerprints() -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((course.ROOT / "tests").rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Grade the whole corpus once; cases that attack the grader's own files need root."""
    submissions = tmp_path_factory.mktemp("submissions")
    for case in CASES:
        if _expected(case).get("needs_root") and ROOT_ONLY:
            continue  # without root the attack would reach this checkout, by the platform's design
        shutil.copytree(CORPUS / case, submissions / case)
    out = tmp_path_factory.mktemp("graded")
    before = _fingerprints()
    code = course.main(["grade", "--submissions", str(submissions), "--out", str(out), "--format", "json",
                        "--time-limit", "5", "--import-time-limit", "6", "--memory-limit", "1024",
                        *(f"--task={t}" for t in TASKS)])
    return {"code": code, "out": out, "tests_before": before, "tests_after": _fingerprints()}


def test_corpus_grading_never_fails(graded: dict) -> None:
    assert graded["code"] == 0, "a submission made the grader itself fail (see summary.csv)"


def test_corpus_leaves_the_graded_tests_unchanged(graded: dict) -> None:
    assert graded["tests_after"] == graded["tests_before"]


@pytest.mark.parametrize("case", CASES)
def test_adversarial_case_scores_its_honest_points(graded: dict, case: str) -> None:
    expected = _expected(case)
    if expected.get("needs_root") and ROOT_ONLY:
        pytest.skip("this attack is graded only when the grader runs as root")
    results = json.loads((graded["out"] / case / "results.json").read_text())  # valid JSON, every time
    assert {"score", "max_score", "execution_time", "output", "tests"} <= set(results)
    scores = {t["name"]: t["score"] for t in results["tests"]}
    assert scores == {task: float(points) for task, points in expected["scores"].items()}, expected["description"]
    assert results["score"] == sum(expected["scores"].values())
    outputs = {t["name"]: t["output"] for t in results["tests"]}
    for task, words in expected.get("messages", {}).items():
        assert words in outputs[task], f"{task}: {outputs[task]!r} does not mention {words!r}"
    assert all(len(text) < 8000 for text in outputs.values()), "a message was not truncated"


def test_no_worker_outlives_the_grading(graded: dict) -> None:
    """Every process of the workers' user ids was killed, orphans included."""
    if ROOT_ONLY:
        pytest.skip("workers run as their own user ids only under root")
    leftover = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = int(re.search(r"^Uid:\s+(\d+)", status.read_text(), re.MULTILINE).group(1))
        except (OSError, AttributeError):
            continue
        if uid >= 1_000_000_000:
            leftover.append(status.parent.name)
    assert not leftover
