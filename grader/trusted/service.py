"""The trusted side kept warm, for ``course watch`` and the notebooks' check cells.

A cold check spends most of its time before the first test: starting pytest, importing
TensorFlow and the graded tests, starting a worker. This process does all that once, then runs
each check it is sent as a pytest session of its own, with the very plugin, options and report
of a cold run (:func:`grader.course.cli.run_many` builds both). Between runs it keeps one clean
worker (:attr:`grader.plugins.isolated.KEPT`): the student's previous module is released, the
worker proves that its libraries are as they were (else a fresh one starts), and the next check's
module is imported into it, as ``course grade`` does for one student's modules in turn.

Protocol: one JSON line per request on stdin, ``{"argv": [...pytest arguments], "log": PATH}``;
one JSON line per answer on the original stdout, ``{"code": EXIT_STATUS}``. pytest's own output
goes to the request's log file. The process ends when stdin closes.

Usage (the ``course`` command starts it): ``python -m grader.trusted.service ROOT PRELOAD
TIME_LIMIT IMPORT_LIMIT MEMORY_MIB TEST_FILE...``.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path

import pytest

from grader.plugins import isolated
from grader.trusted.isolation import Isolation
from grader.trusted.workers import Limits, WorkerDied


def _redirect(fd: int) -> None:
    """Send this process's stdout and stderr (pytest's output, TensorFlow's logs) to ``fd``."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)


def main(argv: list[str]) -> int:
    root, preload = Path(argv[0]).resolve(), argv[1]
    limits = Limits(time=float(argv[2]), import_time=float(argv[3]), memory=int(argv[4]) * 2**20)
    files = argv[5:]
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    own_log = os.dup(2)  # the service's own output, between runs
    _redirect(own_log)
    common = ["-q", "-p", "no:cacheprovider", f"--rootdir={root}", "-c", str(root / "pyproject.toml")]
    pytest.main(["--collect-only", "-m", "graded", *common, *files])  # imports the tests, once
    gc.freeze()  # what is imported stays: each run's full collections (pytest's) skip it, 0.6 s less
    isolation = Isolation(limits, isolated.protected_paths(root, root), preload=preload)
    isolation.kept = True
    isolation.warm("", root)  # the first check's worker
    isolated.KEPT.isolation = isolation
    spare = isolation.spares.get("")
    if spare is not None:
        try:
            spare.wait_preloaded()  # so that the first answer, "ready", means a warm worker too
        except WorkerDied:
            pass  # the first check starts another
    try:
        for line in sys.stdin:
            request = json.loads(line)
            log = os.open(str(request["log"]), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            _redirect(log)
            os.close(log)
            code = pytest.main([str(a) for a in request["argv"]])
            _redirect(own_log)
            answers.write(json.dumps({"code": int(code)}) + "\n")
            answers.flush()
    finally:
        isolation.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
