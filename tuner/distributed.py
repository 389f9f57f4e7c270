"""keras-tuner's chief/worker mode, and `tuner sweep --workers N` on one machine.

keras-tuner runs one oracle (the *chief*) and any number of *workers* that ask it for trials
over gRPC. Three environment variables give each process its part:

| variable                 | chief                  | worker                         |
|--------------------------|------------------------|--------------------------------|
| `KERASTUNER_TUNER_ID`    | `chief`                | a unique id: `worker0`, ...    |
| `KERASTUNER_ORACLE_IP`   | address to listen on   | the chief's address            |
| `KERASTUNER_ORACLE_PORT` | port to listen on      | the chief's port               |

Across machines, run the same `tuner sweep --config ... --dir ...` on each with these set (the
chief writes `trials.csv`; workers only train). On one machine, `tuner sweep --workers N` sets
them itself: it starts N worker processes and serves as the chief on 127.0.0.1.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence

TUNER_ID, ORACLE_IP, ORACLE_PORT = "KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT"
LOOPBACK = "127.0.0.1"


def role(environ: Mapping[str, str] = os.environ) -> str:
    """"standalone", "chief" or "worker", as keras-tuner will decide from the environment."""
    if ORACLE_IP not in environ:
        return "standalone"
    return "chief" if "chief" in environ.get(TUNER_ID, "") else "worker"


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def chief_listening(host: str, port: int, wait_s: float) -> bool:
    """Whether something accepts TCP connections at host:port within `wait_s` seconds."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with socket.create_connection((host, port), timeout=1.0):
                return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)


def chief_environment(host: str, port: int) -> dict[str, str]:
    return {TUNER_ID: "chief", ORACLE_IP: host, ORACLE_PORT: str(port)}


def without_options(argv: Sequence[str], valued: Sequence[str], flags: Sequence[str] = ()) -> list[str]:
    """`argv` less some options: `valued` ones with their value (`--workers 2`, `--workers=2`), and flags."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in valued:
            skip = True
        elif arg in flags or any(arg.startswith(f"{v}=") for v in valued):
            continue
        else:
            kept.append(arg)
    return kept


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In a child, before it runs: be sent SIGTERM when the parent dies, even by SIGKILL (Linux)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_workers(sweep_argv: Sequence[str], count: int, host: str, port: int) -> list[subprocess.Popen]:
    """Start `count` processes `python -m tuner sweep <sweep_argv>` as workers of the chief at
    host:port; each is stopped when this process dies, however it dies."""
    workers = []
    for index in range(count):
        env = dict(os.environ, **{TUNER_ID: f"worker{index}", ORACLE_IP: host, ORACLE_PORT: str(port)})
        workers.append(subprocess.Popen([sys.executable, "-m", "tuner", "sweep", *sweep_argv], env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        preexec_fn=_die_with_parent))
    return workers


def stop_workers(workers: Sequence[subprocess.Popen], grace_s: float = 30.0) -> list[int]:
    """Wait up to `grace_s` for workers to exit by themselves, then terminate (and kill) the rest.

    Returns:
        Their exit codes.
    """
    deadline = time.monotonic() + grace_s
    for worker in workers:
        try:
            worker.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return [worker.returncode for worker in workers]
