"""Who a worker runs as, what it may read, where it may write, and how it is started and swept.

This is the trust boundary's wall: as root, each worker gets a user id of its own and the group of
its owner (one per submission), a mount namespace with fresh temporary folders where the kernel
allows it, and reads only the staged copy of its owner's files and the worker's own code.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from grader.trusted.submission import read_regular

WORKER_CODE = Path(__file__).resolve().parent.parent / "worker"  # copied for the workers to read
RUNTIME_FILES = ("codec.py", "loader.py", "worker.py")
RUNTIME_PACKAGE = "_course_worker"
UID_BASE, GID_BASE, NOBODY = 1_000_000_000, 1_500_000_000, 65534
IDS_PER_RUN = 1024  # user ids (one per worker started, in turn) and group ids (one per owner) of one run


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
        visible = visible and os.environ.get("COURSE_PRIVATE_TMP", "1") != "0"  # 0: share /tmp, swept
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
            shutil.copyfile(WORKER_CODE / name, package / name)
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
