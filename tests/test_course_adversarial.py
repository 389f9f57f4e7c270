"""The adversarial corpus: hostile and broken submissions must get exactly their honest points.

Every folder of ``tests/adversarial/`` is graded by ``course grade --submissions`` in one
grading process, with small limits; each must score what its ``expected.toml`` says (a graded
function it does not list must score 0), with the expected words in the message and none of the
words the grader must not say, every results.json and junit.xml must be valid for any bytes the
code printed, the graded test files must come out unchanged, and no process or file of a worker
may be left behind. See ``tests/adversarial/README.md``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tomllib
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from grader.course import cli as course
from grader.trusted.sandbox import UID_BASE, work_parent

CORPUS = Path(__file__).parent / "adversarial"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.toml").is_file())
ROOT_ONLY = os.geteuid() != 0
WORKER_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm", str(work_parent() or "/tmp"))


def _expected(case: str) -> dict:
    return tomllib.loads((CORPUS / case / "expected.toml").read_text())


TASKS = sorted({task for case in CASES for task in _expected(case)["scores"]})


def _fingerprints() -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((course.ROOT / "tests").rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def _copy(case: str, target: Path) -> None:
    """The case's files, and what its ``[setup]`` asks for: copies of another case's files, links
    (to paths in this repository), named pipes and folders named like module files."""
    shutil.copytree(CORPUS / case, target, symlinks=True, ignore=shutil.ignore_patterns("expected.toml"))
    setup = _expected(case).get("setup", {})
    for name, source in setup.get("copies", {}).items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / source, target / name)
    for name, pointing_to in setup.get("links", {}).items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).symlink_to(course.ROOT / pointing_to)
    for name in setup.get("pipes", []):
        os.mkfifo(target / name)
    for name in setup.get("folders", []):
        (target / name).mkdir(parents=True)


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _ours_or_orphaned(pid: int) -> bool:
    """A process this test's grading started (under this process), or an orphan (init's child):
    not a worker of another grading run beside this one (`make test` runs the audit alongside)."""
    parent = _parent(pid)
    if parent == 1:
        return True
    while parent > 1:
        if parent == os.getpid():
            return True
        parent = _parent(parent)
    return False


def _worker_leftovers() -> list[str]:
    """Processes and files of the workers' user ids, wherever a worker may write."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = int(re.search(r"^Uid:\s+(\d+)", status.read_text(), re.MULTILINE).group(1))
        except (OSError, AttributeError):
            continue
        if uid >= UID_BASE and _ours_or_orphaned(int(status.parent.name)):
            command = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            found.append(f"process {status.parent.name}: {command[-200:]}")
    for folder in WORKER_FOLDERS:
        for path, folders, files in os.walk(folder):
            if path == str(work_parent()):  # its course-worker-* are pytest's own runs (the audit beside);
                folders[:] = [f for f in folders if not f.startswith("course-worker-")]  # `course` runs: course-work-*
            for name in folders + files:
                try:
                    if os.lstat(os.path.join(path, name)).st_uid >= UID_BASE:
                        found.append(os.path.join(path, name))
                except OSError:
                    continue
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Grade the whole corpus once; cases that attack the grader's own files need root."""
    submissions = tmp_path_factory.mktemp("submissions")
    for case in CASES:
        if _expected(case).get("needs_root") and ROOT_ONLY:
            continue  # without root the attack would reach this checkout, by the platform's design
        _copy(case, submissions / case)
    out = tmp_path_factory.mktemp("graded")
    before, running = _fingerprints(), set(_worker_leftovers())  # this run's own audit workers, say
    code = course.main(["grade", "--submissions", str(submissions), "--out", str(out), "--format", "json",
                        "--junit", "yes", "--time-limit", "5", "--import-time-limit", "8", "--memory-limit", "1024",
                        *(f"--task={t}" for t in TASKS)])
    return {"code": code, "out": out, "tests_before": before, "tests_after": _fingerprints(),
            "leftovers": sorted(set(_worker_leftovers()) - running)}


def test_corpus_grading_never_fails(graded: dict) -> None:
    assert graded["code"] == 0, "a submission made the grader itself fail (see summary.csv)"


def test_corpus_leaves_the_graded_tests_unchanged(graded: dict) -> None:
    assert graded["tests_after"] == graded["tests_before"]


def _grader_lines(text: str) -> str:
    """A message without the lines that quote what the student's process wrote."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("  | "))


@pytest.mark.parametrize("case", CASES)
def test_adversarial_case_scores_its_honest_points(graded: dict, case: str) -> None:
    expected = _expected(case)
    if expected.get("needs_root") and ROOT_ONLY:
        pytest.skip("this attack is graded only when the grader runs as root")
    text = (graded["out"] / case / "results.json").read_text(encoding="utf-8")  # valid UTF-8
    results = json.loads(text)  # valid JSON, every time
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", json.dumps(results, ensure_ascii=False))
    ElementTree.parse(graded["out"] / case / "junit.xml")  # valid XML, every time
    assert {"score", "max_score", "execution_time", "output", "tests"} <= set(results)
    scores = {t["name"]: t["score"] for t in results["tests"]}
    wanted = {task: float(expected["scores"].get(task, 0)) for task in TASKS}
    assert scores == wanted, expected["description"]
    assert results["score"] == sum(expected["scores"].values())
    outputs = {t["name"]: t["output"] for t in results["tests"]}
    for task, words in expected.get("messages", {}).items():
        assert words in outputs[task], f"{task}: {outputs[task]!r} does not mention {words!r}"
    for task, words in expected.get("not_said", {}).items():
        assert words not in _grader_lines(outputs[task]), f"{task}: the grader's own words say {words!r}"
    assert all(len(text) < 8000 for text in outputs.values()), "a message was not truncated"


def test_nothing_of_a_worker_outlives_the_grading(graded: dict) -> None:
    """Every process of the workers' user ids was killed, orphans included, and every file they
    made in the temporary folders is gone."""
    if ROOT_ONLY:
        pytest.skip("workers run as their own user ids only under root")
    assert graded["leftovers"] == []


def test_without_private_temporary_folders_nothing_crosses_between_students(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Where no mount namespace can be made (COURSE_PRIVATE_TMP=0 does as such a container would),
    what a worker leaves in the shared temporary folders is removed before the next student runs."""
    if ROOT_ONLY:
        pytest.skip("workers run as their own user ids only under root")
    cases = ("tmp_channel_a_writer", "tmp_channel_b_reader")
    for case in cases:
        _copy(case, tmp_path / "submissions" / case)
    monkeypatch.setenv("COURSE_PRIVATE_TMP", "0")
    running = set(_worker_leftovers())
    assert course.main(["grade", "--submissions", str(tmp_path / "submissions"), "--out", str(tmp_path / "out"),
                        "--format", "json", "--time-limit", "5", *(f"--task={t}" for t in TASKS)]) == 0
    for case in cases:
        results = json.loads((tmp_path / "out" / case / "results.json").read_text())
        assert results["score"] == sum(_expected(case)["scores"].values()), case
    assert sorted(set(_worker_leftovers()) - running) == []
