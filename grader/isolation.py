"""Run a student's module in worker processes and give the graded tests a proxy for it.

The trusted process (pytest with the graded tests, their oracles and :mod:`grader.checks`)
never imports a student's file. For each exercise module it starts a worker
(:mod:`grader.worker`) with ``python -I -c`` — a fresh interpreter, not a fork of this one,
which has TensorFlow loaded — as an unprivileged user when it runs as root, with limits on
memory, CPU time and file size. The ``impl`` fixture then hands the test a
:class:`RemoteModule`: ``impl.softmax(Z)`` sends the call to the worker and returns what came
back, decoded by :mod:`grader.codec` into plain values, NumPy arrays, tensors and variables; any
other object stays in the worker behind a :class:`RemoteObject`, and standard Keras models are
rebuilt here from their config in Keras' safe mode, from an allow-list of classes.

What the worker sends is data, never a verdict: the test compares it with the oracle here.
When the worker hangs past the test's time limit, crashes, exits or breaks the protocol, the
running test fails with a :class:`WorkerFailure` that says what happened; the worker is
stopped (with every process of its user) and the next test gets a fresh one. A module whose
import fails, hangs or crashes fails each of its tests with that message; every other module
is graded as usual.
"""

from __future__ import annotations

import builtins
import contextlib
import inspect
import itertools
import json
import os
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader import codec, effects
from grader.codec import DecodeError, EncodeError, Encoder, Frame
from grader.results import clean_text
from grader.submission import NotRegular, read_regular, status

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_FILES = ("codec.py", "loader.py", "worker.py")
RUNTIME_PACKAGE = "_course_worker"
BOOTSTRAP = ("import sys; sys.path.insert(0, sys.argv[1]); "
             f"from {RUNTIME_PACKAGE}.worker import main; main(sys.argv[2:])")
UID_BASE, GID_BASE, NOBODY = 1_000_000_000, 1_500_000_000, 65534
PRELOAD_SECONDS = 300.0  # for the worker's own imports (TensorFlow), before any student code
IDS_PER_RUN = 1024  # user ids (one per worker started, in turn) and group ids (one per owner) of one run
KEPT_ENV = ("PATH", "LANG", "LC_ALL", "TF_CPP_MIN_LOG_LEVEL", "CUDA_VISIBLE_DEVICES", "KERAS_BACKEND",
            "TF_ENABLE_ONEDNN_OPTS", "OMP_NUM_THREADS")


@dataclass(frozen=True)
class Limits:
    """What a worker may use.

    Attributes:
        time: seconds the student's code may run during one test (the grader's own work in
            the test does not count).
        import_time: seconds to import the student's module (the worker imports TensorFlow
            before, untimed).
        memory: bytes of heap and private mappings (``RLIMIT_DATA``): past it, allocations fail
            with ``MemoryError`` (TensorFlow: ``ResourceExhaustedError``).
        cpu: CPU seconds for the worker's whole life (``RLIMIT_CPU``), a backstop.
        file_size: largest file the worker may write (``RLIMIT_FSIZE``).
    """

    time: float = 30.0
    import_time: float = 60.0
    memory: int = 2 * 2**30
    cpu: int = 900
    file_size: int = 64 * 2**20


def format_bytes(size: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size} bytes"


# ---------------------------------------------------------------------------------------------
# What a test sees when something goes wrong
# ---------------------------------------------------------------------------------------------

