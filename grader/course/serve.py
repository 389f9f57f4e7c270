"""``course serve [--socket PATH]``: one warm grader for a session's checks.

``course check`` sends its pytest command line (``{"argv", "log", "timeout"}``) to the server at
``.course/grader.sock`` (or ``COURSE_GRADER``) when one answers there, and reads the report itself,
as after a cold run: a check then takes about a second instead of TensorFlow's import. A
notebook's check cell (:func:`grader.notebook.check`) sends ``{"folder", "tasks", "prefix"}`` and
prints the text answered: the verdict of ``course check`` on that folder. One
:class:`~grader.course.warm.WarmGrader` makes every check (TensorFlow and the graded tests imported
once; a clean worker waiting), one at a time, in the order they come. The socket lives in
``.course/``, which no worker can reach, or in a folder only this user can enter.

A kernel that finds no server starts its own, which ends with the kernel (:func:`connect`).
``--idle SECONDS`` ends a server that has had no request for that long.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from grader.course import cli
from grader.course.warm import ServedGrader, WarmGrader

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


def answer(warm: WarmGrader, request: dict[str, Any]) -> dict[str, Any]:
    """One request: ``{"op": "root"}`` (which checkout's tests grade here), a command line
    (``course check``: its exit status) or a folder (a notebook: the verdict's text)."""
    if request.get("op") == "root":
        return {"root": str(cli.ROOT.resolve())}
    if "argv" in request:
        code = warm.run([str(a) for a in request["argv"]], Path(str(request["log"])), float(request["timeout"]))
        return {"code": code} if isinstance(code, int) else {"error": code}
    return verdict(warm, request)


def serve(path: Path, warm: WarmGrader, log: Path, until_stdin_closes: bool = False,
          idle: float | None = None) -> None:
    """Answer checks on the socket ``path`` until the process is stopped (or, with
    ``until_stdin_closes``, until its parent, holding the other end of stdin, has gone; with
    ``idle``, once no request has come for that many seconds)."""
    warm.start(log)
    last = [time.monotonic()]
    lock = threading.Lock()  # one check at a time

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            try:
                request = json.loads(self.rfile.readline())
                if request.get("op") == "root":  # answered at once, even during a check
                    reply = answer(warm, request)
                else:
                    with lock:
                        reply = answer(warm, request)
                        last[0] = time.monotonic()
            except Exception as err:  # noqa: BLE001 - one bad request never stops the server
                reply = {"text": f"not checked: the grader failed ({type(err).__name__}: {err})\n", "code": 3}
            self.wfile.write((json.dumps(reply) + "\n").encode())

    def stop_when_idle(server: socketserver.BaseServer, seconds: float) -> None:
        while True:
            time.sleep(min(seconds, 5.0))
            with lock:
                if time.monotonic() - last[0] > seconds:
                    server.shutdown()
                    return

    with socketserver.ThreadingUnixStreamServer(str(path), Handler) as server:
        os.chmod(path, 0o600)
        if until_stdin_closes:
            threading.Thread(target=lambda: (sys.stdin.buffer.read(), server.shutdown()), daemon=True).start()
        if idle is not None:
            threading.Thread(target=stop_when_idle, args=(server, idle), daemon=True).start()
        try:
            server.serve_forever()
        finally:
            warm.close()


_own: subprocess.Popen[bytes] | None = None  # the server this process started, if any


def connect() -> str:
    """The socket of the session's server: ``COURSE_GRADER`` when it exists, else a ``course
    serve`` of this checkout at ``.course/grader.sock`` when one answers, else one started for
    this process (it stops with it)."""
    global _own
    path = os.environ.get(ENVIRONMENT, "")
    if path and os.path.exists(path):
        return path
    served = ServedGrader.find(cli.STATE / "grader.sock", cli.ROOT)  # a `course serve` of this checkout
    if served is not None:
        return served.path
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
    path = Path(args.socket).absolute() if args.socket else cli.STATE / "grader.sock"
    if ServedGrader.find(path, cli.ROOT) is not None:
        raise cli.CourseError(f"a grader serves there already. Received: --socket {path}")
    if path.is_socket():
        path.unlink()  # left by a server that was killed
    elif path.exists():
        raise cli.CourseError(f"the path exists and is not a socket. Received: --socket {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    files = cli.test_files_for(args.module or [])
    warm = WarmGrader(cli.ROOT, files, TF_PRELOAD, (args.time_limit, args.import_time_limit, args.memory_limit))
    log = Path(tempfile.mkdtemp(prefix="course-serve-log-")) / "service.log"
    where = "" if args.socket else " (`course check` uses it)"
    print(f"Serving checks on {path}{where}; Ctrl-C stops.", file=sys.stderr)
    try:
        serve(path, warm, log, args.until_stdin_closes, args.idle)
    except KeyboardInterrupt:
        pass
    finally:
        path.unlink(missing_ok=True)
    return 0
