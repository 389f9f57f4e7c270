"""A warm grader for the checks that come one after another: ``course watch``, a notebook's cells,
``course check`` while a ``course serve`` runs.

:class:`WarmGrader` starts :mod:`grader.trusted.service` (the trusted side, with TensorFlow and
the graded tests imported once and a clean worker waiting) and hands it the same pytest command
line a cold check runs in a child process (:func:`grader.course.cli.run_many` builds it). A
service that dies or hangs is stopped, and the next check starts a fresh one: a check never
depends on what the previous one left behind. :class:`ServedGrader` hands that command line to
the :class:`WarmGrader` of a ``course serve`` process instead, over its Unix socket.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


class WarmGrader:
    """One long-lived trusted process, started on first use.

    Args:
        root: the repository (tests/, solutions/, pyproject.toml).
        files: the graded test files to import ahead (the module being worked on, or all).
        preload: what its workers import before the student's code (``numpy,tensorflow,keras``).
        limits: ``(time, import_time, memory_mib)``, the same as the checks' command lines give.
    """

    def __init__(self, root: Path, files: list[Path], preload: str, limits: tuple[float, float, int]) -> None:
        self.root, self.files, self.preload, self.limits = root, files, preload, limits
        self.process: subprocess.Popen[bytes] | None = None
        self.log: Path | None = None

    def start(self, log: Path) -> None:
        """Start the service now (its imports take seconds), writing its own output to ``log``."""
        if self.process is not None and self.process.poll() is None:
            return
        self.log = log
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        command = [sys.executable, "-m", "grader.trusted.service", str(self.root), self.preload,
                   *(str(value) for value in self.limits), *(str(f) for f in self.files)]
        with open(log, "ab") as output:
            self.process = subprocess.Popen(command, cwd=self.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=output, env=env, start_new_session=True)

    def ready(self, log: Path, timeout: float = 300.0) -> bool:
        """Wait until the service has imported everything (it answers a request after that)."""
        return self.run(["--version"], log, timeout) == 0

    def run(self, argv: list[str], log: Path, timeout: float) -> int | str:
        """Run one pytest session in the service: its exit status, or why there is none."""
        self.start(log.with_name("service.log"))
        process = self.process
        assert process is not None and process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write((json.dumps({"argv": argv, "log": str(log)}) + "\n").encode())
            process.stdin.flush()
        except OSError:
            self.close()
            return "the warm grader stopped before the check began"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if select.select([process.stdout], [], [], min(1.0, deadline - time.monotonic()))[0]:
                line = process.stdout.readline()
                if not line:
                    self.close()
                    return "the warm grader stopped during the check"
                return int(json.loads(line)["code"])
        self.close()
        return f"grading took longer than {timeout:g} s and was stopped"

    def close(self) -> None:
        """Stop the service and everything it started."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.stdin is not None:
            try:
                process.stdin.close()  # a healthy service ends here, its workers with it
            except OSError:
                pass
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # what it started in its group; workers die with it
        except OSError:
            pass
        process.wait()


def ask(path: str, request: dict[str, Any], timeout: float = 3600.0) -> dict[str, Any]:
    """Send one request to the ``course serve`` at the socket ``path`` and wait for its answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(path)
        connection.sendall((json.dumps(request) + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = connection.recv(1 << 16)
            if not chunk:
                raise ConnectionError("the grader closed the connection")
            data += chunk
    return json.loads(data)


class ServedGrader:
    """The warm grader of a running ``course serve``, used as :class:`WarmGrader` is: ``run`` sends
    it the pytest arguments of a check; this process reads the report as after a cold run."""

    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def find(cls, path: Path, root: Path) -> ServedGrader | None:
        """The server listening at ``path`` if it answers within a second and grades with the tests
        of ``root`` (a server of another checkout would use other tests), else None."""
        if not path.is_socket():
            return None
        try:
            answer = ask(str(path), {"op": "root"}, timeout=1.0)
        except (OSError, ValueError):
            return None
        return cls(str(path)) if answer.get("root") == str(root.resolve()) else None

    def run(self, argv: list[str], log: Path, timeout: float) -> int | str:
        """Run one pytest session in the server's warm grader: its exit status, or why there is none."""
        try:
            answer = ask(self.path, {"argv": argv, "log": str(log), "timeout": timeout}, timeout + 60)
        except (OSError, ValueError) as err:
            return f"the served grader did not answer ({type(err).__name__}: {err})"
        code = answer.get("code")
        return code if isinstance(code, int) else str(answer.get("error", "the served grader sent no verdict"))
