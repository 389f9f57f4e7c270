"""``course serve --socket PATH``: the warm grader for every notebook kernel of a session.

A notebook's check cell (:func:`grader.notebook.check`) sends ``{"folder", "tasks", "prefix"}`` as
one JSON line to this server's Unix socket and prints the text it answers: the verdict of
``course check`` on that folder, made by one :class:`~grader.course.warm.WarmGrader` that every
kernel of the session shares (TensorFlow and the graded tests imported once; a clean worker
waiting). The socket lives in a folder only this user can enter. Checks are made one at a time,
in the order they come.

A kernel that finds no server (``COURSE_GRADER`` unset or dead) starts its own, which ends with
the kernel (:func:`connect`).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from grader.course import cli
from grader.course.warm import WarmGrader

ENVIRONMENT = "COURSE_GRADER"  # the socket of the session's server
TF_PRELOAD = "numpy,tensorflow,keras"


def verdict(warm: WarmGrader, request: dict[str, Any]) -> dict[str, Any]:
    """What ``course check`` prints for ``request``'s folder and tasks, and its exit status."""
    folder, tasks = Path(str(request["folder"])), [str(t) for t in request["tasks"]]
    run = cli.run_graded(folder, tasks, prefix=str(request.get("prefix", "")), warm=warm)
    if not run.tests:
        return {"text": f"not checked: {run.error or 'no graded tests ran'}\n", "code": 2}
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # a notebook shows ✓ and ✗
    with contextlib.redirect_stdout(out):
        code = cli.report_check(run, None, verbose=bool(request.get("verbose", False)),
                                notebook=bool(request.get("notebook", False)))
    out.seek(0)
    return {"text": out.read(), "code": code}


def serve(path: Path, warm: WarmGrader, log: Path, until_stdin_closes: bool = False) -> None:
    """Answer checks on the socket ``path`` until the process is stopped (or, with
    ``until_stdin_closes``, until its parent, holding the other end of stdin, has gone)."""
    warm.start(log)

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            try:
                answer = verdict(warm, json.loads(self.rfile.readline()))
            except Exception as err:  # noqa: BLE001 - one bad request never stops the server
                answer = {"text": f"not checked: the grader failed ({type(err).__name__}: {err})\n", "code": 3}
            self.wfile.write((json.dumps(answer) + "\n").encode())

    with socketserver.UnixStreamServer(str(path), Handler) as server:
        os.chmod(path, 0o600)
        if until_stdin_closes:
            threading.Thread(target=lambda: (sys.stdin.buffer.read(), server.shutdown()), daemon=True).start()
        try:
            server.serve_forever()
        finally:
            warm.close()


def ask(path: str, request: dict[str, Any], timeout: float = 3600.0) -> dict[str, Any]:
    """Send one check to the server at ``path`` and wait for its answer."""
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


_own: subprocess.Popen[bytes] | None = None  # the server this process started, if any


def connect() -> str:
    """The socket of the session's server: ``COURSE_GRADER`` when it answers, else one started
    for this process (it stops with it)."""
    global _own
    path = os.environ.get(ENVIRONMENT, "")
    if path and os.path.exists(path):
        return path
    folder = Path(tempfile.mkdtemp(prefix="course-serve-"))  # 0700
    path = str(folder / "grader.sock")
    _own = subprocess.Popen([sys.executable, "-m", "grader.course", "serve", "--socket", path, "--until-stdin-closes"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not os.path.exists(path):
        if _own.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the grader could not be started")
        time.sleep(0.05)
    os.environ[ENVIRONMENT] = path
    return path


def command_serve(args: argparse.Namespace) -> int:
    path = Path(args.socket).absolute()
    if path.exists():
        raise cli.CourseError(f"the socket exists already (another server?). Received: --socket {path}")
    files = cli.test_files_for(args.module or [])
    warm = WarmGrader(cli.ROOT, files, TF_PRELOAD, (args.time_limit, args.import_time_limit, args.memory_limit))
    log = Path(tempfile.mkdtemp(prefix="course-serve-log-")) / "service.log"
    print(f"Serving checks on {path} (Ctrl-C stops).", file=sys.stderr)
    try:
        serve(path, warm, log, args.until_stdin_closes)
    except KeyboardInterrupt:
        pass
    finally:
        path.unlink(missing_ok=True)
    return 0