class WorkerFailure(pytest.fail.Exception):  # type: ignore[misc,name-defined]
    """The student's code hung, crashed, exited or broke the protocol: the test fails.

    A ``BaseException`` (pytest's ``Failed``), so that ``pytest.raises(Exception)`` in a test
    cannot mistake a dead worker for an expected error.

    Attributes:
        kind: ``timeout``, ``crash``, ``import`` or ``protocol``.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(msg=message, pytrace=False)
        self.kind = kind


class StudentError(Exception):
    """The student's code raised. Raised here as a subclass of the same built-in exception.

    Attributes:
        error_type: the name of the class the student's code raised.
        student_text: the message with the student's own frames of the traceback.
    """

    def __init__(self, text: str, error_type: str = "Exception") -> None:
        Exception.__init__(self, text)
        self.student_text = text
        self.error_type = error_type

    def __str__(self) -> str:
        return self.student_text


_ERROR_CLASSES: dict[type, type] = {}


def student_error(info: dict[str, Any], call: str, memory: int) -> StudentError:
    """A :class:`StudentError` that is also an instance of the built-in class the code raised."""
    names = [n for n in info.get("mro", []) if isinstance(n, str)]
    error_type = str(info.get("type", "Exception"))[:100]
    base: type = Exception
    for name in names:
        candidate = getattr(builtins, name, None)
        if isinstance(candidate, type) and issubclass(candidate, Exception) and candidate is not Exception:
            base = candidate
            break
    message = str(info.get("message", error_type))
    if error_type == "SystemExit":
        what = "a module must not exit when imported" if call.startswith("importing ") else \
            "a graded function must return a value"
        headline = f"{call} called sys.exit({message.partition(': ')[2] or ''}): {what}"
    elif error_type == "KeyboardInterrupt":
        headline = f"{call} raised KeyboardInterrupt"
    elif "MemoryError" in names or "ResourceExhaustedError" in error_type:
        headline = f"{call} ran out of memory (the limit is {format_bytes(memory)}): {message}"
    elif error_type == "EncodeError":
        headline = f"{call} returned a value the grader cannot receive: {message.partition(': ')[2] or message}"
    else:
        headline = f"{call} raised {message}"
    trace = str(info.get("traceback", ""))
    text = headline + (f"\nTraceback (your code, most recent call last):\n{trace.rstrip()}" if trace.strip() else "")
    cls = _ERROR_CLASSES.get(base)
    if cls is None:
        cls = type(base.__name__, (StudentError, base), {"__module__": "student", "__str__": StudentError.__str__})
        _ERROR_CLASSES[base] = cls
    try:
        return cls(text, error_type)
    except Exception:  # a built-in class with an unusual constructor
        return StudentError(text, error_type)


def quote_output(log: str, folder: Path | None, lines: int = 12) -> str:
    """The end of what a dead worker wrote outside the protocol (the student's code writing to
    its file descriptors directly, or Python's crash report), quoted line by line so that it never
    reads as the grader's own words; the staged folder's path is left out."""
    if folder is not None:
        log = log.replace(str(folder) + os.sep, "")
    kept = [line for line in log.splitlines() if line.strip()][-lines:]
    if not kept:
        return ""
    return "\nThe process's last output (its own, not the grader's):\n" + "\n".join(
        "  | " + clean_text(line[:300]) for line in kept)


def describe_call(name: str, args: Iterable[Any], kwargs: dict[str, Any]) -> str:
    """``softmax(<array (4, 5)>, axis=0)``: what was called, for messages."""
    def short(value: Any) -> str:
        if isinstance(value, (RemoteObject, RemoteModule)):
            return repr(value)
        shape = getattr(value, "shape", None)
        if shape is not None:
            try:
                return f"<{type(value).__name__} of shape {tuple(shape)}>"
            except TypeError:
                pass
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


# ---------------------------------------------------------------------------------------------
# Who the worker runs as, and what it may read
# ---------------------------------------------------------------------------------------------

_sandboxes = itertools.count()


class Sandbox:
    """The grading run's folders, the workers' user ids, and how workers are started.

    As root, each worker runs as a user id of its own (``UID_BASE`` + a number from this process
    id and the worker's slot) in the group of its owner — one group per submission, so that a
    worker can read its own submission's staged files and nothing of another's — falling back to
    ``nobody`` where the system refuses such ids. Where the kernel allows it, each worker also gets
    a mount namespace of its own, with fresh, size-bounded ``/tmp``, ``/var/tmp`` and ``/dev/shm``
    that vanish with it; elsewhere the files its user left there are removed when it stops.
    ``protect`` paths that other users could read are made private (``chmod o-rwx``). Without
    root, workers run as the current user, and :attr:`notes` says so.

    Args:
        protect: paths the worker must not read (solutions, tests, the repository's history).
        work_dir: where to make this run's folders (default: the system's temporary folder).
    """

    def __init__(self, protect: Iterable[Path] = (), work_dir: Path | None = None) -> None:
        work_dir = work_dir or work_parent()
        self.private = Path(tempfile.mkdtemp(prefix="course-grader-", dir=work_dir))  # 0700: ours alone
        self.shared = Path(tempfile.mkdtemp(prefix="course-worker-", dir=work_dir))
        self.is_root = os.geteuid() == 0
        self.mode, self.method, self.private_tmp = "self", "python", False
        self.notes: list[str] = []
        self.protected: list[Path] = []
        self.owners: dict[str, int] = {}  # owner -> its number (its group)
        self.block = (os.getpid() + 40503 * next(_sandboxes)) % 2**16  # ids of its own, beside any other
        self.staged: dict[str, Path] = {}  # owner -> the folder of its files that its workers read
        protect = list(protect)
        if self.is_root:
            self._choose_user(closed=bool(protect))
        if self.mode == "self":
            self.notes.append("not running as root: the student's code runs as the current user in "
                              "separate processes; it cannot change a verdict, but it can read files "
                              "this user can read (grade as root, e.g. in a container, to close that)"
                              if not self.is_root else
                              "could not switch to an unprivileged user: the student's code runs as root")
        else:
            os.chmod(self.shared, 0o711)  # workers pass through to their own folders, and list none
            self._protect(protect)
        self.runtime = self._stage_runtime()

    def _choose_user(self, closed: bool) -> None:
        methods = (["setpriv"] if shutil.which("setpriv") else []) + ["python"]
        visible = not any(self.shared.resolve().is_relative_to(Path(t).resolve()) for t in SHARED_TMP)
        for mode in ("unique", "nobody"):
            for method in methods:
                namespaces = method == "setpriv" and visible and shutil.which("unshare")
                for private_tmp in ((True, False) if namespaces else (False,)):
                    self.mode, self.method, self.private_tmp = mode, method, private_tmp
                    try:
                        probe = self.popen([sys.executable, "-I", "-S", "-c", ""], 0, "", cwd="/",
                                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL)
                        if probe.wait(60) != 0:
                            continue
                    except (OSError, subprocess.SubprocessError):
                        continue
                    who = "its own unprivileged user id" if mode == "unique" else "user nobody"
                    where = (", with private temporary folders" if private_tmp else "")
                    self.notes.append(f"running as root: the student's code runs as {who}{where}" + (
                        ", with no access to the solutions, the tests or the results" if closed else ""))
                    return
        self.mode, self.method, self.private_tmp = "self", "python", False

    def _protect(self, paths: Iterable[Path]) -> None:
        for path in paths:
            try:
                mode = path.stat().st_mode
            except OSError:
                continue
            if mode & 0o007:
                os.chmod(path, mode & ~0o007)
                self.protected.append(path)
        if self.protected:
            names = ", ".join(f"{p.name}/" if p.is_dir() else p.name for p in self.protected)
            self.notes.append(f"made {names} unreadable to other users (chmod o-rwx)")

    def ids(self, slot: int, owner: str) -> tuple[int, int] | None:
        """The user and group a worker of ``owner`` in ``slot`` runs as (None: this user)."""
        if self.mode == "unique":
            base = self.block * IDS_PER_RUN
            number = self.owners.setdefault(owner, len(self.owners))
            return UID_BASE + base + slot % IDS_PER_RUN, GID_BASE + base + number % IDS_PER_RUN
        if self.mode == "nobody":
            return NOBODY, NOBODY
        return None

    def _share(self, path: Path, owner: str | None, directory: bool = False) -> Path:
        """Let the workers of ``owner`` (None: every worker) read ``path``, but not write it."""
        ids = self.ids(0, owner) if owner is not None else None
        if ids is not None and self.mode == "unique":
            os.chown(path, 0, ids[1])
            os.chmod(path, 0o750 if directory else 0o640)
        else:  # our own code (every worker may read it), or one user for every worker
            os.chmod(path, (0o755 if directory else 0o644) if self.mode != "self" else
                     (0o700 if directory else 0o600))
        return path

    def _stage_runtime(self) -> Path:
        """Copy the worker's own code where the worker can read it (the repository may not be)."""
        runtime = self.shared / "runtime"
        runtime.mkdir()
        self._share(runtime, None, directory=True)
        package = runtime / RUNTIME_PACKAGE
        package.mkdir()
        self._share(package, None, directory=True)
        (package / "__init__.py").write_text("")
        self._share(package / "__init__.py", None)
        for name in RUNTIME_FILES:
            shutil.copyfile(ROOT / "grader" / name, package / name)
            self._share(package / name, None)
        return runtime

    def stage(self, source: Path, module: str, owner: str) -> Path:
        """A copy of a student's module file that only the workers of ``owner`` can read, none
        can change. The source is read as a regular file only (:func:`submission.read_regular`).

        Raises:
            submission.NotRegular: the source is a link, a pipe, a folder or too large.
        """
        data = read_regular(source)
        folder = self.staged.get(owner)
        if folder is None:
            folder = self.staged[owner] = Path(tempfile.mkdtemp(prefix="submission-", dir=self.shared))
            self._share(folder, owner, directory=True)
        (folder / f"{module}.py").write_bytes(data)
        self._share(folder / f"{module}.py", owner)
        return folder

    def unstage(self, owner: str) -> None:
        """The owner is graded: its staged files go."""
        folder = self.staged.pop(owner, None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def home(self, slot: int, owner: str, number: int) -> Path:
        """A fresh, writable home and working directory for one worker."""
        home = self.shared / f"home-{number}"
        home.mkdir()
        ids = self.ids(slot, owner)
        if ids is not None:
            os.chown(home, *ids)
        os.chmod(home, 0o700)
        return home

    def popen(self, command: list[str], slot: int, owner: str, **kwargs: Any) -> subprocess.Popen[bytes]:
        """Start ``command`` in its own process group, as the worker user of ``slot`` and ``owner``.

        ``setpriv`` (util-linux) also drops every capability for good and sets no_new_privs;
        without it, Python switches the user between fork and exec (in C, no Python code runs).
        With :attr:`private_tmp`, ``unshare`` first gives the process its own mount namespace and
        fresh temporary folders (as root, before the user switch).
        """
        ids = self.ids(slot, owner)
        extra: dict[str, Any] = {}
        if ids is not None and self.method == "setpriv":
            command = ["setpriv", f"--reuid={ids[0]}", f"--regid={ids[1]}", "--clear-groups", "--no-new-privs",
                       "--inh-caps=-all", "--bounding-set=-all", "--", *command]
            if self.private_tmp:
                command = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", PRIVATE_TMP,
                           "sh", *command]
        elif ids is not None:
            extra = {"user": ids[0], "group": ids[1], "extra_groups": []}
        return subprocess.Popen(command, process_group=0, close_fds=True, **extra, **kwargs)

    def sweep(self, slot: int, owner: str) -> None:
        """Kill every process of a worker's user id (children that left its process group too),
        and remove what it left in the shared temporary folders."""
        ids = self.ids(slot, owner)
        if ids is None or self.mode != "unique":
            return
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            found = re.search(r"^Uid:\s+(\d+)", status, re.MULTILINE)
            if found and int(found.group(1)) == ids[0]:
                try:
                    os.kill(int(entry.name), signal.SIGKILL)
                except OSError:
                    pass
        if not self.private_tmp:
            for folder in SHARED_TMP:
                _remove_owned(Path(folder), ids[0])

    def close(self) -> None:
        shutil.rmtree(self.private, ignore_errors=True)
        shutil.rmtree(self.shared, ignore_errors=True)


SHARED_TMP = ("/tmp", "/var/tmp", "/dev/shm")
PRIVATE_TMP = ("for d in " + " ".join(SHARED_TMP) + "; do mount -t tmpfs -o size=64m,nr_inodes=4096,mode=1777 "
               'tmpfs "$d" || exit 97; done; cd /tmp && exec "$@"')


def work_parent() -> Path | None:
    """Where a grading run keeps its folders: outside the temporary folders that a worker's
    private mount namespace hides (``/run``, as root), else the system's temporary folder."""
    run = Path("/run")
    return run if os.geteuid() == 0 and run.is_dir() and os.access(run, os.W_OK) else None


def _remove_owned(folder: Path, uid: int, depth: int = 0) -> None:
    """Remove every entry below ``folder`` that ``uid`` owns, never following a link."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if info.st_uid == uid:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
        elif entry.is_dir(follow_symlinks=False) and depth < 8:
            _remove_owned(Path(entry.path), uid, depth + 1)


# ---------------------------------------------------------------------------------------------
# One worker process
# ---------------------------------------------------------------------------------------------

class WorkerDied(Exception):
    """Internal: the worker stopped answering. ``kind`` is timeout, crash or protocol."""

    def __init__(self, text: str, kind: str) -> None:
        super().__init__(text)
        self.text, self.kind = text, kind


@dataclass
class Budget:
    """Seconds of the student's time left in the running test."""

    left: float


_numbers = itertools.count(1)


class WorkerProcess:
    """A started worker, its two pipes and its log; every wait has a deadline."""

    def __init__(self, sandbox: Sandbox, slot: int, owner: str, limits: Limits, preload: str) -> None:
        self.sandbox, self.slot, self.owner, self.limits = sandbox, slot, owner, limits
        self.folder: Path | None = None  # of the module it serves
        number = next(_numbers)
        self.log = open(sandbox.private / f"worker-{number}.log", "w+b")  # noqa: SIM115 - closed in stop()
        # a private /tmp, when the sandbox gives one, is the worker's home; else a fresh folder
        self.home: Path | None = None if sandbox.private_tmp else sandbox.home(slot, owner, number)
        home = self.home or Path("/tmp")
        env = {k: os.environ[k] for k in KEPT_ENV if k in os.environ}
        env.update({"HOME": str(home), "TMPDIR": str(home), "MPLCONFIGDIR": str(home), "USER": "student",
                    "LOGNAME": "student", "TF_CPP_MIN_LOG_LEVEL": env.get("TF_CPP_MIN_LOG_LEVEL", "2"),
                    "PATH": env.get("PATH", os.defpath)})
        request_read, self.send_fd = os.pipe()
        self.receive_fd, reply_write = os.pipe()
        command = [sys.executable, "-I", "-B", "-c", BOOTSTRAP, str(sandbox.runtime), str(request_read),
                   str(reply_write), str(limits.memory), str(limits.cpu), str(limits.file_size), preload]
        try:
            self.process = sandbox.popen(command, slot, owner, pass_fds=(request_read, reply_write),
                                         stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                                         cwd="/" if self.home is None else home, env=env)
        except BaseException:
            for fd in (self.send_fd, self.receive_fd):
                os.close(fd)
            raise
        finally:
            os.close(request_read)
            os.close(reply_write)
        os.set_blocking(self.send_fd, False)
        os.set_blocking(self.receive_fd, False)
        self.buffer = bytearray()
        self.ready: Frame | None = None
        self.load_sent = False
        self.preloaded = False
        self.stopped = False

    # -- transport ---------------------------------------------------------------------------
    def _wait(self, fd: int, writing: bool, deadline: float) -> None:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready = select.select([] if writing else [fd], [fd] if writing else [], [], min(left, 0.25))
            if ready[0] or ready[1]:
                return
            if self.process.poll() is not None and not writing:
                # exited; its children may still hold the pipe open, so EOF may never come
                readable = select.select([fd], [], [], 0)[0]
                if not readable:
                    raise EOFError

    def send(self, frame: Frame, deadline: float) -> None:
        data = memoryview(codec.pack(frame))
        while data:
            self._wait(self.send_fd, True, deadline)
            try:
                data = data[os.write(self.send_fd, data):]
            except BlockingIOError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                raise EOFError from None

    def _fill(self, size: int, deadline: float) -> None:
        while len(self.buffer) < size:
            self._wait(self.receive_fd, False, deadline)
            try:
                chunk = os.read(self.receive_fd, 1 << 20)
            except BlockingIOError:
                continue
            if not chunk:
                raise EOFError
            self.buffer += chunk

    def receive(self, deadline: float) -> Frame:
        header = codec.header_size()
        self._fill(header, deadline)
        body, text = codec.body_length(bytes(self.buffer[:header]))
        self._fill(header + body, deadline)
        data = bytes(self.buffer[header : header + body])
        del self.buffer[: header + body]
        return codec.unpack(data, text)

    def guarded(self, action: Callable[[], Frame | None], seconds: float, what: str) -> Frame | None:
        """Run a transport action; turn every way it can fail into :class:`WorkerDied`."""
        try:
            return action()
        except TimeoutError:
            self.stop()
            raise WorkerDied(f"timed out after {seconds:g} s{what}", "timeout") from None
        except EOFError:
            self.stop()
            raise WorkerDied(self.cause(), "crash") from None
        except (DecodeError, ValueError) as err:
            self.stop()
            raise WorkerDied(f"broke the grader's protocol ({err})", "protocol") from None

    # -- lifecycle ---------------------------------------------------------------------------
    def load(self, folder: Path, module: str, display: str) -> None:
        """Tell the worker to import a student's module (it finishes its own preload first)."""
        self.folder, self.ready, self.load_sent = folder, None, True
        message = {"op": "load", "folder": str(folder), "module": module, "display": display}
        self.guarded(lambda: self.send(Frame(message), time.monotonic() + 30), 30, "")

    def wait_ready(self) -> Frame:
        """Wait for the trusted preload (TensorFlow), then for the student's import, timed alone."""
        assert self.load_sent
        if not self.preloaded:
            preloaded = self.guarded(lambda: self.receive(time.monotonic() + PRELOAD_SECONDS), PRELOAD_SECONDS,
                                     " while importing TensorFlow, before your code ran")
            if preloaded is None or preloaded.message.get("op") != "preloaded":
                self.stop()
                raise WorkerDied("broke the grader's protocol (no preloaded message)", "protocol")
            self.preloaded = True
        limit = self.limits.import_time
        frame = self.guarded(lambda: self.receive(time.monotonic() + limit), limit, "")
        assert frame is not None
        if frame.message.get("op") != "ready":
            self.stop()
            raise WorkerDied("broke the grader's protocol (no ready message)", "protocol")
        self.ready = frame
        return frame

    def exchange(self, frame: Frame, budget: Budget, serve: Callable[[Frame], Frame]) -> Frame:
        """Send a request and wait for its reply, serving the worker's callbacks meanwhile."""
        started = time.monotonic()
        deadline = started + max(budget.left, 0.0)
        paused = 0.0

        def run() -> Frame:
            nonlocal deadline, paused
            self.send(frame, deadline)
            while True:
                reply = self.receive(deadline)
                if reply.message.get("op") == "callback":
                    pause = time.monotonic()
                    answer = serve(reply)
                    waited = time.monotonic() - pause
                    paused += waited
                    deadline += waited
                    self.send(answer, deadline)
                    continue
                if reply.message.get("op") != "reply" or reply.message.get("seq") != frame.message.get("seq"):
                    raise ValueError("a reply out of sequence")
                return reply

        try:
            reply = self.guarded(run, self.limits.time, " (the time limit for your code in one test)")
        finally:
            budget.left -= time.monotonic() - started - paused
        assert reply is not None
        return reply

    def release(self) -> bool:
        """Done with a module: True when the worker reports that it is clean enough to serve the
        student's next module (its libraries, settings, threads and hooks as before the first);
        otherwise it exits."""
        if self.stopped or self.ready is None or "error" in self.ready.message:
            return False
        try:
            answer = self.guarded(lambda: (self.send(Frame({"op": "release"}), time.monotonic() + 10),
                                           self.receive(time.monotonic() + 10))[1], 10, "")
        except WorkerDied:
            return False
        clean = answer is not None and answer.message.get("op") == "released" and answer.message.get("clean") is True
        if clean:
            self.ready, self.load_sent, self.folder = None, False, None
        return clean

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
        self.sandbox.sweep(self.slot, self.owner)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self.send_fd, self.receive_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)

    def close(self) -> None:
        """Ask a healthy worker to exit, then make sure it did."""
        if not self.stopped and self.ready is not None:
            try:
                self.send(Frame({"op": "exit"}), time.monotonic() + 1)
                self.process.wait(1)
            except (OSError, TimeoutError, EOFError, subprocess.TimeoutExpired):
                pass
        self.stop()

    def log_tail(self, size: int = 4000) -> str:
        try:
            with open(self.log.name, "rb") as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(0, log.tell() - size))
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def cause(self) -> str:
        """Why the worker stopped, in words, with the student's line where faulthandler gave one."""
        try:
            code = self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.stop()
            code = self.process.returncode
        if code is None:
            text = "closed its connection to the grader"
        elif code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            text = {
                "SIGSEGV": "crashed with a segmentation fault (SIGSEGV)",
                "SIGABRT": "aborted (SIGABRT), for example when a library ran out of memory",
                "SIGKILL": "was killed (SIGKILL)",
                "SIGXCPU": f"used more than its {self.limits.cpu} s of CPU time (SIGXCPU)",
                "SIGBUS": "crashed (SIGBUS)", "SIGFPE": "crashed (SIGFPE)", "SIGILL": "crashed (SIGILL)",
            }.get(name, f"was killed by signal {name}")
        else:
            text = f"exited with code {code} (os._exit, or a fatal error in the process)"
        return text + quote_output(self.log_tail(), self.folder)


