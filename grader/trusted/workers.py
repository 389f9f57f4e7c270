"""One worker process as the trusted side sees it: how it is started, its two pipes, its
deadlines, its limits, and the words for how it died.

A worker (:mod:`grader.worker.worker`) is a fresh interpreter (``python -I -B -c``, exec'd, never
a fork of this process, which has TensorFlow loaded), started by the :class:`Sandbox` as the user
and in the folders it chose. Every wait here has a deadline; every way the worker can fail to
answer becomes a :class:`WorkerDied` with a kind (timeout, crash, protocol).
"""

from __future__ import annotations

import itertools
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.trusted.results import clean_text
from grader.trusted.sandbox import RUNTIME_PACKAGE, Sandbox
from grader.worker import codec
from grader.worker.codec import DecodeError, Frame

BOOTSTRAP = ("import sys; sys.path.insert(0, sys.argv[1]); "
             f"from {RUNTIME_PACKAGE}.worker import main; main(sys.argv[2:])")
PRELOAD_SECONDS = 300.0  # for the worker's own imports (TensorFlow), before any student code
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

    def wait_preloaded(self) -> None:
        """Wait for the trusted preload (TensorFlow) to finish."""
        if not self.preloaded:
            preloaded = self.guarded(lambda: self.receive(time.monotonic() + PRELOAD_SECONDS), PRELOAD_SECONDS,
                                     " while importing TensorFlow, before your code ran")
            if preloaded is None or preloaded.message.get("op") != "preloaded":
                self.stop()
                raise WorkerDied("broke the grader's protocol (no preloaded message)", "protocol")
            self.preloaded = True

    def wait_ready(self) -> Frame:
        """Wait for the trusted preload (TensorFlow), then for the student's import, timed alone."""
        assert self.load_sent
        self.wait_preloaded()
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

    def worn(self) -> bool:
        """Half-way through its CPU time or its memory: it should serve no further module (a kept
        worker's life spans many checks, and a limit met in the middle of a test would fail it)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
            cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            status = Path(f"/proc/{self.process.pid}/status").read_text()
            data = int(status.split("VmData:")[1].split()[0]) * 1024
        except (OSError, ValueError, IndexError):
            return False
        return cpu > self.limits.cpu / 2 or (self.limits.memory > 0 and data > self.limits.memory / 2)

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
