"""Reading a submission without trusting it.

A submission is a folder a student made: it may hold symbolic links (to ``/etc/shadow``, to the
solutions), named pipes that block whoever opens them, folders named like module files, huge
files, or the same module twice in two folders. The trusted side looks at it only through this
module: the folder is walked with directory file descriptors and never follows a link; only
regular files named like an exercise module are read, each opened with ``O_NOFOLLOW |
O_NONBLOCK`` and read up to a size bound; everything else is reported, never opened.

A module may come as a notebook, ``M.ipynb``: its JSON is turned into the module its code cells
define (:func:`grader.notebook.read_notebook`; nothing in it runs here), and ``M.py`` is graded
where a submission holds both.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from grader.notebook import NotebookError, read_notebook

MAX_FILE_BYTES = 2 * 2**20  # a module file larger than this is not graded
MAX_NOTEBOOK_BYTES = 16 * 2**20  # a notebook, its outputs (plots) included
MAX_ENTRIES = 20_000  # entries looked at in one submission
MAX_DEPTH = 12  # folders below the submission's top
SKIPPED_FOLDERS = frozenset({"__MACOSX", ".git", "__pycache__", ".venv", "node_modules"})


class NotRegular(OSError):
    """A path that is not a regular file of bounded size (a link, a pipe, a folder, too large)."""


def kind_of(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_regular(path: str | Path, limit: int = MAX_FILE_BYTES, dir_fd: int | None = None) -> bytes:
    """The bytes of a regular file, never following a link nor blocking on a pipe.

    Raises:
        NotRegular: the path is a link, a pipe, a folder, a device, or larger than ``limit``.
        OSError: it cannot be opened.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError as err:
        if err.errno == 40:  # ELOOP: the last component is a symbolic link
            raise NotRegular("a symbolic link") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(kind_of(info.st_mode))
        if info.st_size > limit:
            raise NotRegular(f"larger than {limit // 2**20} MiB")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise NotRegular(f"larger than {limit // 2**20} MiB")
        return b"".join(chunks)
    finally:
        os.close(fd)


def status(path: Path) -> str:
    """``"missing"``, ``"file"`` (a regular file) or what else it is, without following a link."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "unreadable"
    return "file" if stat.S_ISREG(mode) else kind_of(mode)


class _Candidate(NamedTuple):
    """One file named like a module: where it is, and its module bytes or why it is not graded."""

    depth: int
    path: str
    content: bytes | str  # the module's source, or the problem with the file
    notes: list[str]  # what reading it found (a notebook's cells left out)

    @property
    def notebook(self) -> bool:
        return self.path.endswith(".ipynb")


def _module_bytes(data: bytes, path: str) -> tuple[bytes | str, list[str]]:
    """A module file's bytes as they are, a notebook's as the module its cells define (with what
    was left out), or the sentence saying why a notebook is not graded."""
    if not path.endswith(".ipynb"):
        return data, []
    try:
        module = read_notebook(data.decode("utf-8"))
    except UnicodeDecodeError:
        return f"{path} is not a notebook Jupyter can read (it is not UTF-8 text): not graded", []
    except NotebookError as err:
        return f"{path} is not a notebook Jupyter can read ({err}): not graded", []
    return module.source.encode(), [f"{path}: {sentence}" for sentence in module.left_out]


@dataclass
class Submission:
    """The module files found in one submission folder.

    Attributes:
        files: module -> the module's source (a regular file of at most ``MAX_FILE_BYTES``, or
            the module a notebook of at most ``MAX_NOTEBOOK_BYTES`` defines).
        paths: module -> where it was found, relative to the submission (``exercises/m.py``,
            ``m.ipynb``).
        problems: module -> why a file named like it is not graded (a link, a pipe, too large).
        notes: what else a student should know (a module found twice, a folder cut short).
    """

    files: dict[str, bytes] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def scan(root: Path, modules: Iterable[str]) -> Submission:
    """Find the module files (``M.py`` or a notebook ``M.ipynb``) anywhere in ``root``: one per
    module, a ``.py`` before a notebook, then the shallowest (then first in name order) where
    several folders hold one; links and special files are reported, not read."""
    wanted = {f"{module}{suffix}": module for module in modules for suffix in (".py", ".ipynb")}
    found = Submission()
    try:
        top = os.lstat(root)
    except OSError as err:
        found.notes.append(f"the submission cannot be read ({err.strerror})")
        return found
    if not stat.S_ISDIR(top.st_mode):
        found.notes.append(f"the submission is {kind_of(top.st_mode)}, not a folder: nothing was graded")
        return found
    candidates: dict[str, list[_Candidate]] = {}
    entries = 0
    for folder, folders, names, dir_fd in os.fwalk(root, follow_symlinks=False):
        relative = os.path.relpath(folder, root)
        depth = 0 if relative == "." else relative.count(os.sep) + 1
        entries += len(names) + len(folders)
        folders[:] = sorted(f for f in folders if f not in SKIPPED_FOLDERS and depth < MAX_DEPTH)
        for name in sorted(n for n in names + folders if n in wanted):
            path = name if depth == 0 else f"{relative}/{name}"
            notes: list[str] = []
            limit = MAX_NOTEBOOK_BYTES if name.endswith(".ipynb") else MAX_FILE_BYTES
            try:
                content, notes = _module_bytes(read_regular(name, limit, dir_fd=dir_fd), path)
            except NotRegular as err:
                content = f"{path} is {err}: only a regular file is graded (submit the file itself)" \
                    if not str(err).startswith("larger") else f"{path} is {err}: not graded" + (
                        " (clear its outputs and submit it again)" if limit == MAX_NOTEBOOK_BYTES else "")
            except OSError as err:
                content = f"{path} cannot be read ({err.strerror}): not graded"
            candidates.setdefault(wanted[name], []).append(_Candidate(depth, path, content, notes))
        if entries > MAX_ENTRIES:
            found.notes.append(f"the submission holds more than {MAX_ENTRIES} files and folders: "
                               "only the first were looked at")
            break
    for module, options in sorted(candidates.items()):
        options.sort(key=lambda option: (isinstance(option.content, str), option.notebook, option.depth, option.path))
        chosen = options[0]
        if isinstance(chosen.content, str):
            found.problems[module] = chosen.content
            continue
        found.files[module], found.paths[module] = chosen.content, chosen.path
        found.notes.extend(chosen.notes)
        others = [option.path for option in options[1:]]
        if any(option.notebook != chosen.notebook for option in options):
            found.notes.append(f"{module} is in the submission as a module file and as a notebook "
                               f"({', '.join([chosen.path, *others])}): {chosen.path} is graded")
        elif others:
            found.notes.append(f"{chosen.path.rpartition('/')[2]} is in several places "
                               f"({', '.join([chosen.path, *others])}): {chosen.path} is graded")
    return found


def stage(found: Submission, folder: Path) -> Path:
    """Write the submission's module files, flat, into a new private ``folder``; return it."""
    folder.mkdir(mode=0o700)
    for module, data in found.files.items():
        (folder / f"{module}.py").write_bytes(data)
    return folder


def preload_for(files: Iterable[Path]) -> str:
    """The trusted imports a worker does before the student's code: TensorFlow if a file uses it."""
    uses_tf = False
    for path in files:
        try:
            uses_tf = uses_tf or bool(re.search(rb"\b(tensorflow|keras)\b", read_regular(path)))
        except OSError:
            continue
    return "numpy" + (",tensorflow,keras" if uses_tf else "")