# ---------------------------------------------------------------------------------------------
# Keras objects rebuilt on the trusted side
# ---------------------------------------------------------------------------------------------

_DENIED_CLASSES = frozenset({"Lambda", "TFSMLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer",
                             "__lambda__", "__typespec__"})
_FUNCTION_MODULES = frozenset({"keras.activations", "keras.losses", "keras.metrics"})
_VALUE_CLASSES = frozenset({"__tensor__", "__numpy__", "__bytes__"})
_LARGEST_NUMBER = 2**17  # a size in a config beyond this (units, a dimension) is refused
_MOST_WEIGHTS = 2**24  # numbers in all the weights of a rebuilt object


def _config_allowed(node: Any, depth: int = 0) -> bool:
    """Only Keras' own classes and functions, no lambdas, no file-loading layers, no huge sizes."""
    if depth > 60:
        return False
    if isinstance(node, dict):
        if "class_name" in node:
            name, module = node.get("class_name"), node.get("module")
            if not isinstance(name, str) or name in _DENIED_CLASSES:
                return False
            if name == "function":
                if module not in _FUNCTION_MODULES or not isinstance(node.get("config"), str):
                    return False
            elif name not in _VALUE_CLASSES and not (isinstance(module, str)
                                                     and (module == "keras" or module.startswith("keras."))):
                return False
        return all(_config_allowed(v, depth + 1) for k, v in node.items()
                   if not (k == "seed" and (v is None or type(v) is int)))  # a seed allocates nothing
    if isinstance(node, (list, tuple)):
        return all(_config_allowed(v, depth + 1) for v in node)
    if isinstance(node, int) and not isinstance(node, bool):
        return abs(node) <= _LARGEST_NUMBER
    return node is None or isinstance(node, (str, float, bool))


REBUILD_SECONDS = 20.0  # at most, of the test's time limit, for rebuilding one returned object
REBUILD_BYTES = 1 * 2**30  # memory a rebuild may add to the grading process
_CONFIG_CHARS = 2**20  # a model's config larger than this is not rebuilt
_CONFIG_LAYERS = 1000  # nor one with more classes in it


class RebuildRefused(Exception):
    """A returned Keras object that would cost the grading process too much to rebuild."""


class _OutOfTime(BaseException):  # a BaseException: Keras' own `except Exception` cannot swallow it
    pass


@contextlib.contextmanager
def bounded(seconds: float, extra_bytes: int) -> Iterator[dict[str, bool]]:
    """Run the block with at most ``seconds`` of wall time (SIGALRM) and ``extra_bytes`` more
    memory than this process uses now (a lower soft RLIMIT_DATA), both put back afterwards.

    Raises:
        RebuildRefused: the block ran out of either.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    used = _data_bytes()
    ceiling = used + extra_bytes if hard == resource.RLIM_INFINITY else min(used + extra_bytes, hard)
    main = threading.current_thread() is threading.main_thread()
    state = {"expired": False}  # also when a library turned the alarm into an error of its own

    def alarm(number: int, frame: Any) -> None:
        state["expired"] = True
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, alarm) if main else None
    try:
        if used:
            resource.setrlimit(resource.RLIMIT_DATA, (ceiling, hard))
        if main:
            signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
        yield state
    except _OutOfTime:
        raise RebuildRefused(f"it took more than {seconds:.3g} s") from None
    except MemoryError:
        raise RebuildRefused(f"it needed more than {format_bytes(extra_bytes)} of memory") from None
    finally:
        if main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _data_bytes() -> int:
    """This process's data segment and private mappings (what RLIMIT_DATA counts), or 0."""
    try:
        found = re.search(r"^VmData:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    except OSError:
        return 0
    return int(found.group(1)) * 1024 if found else 0


def rebuild_keras(data: dict[str, Any], frame: Frame, seconds: float = REBUILD_SECONDS) -> Any | None:
    """A trusted copy of a standard Keras layer or model, or None when it is not standard.

    The rebuild runs :func:`bounded` in time and memory, after checks on the config's size.

    Raises:
        RebuildRefused: a standard object, but too large or too slow to rebuild.
    """
    import keras

    text, compiled = data.get("keras"), data.get("compile")
    if not (isinstance(text, str) and (compiled is None or isinstance(compiled, str))):
        return None
    if len(text) + len(compiled or "") > _CONFIG_CHARS or text.count('"class_name"') > _CONFIG_LAYERS:
        raise RebuildRefused(f"its config is over {_CONFIG_CHARS // 2**20} MiB or {_CONFIG_LAYERS} classes")
    try:
        config = json.loads(text)
        compile_config = json.loads(compiled) if compiled else None
        build = data.get("build")
        if not (_config_allowed(config) and _config_allowed(compile_config) and _config_allowed(build)):
            return None
        weights = [codec.decode_array(w, frame) for w in data.get("weights", [])]
        if sum(w.size for w in weights) > _MOST_WEIGHTS:
            raise RebuildRefused(f"it has more than {_MOST_WEIGHTS} weights")
        with bounded(seconds, REBUILD_BYTES) as limits:
            layer = keras.saving.deserialize_keras_object(config, safe_mode=True)
            if not isinstance(layer, keras.layers.Layer):
                return None
            if build and not layer.built:
                layer.build_from_config(build)
            if sum(int(np.prod(w.shape)) for w in layer.weights) > _MOST_WEIGHTS:
                raise RebuildRefused(f"it has more than {_MOST_WEIGHTS} weights")
            if weights:
                layer.set_weights(weights)
            if compile_config is not None and isinstance(layer, keras.Model):
                layer.compile_from_config(compile_config)
        return layer
    except RebuildRefused:
        raise
    except Exception as err:  # anything odd: the object stays in the worker, behind a handle
        if "RESOURCE_EXHAUSTED" in str(err) or "OOM" in str(err):
            raise RebuildRefused(f"it needed more than {format_bytes(REBUILD_BYTES)} of memory") from None
        if "limits" in locals() and limits["expired"]:
            raise RebuildRefused(f"it took more than {seconds:.3g} s") from None
        return None


def keras_config(layer: Any, encoder: Encoder) -> dict[str, Any]:
    """A trusted Keras object sent to the worker, which rebuilds it (a model a test trained)."""
    import keras

    entry: dict[str, Any] = {"t": "keras_config", "config": json.dumps(keras.saving.serialize_keras_object(layer)),
                             "weights": [encoder.array(np.asarray(w)) for w in layer.get_weights()],
                             "build": layer.get_build_config() if layer.built else None}
    if isinstance(layer, keras.Model) and getattr(layer, "compiled", False):
        entry["compile"] = json.dumps(layer.get_compile_config())
    return entry


# ---------------------------------------------------------------------------------------------
# Proxies
# ---------------------------------------------------------------------------------------------

class RemoteObject:
    """An object that lives in the worker: attribute access, calls and indexing go there.

    Comparison and truth never do: ``==`` is identity and ``bool()`` is an error, so an object
    whose ``__eq__`` always says True cannot pass a check.
    """

    __slots__ = ("_session", "_generation", "_handle", "_path", "_type", "_callable")

    def __init__(self, session: ModuleSession, *, handle: int | None = None, path: tuple[str, ...] | None = None,
                 type_name: str = "object", is_callable: bool = False) -> None:
        for name, value in (("_session", session), ("_generation", session.generation), ("_handle", handle),
                            ("_path", path), ("_type", type_name), ("_callable", is_callable)):
            object.__setattr__(self, name, value)

    def _spec(self, session: ModuleSession) -> dict[str, Any]:
        if session is not self._session:
            raise EncodeError("an object from another module's worker cannot be sent here")
        if self._path is not None:
            return {"t": "path", "p": list(self._path)}
        if self._generation != session.generation:
            raise WorkerFailure(f"{self!r} was made in a worker process that has since stopped "
                                "(after a crash or a time-out in an earlier call)", "crash")
        return {"t": "ref", "h": self._handle}

    @property
    def _name(self) -> str:
        return ".".join(self._path) if self._path else self._type.rpartition(".")[2]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._session.request("getattr", self, f"{self._name}.{name}", name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._session.request("setattr", self, f"setting {self._name}.{name}", name=name, value=value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.call(self, args, kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._session.request("getitem", self, f"{self._name}[{key!r:.40}]", key=key)

    def __len__(self) -> int:
        value = self._session.request("len", self, f"len({self._name})")
        if type(value) is not int or value < 0:
            raise TypeError(f"len() of {self!r} returned {type(value).__name__}, not a length")
        return value

    def __iter__(self) -> Any:
        value = self._session.request("iter", self, f"iterating over {self._name}")
        if type(value) is not list:
            raise TypeError(f"iterating over {self!r} did not give a list of items")
        return iter(value)

    @property
    def __signature__(self) -> inspect.Signature:
        """The remote callable's parameters (names, kinds, defaults), for ``inspect.signature``."""
        described = self._session.request("signature", self, f"inspect.signature({self._name})")
        parameters = []
        try:
            for name, kind, has_default, default in described:
                parameters.append(inspect.Parameter(name, inspect._ParameterKind(kind),
                                                    default=default if has_default else inspect.Parameter.empty))
            return inspect.Signature(parameters)
        except (TypeError, ValueError):
            raise ValueError(f"the signature of {self!r} could not be read") from None

    def __bool__(self) -> bool:
        raise TypeError(f"{self!r} lives in the student's process and has no truth value here: "
                        "graded functions return numbers, arrays, tuples or Keras objects")

    def __repr__(self) -> str:
        return f"<{self._type.rpartition('.')[2]} from your code>"


_REMOTE_CLASSES: dict[str, type] = {}


def remote_class(type_name: str) -> type:
    """A :class:`RemoteObject` subclass named like the remote object's class, for messages
    ("got AlwaysEqual of shape (4, 5)"); it adds nothing else."""
    name = type_name.rpartition(".")[2]
    if not name.isidentifier():
        return RemoteObject
    if name not in _REMOTE_CLASSES:
        _REMOTE_CLASSES[name] = type(name, (RemoteObject,), {"__slots__": (), "__module__": "student"})
    return _REMOTE_CLASSES[name]


class RemoteModule:
    """What the ``impl`` fixture returns in isolated mode: the student's module, at a distance."""

    __slots__ = ("_session",)

    def __init__(self, session: ModuleSession) -> None:
        object.__setattr__(self, "_session", session)

    def __getattr__(self, name: str) -> Any:
        session = self._session
        if name == "__name__":
            return session.module
        if name == "__file__":
            return session.display_file
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = session.request("getattr", None, f"{session.module}.{name}", name=name)
        if isinstance(value, RemoteObject) and value._callable:  # re-found by name after a restart
            return RemoteObject(session, path=(name,), type_name=value._type, is_callable=True)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        self._session.request("setattr", None, f"setting {self._session.module}.{name}", name=name, value=value)

    def __repr__(self) -> str:
        return f"<module {self._session.module} from {self._session.display_file}, in a worker process>"


def _recording() -> bool:
    """True while a ``tf.GradientTape`` records in this (trusted) process."""
    if "tensorflow" not in sys.modules:
        return False
    from tensorflow.python.eager import record

    return bool(record.could_possibly_record())


def _float_tensors(value: Any, found: dict[int, Any], depth: int = 0) -> None:
    tf = sys.modules["tensorflow"]
    if depth > 20:
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _float_tensors(item, found, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            _float_tensors(item, found, depth + 1)
    elif isinstance(value, tf.Tensor) and value.dtype.is_floating:
        found.setdefault(id(value), value)


def _replace(value: Any, swap: dict[int, Any]) -> Any:
    if id(value) in swap:
        return swap[id(value)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(_replace(v, swap) for v in value)
    if isinstance(value, dict):
        return {k: _replace(v, swap) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------------
# One module's session: its worker, its mirrors, its failures
# ---------------------------------------------------------------------------------------------

@dataclass
class TestContext:
    """The running test, as the isolation layer sees it."""

    task: str
    budget: Budget
    failure: WorkerFailure | None = None
    outputs: list[str] = field(default_factory=list)
    tainted: str | None = None


class ModuleSession:
    """Everything about one student module in one grading run."""

    def __init__(self, isolation: Isolation, folder: Path, module: str, display: str, owner: str = "") -> None:
        self.isolation = isolation
        self.folder, self.module, self.display, self.owner = folder, module, display, owner
        self.display_file = f"{display}{module}.py"
        self.worker: WorkerProcess | None = None
        self.generation = 0
        self.broken: WorkerFailure | None = None
        self.timed_out: dict[str, str] = {}
        self.mirrors: dict[int, Any] = {}
        self.synced: dict[int, np.ndarray] = {}
        self.by_variable: dict[int, int] = {}
        self.callbacks: dict[int, Callable[..., Any]] = {}
        self.sequence = itertools.count(1)
        self.staged: Path | None = None
        self.import_note = ""
        self.refused = ""  # why a Keras object it returned was not rebuilt

    @property
    def limits(self) -> Limits:
        return self.isolation.limits

    # -- the worker --------------------------------------------------------------------------
    def spawn(self) -> None:
        """Start a worker (it preloads TensorFlow, and waits before touching the student's file)."""
        if self.worker is not None or self.broken is not None:
            return
        if self.staged is None:
            try:
                self.staged = self.isolation.sandbox.stage(self.folder / f"{self.module}.py", self.module, self.owner)
            except OSError as err:
                self.broken = WorkerFailure(f"{self.display_file} cannot be graded: it is {err}" if isinstance(
                    err, NotRegular) else f"{self.display_file} cannot be read ({err.strerror})", "import")
                return
        self.worker = self.isolation.take_spare(self.owner)
        if self.worker is None:
            self.worker = WorkerProcess(self.isolation.sandbox, self.isolation.next_slot(), self.owner,
                                        self.limits, self.isolation.preload_for(self.folder))
        self.generation += 1
        self.mirrors.clear()
        self.synced.clear()
        self.by_variable.clear()

    def activate(self) -> None:
        """A worker, told to import this module (it does so as soon as its preload is done)."""
        self.spawn()
        if self.worker is not None and not self.worker.load_sent:
            assert self.staged is not None
            self.worker.load(self.staged, self.module, self.display)

    def ensure(self) -> WorkerProcess:
        """A worker with the module imported; an import that fails breaks the module for good."""
        if self.broken is not None:
            raise self.broken
        self.activate()
        if self.broken is not None:
            raise self.broken
        worker = self.worker
        assert worker is not None
        if worker.ready is not None:
            return worker
        what = f"importing {self.display_file}"
        try:
            ready = worker.wait_ready()
        except WorkerDied as died:
            self.broken = WorkerFailure(f"{what} {died.text}" if died.kind != "timeout" else
                                        f"{what} timed out after {self.limits.import_time:g} s", "import")
            self.worker = None
            raise self.broken from None
        error = ready.message.get("error")
        if error is not None:
            failure = student_error(error, what, self.limits.memory)
            self.broken = WorkerFailure(failure.student_text.replace(f"{what} raised", f"{what} failed:", 1),
                                        "import")
            worker.close()
            self.worker = None
            raise self.broken
        if not ready.message.get("eager", True):
            self.import_note = ("your module turned off eager execution when imported "
                                "(tf.compat.v1.disable_eager_execution): TensorFlow code runs in graph mode")
        return worker

    def retire(self, reuse: bool = False) -> None:
        """Let the worker go; the next request starts a fresh one. ``reuse``: a worker that is
        still clean may serve the student's next module (no second TensorFlow import)."""
        worker, self.worker = self.worker, None
        if worker is None:
            return
        if reuse and worker.release():
            self.isolation.keep_spare(self.owner, worker)
        else:
            worker.close()

    # -- requests ----------------------------------------------------------------------------
    def request(self, op: str, target: RemoteObject | None, call: str, **fields: Any) -> Any:
        return self._exchange(op, target, call, fields)[0]

    def call(self, target: RemoteObject, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        text = describe_call(target._name, args, kwargs)
        if _recording():
            return self._bridged_call(target, args, kwargs, text)
        return self.request("call", target, text, args=list(args), kwargs=dict(kwargs))

    def _exchange(self, op: str, target: RemoteObject | None, call: str, fields: dict[str, Any],
                  watch: dict[int, int] | None = None, outputs: list[Any] | None = None) -> tuple[Any, dict[str, Any]]:
        test = self.isolation.test
        if test is not None and test.failure is not None:
            raise test.failure
        if test is not None and test.task in self.timed_out:
            test.failure = WorkerFailure(self.timed_out[test.task], "timeout")
            raise test.failure
        worker = self.ensure()
        frame = Frame({"op": op, "seq": next(self.sequence)})
        encoder = _TrustedEncoder(self, frame, watch or {})
        message = frame.message
        message["target"] = None if target is None else target._spec(self)
        for key, value in fields.items():
            message[key] = encoder(value) if key in ("args", "kwargs", "key", "value", "dys") else value
        assignments = self._assignments(encoder)
        if assignments:
            message["assign"] = assignments
        budget = test.budget if test is not None else Budget(self.limits.time)
        try:
            reply = worker.exchange(frame, budget, self._serve_callback)
        except WorkerDied as died:
            self.worker = None
            failure = WorkerFailure(f"{call} {died.text}", died.kind)
            if died.kind == "timeout" and test is not None:
                self.timed_out[test.task] = (f"not run: {call.split('(')[0]} already timed out in an earlier "
                                             f"test (limit {self.limits.time:g} s)")
            if test is not None:
                test.failure = failure
            raise failure from None
        answer = reply.message
        printed = answer.get("output") if isinstance(answer.get("output"), str) else ""
        if test is not None and printed:
            test.outputs.append(printed)
        if answer.get("tainted") and test is not None:
            test.tainted = str(answer["tainted"])
        try:
            self._update_mirrors(answer.get("vars", []), reply)
            _report_effects(answer, printed, encoder.arrays)
            if "error" in answer:
                error = answer["error"] if isinstance(answer["error"], dict) else {}
                raise student_error(error, call, self.limits.memory)
            value = codec.decode(answer.get("value"), reply, self._hooks(outputs))
            if isinstance(answer.get("record"), dict):  # the variables a recorded call used, mirrored
                variables = codec.decode(answer["record"].get("vars"), reply, self._hooks(None))
                answer["record"]["vars"] = variables if isinstance(variables, list) else []
        except DecodeError as err:
            worker.stop()
            self.worker = None
            failure = WorkerFailure(f"{call} sent back something the grader cannot read ({err})", "protocol")
            if test is not None:
                test.failure = failure
            raise failure from None
        return value, answer

    def _bridged_call(self, target: RemoteObject, args: tuple[Any, ...], kwargs: dict[str, Any], text: str) -> Any:
        """A call inside a trusted ``tf.GradientTape``: gradients flow through the worker."""
        import tensorflow as tf

        found: dict[int, Any] = {}
        _float_tensors((args, kwargs), found)
        inputs = list(found.values())
        watch = {key: index for index, key in enumerate(found)}
        result: dict[str, Any] = {}

        @tf.custom_gradient
        def bridged(*tensors: Any) -> Any:
            outputs: list[Any] = []
            value, answer = self._exchange("call", target, text, {"args": list(args), "kwargs": dict(kwargs),
                                                                 "record": True}, watch, outputs)
            record = answer.get("record") or {}
            variables = [v for v in record.get("vars", []) if id(v) in self.by_variable]
            for variable in variables:
                tf.convert_to_tensor(variable)  # a read, so that the tape sees the variable
            result["value"], result["outputs"] = value, outputs

            def gradient(*dys: Any, variables: Any = None) -> Any:
                wanted = [self.by_variable.get(id(v)) for v in (variables or [])]
                upstream = [tf.zeros_like(o) if d is None else d for d, o in zip(dys, outputs)]
                grads = self.request("vjp", None, f"the gradient of {text}", record=record.get("id"),
                                     dys=upstream, vars=[w for w in wanted if w is not None])
                grads = list(grads) if isinstance(grads, list) else []
                grads += [None] * (len(inputs) + len(wanted) - len(grads))
                as_tensor = [None if g is None else tf.convert_to_tensor(g) for g in grads]
                var_grads = iter(as_tensor[len(inputs):])
                return as_tensor[:len(inputs)], [None if w is None else next(var_grads) for w in wanted]

            return (outputs or [tf.constant(0.0)]), gradient

        produced = bridged(*inputs)
        outputs = result["outputs"]
        produced = produced if isinstance(produced, (list, tuple)) else [produced]
        return _replace(result["value"], {id(o): p for o, p in zip(outputs, produced)})

    def _serve_callback(self, frame: Frame) -> Frame:
        """The worker calls a function that a test passed in: run it here, on decoded data."""
        answer = Frame({"op": "callback_result"})
        try:
            function = self.callbacks[int(frame.message.get("c", -1))]
            args = codec.decode(frame.message.get("args"), frame, self._hooks(None))
            kwargs = codec.decode(frame.message.get("kwargs"), frame, self._hooks(None))
            if not (isinstance(args, list) and isinstance(kwargs, dict) and all(isinstance(k, str) for k in kwargs)):
                raise DecodeError("malformed callback arguments")
            answer.message["value"] = _TrustedEncoder(self, answer, {})(function(*args, **kwargs))
        except Exception as err:  # the grader's function failed: the worker's call raises
            answer = Frame({"op": "callback_result", "error": f"{type(err).__name__}: {err}"[:2000]})
        return answer

    # -- values ------------------------------------------------------------------------------
    def _hooks(self, outputs: list[Any] | None) -> dict[str, Callable[[dict[str, Any], Frame], Any]]:
        def tensor(data: dict[str, Any], frame: Frame) -> Any:
            value = codec.decode_tensor(data, frame)
            if outputs is not None and isinstance(data.get("o"), int):
                outputs.append(value)
            return value

        return {"handle": self._handle, "variable": self._mirror, "kvariable": self._mirror, "tensor": tensor}

    def _handle(self, data: dict[str, Any], frame: Frame) -> Any:
        if "keras" in data:  # rebuilt here, on the test's time: the student's, not the grader's
            test = self.isolation.test
            budget = test.budget if test is not None else Budget(self.limits.time)
            started = time.monotonic()
            what = f"the code returned a Keras {str(data.get('type', 'object')).rpartition('.')[2]}"
            if self.refused:  # one refusal is enough: the next forged object costs nothing more
                raise WorkerFailure(f"{what}, and an earlier one was not rebuilt: {self.refused}", "protocol")
            try:
                rebuilt = rebuild_keras(data, frame, min(REBUILD_SECONDS, max(budget.left, 0.0)))
            except RebuildRefused as err:
                self.refused = str(err)
                raise WorkerFailure(f"{what} that the grader will not rebuild: {err}", "protocol") from None
            finally:
                budget.left -= time.monotonic() - started
            if rebuilt is not None:
                return rebuilt
        if type(data.get("h")) is not int:
            raise DecodeError("malformed handle")
        type_name = str(data.get("type", "object"))[:200]
        return remote_class(type_name)(self, handle=data["h"], type_name=type_name,
                                       is_callable=bool(data.get("callable")))

    def _mirror(self, data: dict[str, Any], frame: Frame) -> Any:
        """One trusted variable per worker variable, updated in place as the worker's changes."""
        vid = data.get("vid")
        if type(vid) is not int:
            return codec.decode_variable(data, frame)
        value = codec.decode_array(data, frame)
        mirror = self.mirrors.get(vid)
        if mirror is None or tuple(mirror.shape) != value.shape:
            mirror = codec.decode_variable(data, frame)
            self.mirrors[vid] = mirror
            self.by_variable[id(getattr(mirror, "_value", mirror))] = vid
            self.by_variable[id(mirror)] = vid
        else:
            mirror.assign(value.astype(np.asarray(mirror.numpy()).dtype))
        self.synced[vid] = np.array(mirror.numpy())
        return mirror

    def _update_mirrors(self, updates: Any, frame: Frame) -> None:
        if not isinstance(updates, list):
            raise DecodeError("malformed variable updates")
        for update in updates:
            if not isinstance(update, dict) or update.get("vid") not in self.mirrors:
                continue
            mirror = self.mirrors[update["vid"]]
            value = codec.decode_array(update, frame)
            if value.shape == tuple(mirror.shape):
                mirror.assign(value.astype(np.asarray(mirror.numpy()).dtype))
                self.synced[update["vid"]] = np.array(mirror.numpy())

    def _assignments(self, encoder: Encoder) -> list[dict[str, Any]]:
        """Mirrors that a test changed since the worker last saw them."""
        changed = []
        for vid, mirror in self.mirrors.items():
            value = np.asarray(mirror.numpy())
            if not np.array_equal(value, self.synced.get(vid), equal_nan=True):
                changed.append({**encoder.array(value), "vid": vid})
                self.synced[vid] = np.array(value)
        return changed


def _report_effects(answer: dict[str, Any], printed: str, arrays: list[np.ndarray]) -> None:
    """What the call did besides returning, for :func:`grader.effects.observe`; the test's own
    arrays are never written to."""
    mutated, facts = answer.get("mutated", []), answer.get("effects", {})
    if not (isinstance(mutated, list) and all(type(i) is int and 0 <= i < len(arrays) for i in mutated)
            and isinstance(facts, dict)):
        raise DecodeError("malformed report of the call's effects")
    known = {key: facts[key] for key in ("eager_disabled", "graph_operations", "tensorflow_seed",
                                         "numpy_global_random") if key in facts}
    if not all(isinstance(v, (bool, int, str)) for v in known.values()):
        raise DecodeError("malformed report of the call's effects")
    effects.report(printed=printed, mutated=[arrays[i] for i in mutated], **known)


class _TrustedEncoder(Encoder):
    """Encodes a test's arguments: mirrors go back as references, functions as callbacks."""

    def __init__(self, session: ModuleSession, frame: Frame, watch: dict[int, int]) -> None:
        super().__init__(frame, self._fallback)
        self.session, self.watch = session, watch
        self.arrays: list[np.ndarray] = []

    def ndarray(self, array: np.ndarray) -> dict[str, Any]:
        self.arrays.append(array)
        return {**self.array(array), "a": len(self.arrays) - 1}

    def tensorflow(self, value: Any) -> dict[str, Any] | None:
        vid = self.session.by_variable.get(id(value))
        if vid is not None and self.session.mirrors.get(vid) is value:
            return {"t": "ref", "h": vid}
        entry = super().tensorflow(value)
        if entry is not None and entry["t"] == "tensor" and id(value) in self.watch:
            entry["w"] = self.watch[id(value)]
        return entry

    def _fallback(self, value: Any, frame: Frame) -> dict[str, Any]:
        if isinstance(value, RemoteObject):
            return value._spec(self.session)
        keras = sys.modules.get("keras")
        if keras is not None and isinstance(value, keras.layers.Layer):
            return keras_config(value, self)
        if callable(value) and not isinstance(value, (RemoteModule, type)):
            number = len(self.session.callbacks) + 1
            self.session.callbacks[number] = value
            return {"t": "callback", "c": number, "name": str(getattr(value, "__name__", "function"))[:100]}
        raise EncodeError(f"the grader cannot send a {type(value).__name__} to the student's code")


# ---------------------------------------------------------------------------------------------
# The grading run
# ---------------------------------------------------------------------------------------------

class Isolation:
    """All module sessions of one grading run, the running test, and clean-up.

    Args:
        limits: what each worker may use.
        protect: paths the workers must not read.
        work_dir: where the run's folders go (the ``course`` command removes it afterwards, even
            when this process was killed).
    """

    def __init__(self, limits: Limits | None = None, protect: Iterable[Path] = (),
                 work_dir: Path | None = None, *, preload: str | None = None) -> None:
        self.limits = limits or Limits()
        self.sandbox = Sandbox(protect, work_dir)
        self.preload = preload
        self.sessions: dict[tuple[Path, str], ModuleSession] = {}
        self.test: TestContext | None = None
        self.spares: dict[str, WorkerProcess] = {}  # a clean worker per owner (student), between modules
        self._slots = itertools.count()

    @property
    def notes(self) -> list[str]:
        return self.sandbox.notes

    def next_slot(self) -> int:
        return next(self._slots) % IDS_PER_RUN

    def session(self, folder: Path, module: str, display: str, owner: str = "") -> ModuleSession | None:
        """The module's session, or None when the file is missing (not attempted).

        ``owner``: whose code it is; a worker that stays clean serves the owner's next module. A
        link or a special file named like the module is never opened: its tests fail, saying so.
        """
        found = status(folder / f"{module}.py")
        if found == "missing":
            return None
        key = (folder, module)
        if key not in self.sessions:
            session = self.sessions[key] = ModuleSession(self, folder, module, display, owner)
            if found != "file":
                session.broken = WorkerFailure(f"{session.display_file} is {found}: only a regular file is "
                                               "graded (submit the file itself)", "import")
        return self.sessions[key]

    def preload_for(self, folder: Path) -> str:
        """The trusted imports a worker does before the code: TensorFlow if any file uses it."""
        if self.preload is not None:
            return self.preload
        uses_tf = False
        for path in folder.glob("*.py"):
            try:
                uses_tf = uses_tf or bool(re.search(rb"\b(tensorflow|keras)\b", read_regular(path)))
            except OSError:
                continue
        return "numpy" + (",tensorflow,keras" if uses_tf else "")

    def warm(self, owner: str, folder: Path) -> None:
        """Start a worker for ``owner`` now, so that its imports overlap with the grader's start."""
        if owner not in self.spares:
            try:
                self.spares[owner] = WorkerProcess(self.sandbox, self.next_slot(), owner, self.limits,
                                                   self.preload_for(folder))
            except OSError:
                pass

    def prepare(self, folder: Path, module: str, display: str, load: bool, owner: str = "") -> None:
        """Start a module's worker ahead of its tests (``load``: import the student's file too)."""
        session = self.session(folder, module, display, owner)
        if session is None or session.broken is not None:
            return
        try:
            session.activate() if load else session.spawn()
        except (OSError, WorkerDied):
            session.worker = None

    def begin_test(self, task: str) -> TestContext:
        self.test = TestContext(task, Budget(self.limits.time))
        return self.test

    def end_test(self) -> TestContext | None:
        """Close the running test; a worker it tainted (eager execution off) is replaced."""
        test, self.test = self.test, None
        if test is not None and test.tainted:
            module = test.task.partition(".")[0]
            for (folder, name), session in self.sessions.items():
                if name == module:
                    session.retire()
        return test

    def finish(self, folder: Path, module: str, reuse: bool = False) -> None:
        """A module's tests are done; ``reuse``: the same owner has more modules to grade."""
        session = self.sessions.get((folder, module))
        if session is None:
            return
        session.retire(reuse)
        if not reuse:  # the owner is graded: its workers and its staged files go
            spare = self.spares.pop(session.owner, None)
            if spare is not None:
                spare.close()
            self.sandbox.unstage(session.owner)

    def take_spare(self, owner: str) -> WorkerProcess | None:
        return self.spares.pop(owner, None)

    def keep_spare(self, owner: str, worker: WorkerProcess) -> None:
        old = self.spares.pop(owner, None)
        if old is not None:
            old.close()
        self.spares[owner] = worker

    def close(self) -> None:
        for session in self.sessions.values():
            session.retire()
        for spare in self.spares.values():
            spare.close()
        self.sandbox.close()
