"""Generate the student stubs in ``exercises/`` from the references in ``solutions/``.

Each graded function is written once, in ``solutions/``, with its answer between two marker
lines::

    def softmax(Z):
        \"\"\"...docstring stays...\"\"\"
        ### BEGIN SOLUTION
        Z_shifted = Z - Z.max(axis=0, keepdims=True)
        ...
        ### END SOLUTION

The stub keeps everything outside the markers (signature, docstring, helpers, comments) and
replaces each region by one line that raises ``NotImplementedError`` naming the module and the
function, so a student who skips a function learns which one at once. Unclosed, nested or
misplaced markers are an error that names the file and line.

Usage::

    python -m grader.stubgen            # write the stubs that changed; never a file you edited
    python -m grader.stubgen --check    # exit 1 if a stub is not what would be generated
    python -m grader.stubgen --force    # write every stub; an edited file is kept as NAME.py.orig-TIME

Each exercise is also written as a notebook, ``notebooks/M.ipynb``, built from the same stub
text (:func:`grader.notebook.make_notebook`), checked and protected exactly like the stub.

A student's work is never lost: an exercise (or notebook) whose file differs from its stub as
committed in git and from every stub this command wrote there before (remembered in
``.course/stubs-written.json`` beside ``exercises/`` and ``notebooks/``: an author may change a
solution twice between commits) holds the student's code and is left alone unless ``--force``,
which keeps a copy first; and
``--check`` accepts a stub when either the file or its committed version is what would be
generated, so ``make test`` passes on a student's tree with every exercise edited.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from grader.notebook import make_notebook

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_LOOKS_LIKE_MARKER = re.compile(r"#{2,}\s*(BEGIN|END)\b", re.IGNORECASE)
ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    '# Exercise stub generated from solutions/{name} by `make stubs`.\n'
    "# Replace each `raise NotImplementedError(...)` line with your code; keep the signatures.\n"
)


class MarkerError(ValueError):
    """A solution file whose markers cannot be turned into a stub."""


@dataclass(frozen=True)
class _Region:
    begin: int  # 1-based line of BEGIN
    end: int  # 1-based line of END
    indent: str
    qualname: str


def _function_spans(tree: ast.Module) -> list[tuple[int, int, str]]:
    """Every function in the module as (first line, last line, qualified name)."""
    spans: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                spans.append((child.lineno, child.end_lineno or child.lineno, name))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return spans


def _find_regions(source: str, filename: str) -> list[_Region]:
    lines = source.splitlines()
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as err:
        raise MarkerError(f"{filename}:{err.lineno}: not valid Python: {err.msg}") from err
    spans = _function_spans(tree)
    regions: list[_Region] = []
    open_at: int | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if _LOOKS_LIKE_MARKER.match(stripped) and stripped not in (BEGIN, END):
            raise MarkerError(f"{filename}:{number}: malformed marker {stripped!r}; "
                              f"expected {BEGIN!r} or {END!r}")
        if stripped == BEGIN:
            if open_at is not None:
                raise MarkerError(f"{filename}:{number}: nested {BEGIN!r}; the region opened "
                                  f"at line {open_at} is not closed")
            open_at = number
        elif stripped == END:
            if open_at is None:
                raise MarkerError(f"{filename}:{number}: {END!r} without a {BEGIN!r} before it")
            begin_line = lines[open_at - 1]
            indent = begin_line[: len(begin_line) - len(begin_line.lstrip())]
            if line[: len(line) - len(line.lstrip())] != indent:
                raise MarkerError(f"{filename}:{number}: {END!r} is not indented like the "
                                  f"{BEGIN!r} at line {open_at}")
            inside = [span for span in spans if span[0] < open_at <= span[1]]
            if not inside:
                raise MarkerError(f"{filename}:{open_at}: solution region outside any function")
            qualname = max(inside, key=lambda span: span[0])[2]
            if any(region.qualname == qualname for region in regions):
                raise MarkerError(f"{filename}:{open_at}: second solution region in {qualname}; "
                                  "use one region per function")
            regions.append(_Region(open_at, number, indent, qualname))
            open_at = None
    if open_at is not None:
        raise MarkerError(f"{filename}:{open_at}: {BEGIN!r} is never closed by {END!r}")
    if not regions:
        raise MarkerError(f"{filename}: no {BEGIN!r} region; nothing for a student to write")
    return regions


def _stub_body(source: str, module: str, filename: str) -> tuple[str, list[str]]:
    """The stub's text without its header, and the top-level definitions holding a region, in
    file order (a method's region makes its class graded)."""
    regions = _find_regions(source, filename)
    lines = source.splitlines()
    out: list[str] = []
    position = 0
    for region in regions:
        out.extend(lines[position : region.begin - 1])
        out.append(f'{region.indent}raise NotImplementedError("{module}.{region.qualname}")')
        position = region.end
    out.extend(lines[position:])
    graded = list(dict.fromkeys(region.qualname.split(".")[0] for region in regions))
    return "\n".join(out) + "\n", graded


def make_stub(source: str, module: str, filename: str = "<solution>") -> str:
    """Return the stub text for one solution module's source.

    Args:
        source: the solution file's text.
        module: the module's name, used in the ``NotImplementedError`` messages.
        filename: shown in error messages.

    Raises:
        MarkerError: unclosed, nested, malformed or misplaced markers, naming file and line.
    """
    return HEADER.format(name=Path(filename).name) + _stub_body(source, module, filename)[0]


def _solution_files(solutions: Path) -> list[Path]:
    return [path for path in sorted(solutions.glob("*.py")) if path.name != "__init__.py"]


def generate(solutions: Path, exercises: Path) -> dict[Path, str]:
    """Map each stub path under ``exercises`` to the text it should hold."""
    return {exercises / path.name: make_stub(path.read_text(), path.stem, str(path))
            for path in _solution_files(solutions)}


def generate_notebooks(solutions: Path, notebooks: Path) -> dict[Path, str]:
    """Map each notebook path under ``notebooks`` (``M.ipynb``) to the text it should hold."""
    made: dict[Path, str] = {}
    for path in _solution_files(solutions):
        stub, graded = _stub_body(path.read_text(), path.stem, str(path))
        made[notebooks / f"{path.stem}.ipynb"] = make_notebook(stub, path.stem, graded)
    return made


def committed(path: Path) -> str | None:
    """The text of ``path`` as committed in git (HEAD), or None (untracked, or not a checkout)."""
    try:
        found = subprocess.run(["git", "-C", str(path.parent), "show", f"HEAD:./{path.name}"],
                               capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.decode() if found.returncode == 0 else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _record(folder: Path) -> Path:
    """Where the digests of the files written into ``folder`` (``exercises/``, ``notebooks/``) are
    remembered (not in git): one record beside them, keyed by file name."""
    return folder.parent / ".course" / "stubs-written.json"


def written_before(folder: Path) -> dict[str, list[str]]:
    """File name -> digests of the stubs this command wrote there (empty when none recorded)."""
    try:
        data = json.loads(_record(folder).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def edited(path: Path, stub: str, written: dict[str, list[str]] | None = None) -> bool:
    """True when ``path`` holds work of its own: neither the new stub, nor the committed one, nor a
    stub this command wrote there before (``written``, from :func:`written_before`)."""
    if not path.exists():
        return False
    text = path.read_text()
    return (text != stub and text != committed(path)
            and _digest(text) not in (written or {}).get(path.name, []))


def _drift(expected: dict[Path, str], folder: Path, suffix: str, solutions: Path) -> list[str]:
    """Names of files in ``folder`` (``*suffix``) that are missing, stale or have no solution.

    A file is in sync when it or its committed version is the generated text: a student's edits
    are their work, not staleness.
    """
    problems = [f"{path.name}: missing" for path in expected if not path.exists() and committed(path) is None]
    problems += [f"{path.name}: differs from the generated stub" for path, text in expected.items()
                 if path.exists() and path.read_text() != text and committed(path) != text]
    problems += [f"{path.name}: has no solution in {solutions.name}/"
                 for path in sorted(folder.glob(f"*{suffix}"))
                 if path.name != "__init__.py" and path not in expected]
    return problems


def out_of_sync(solutions: Path, exercises: Path) -> list[str]:
    """Names of stubs in ``exercises`` that are missing, stale or have no solution; empty when in sync."""
    return _drift(generate(solutions, exercises), exercises, ".py", solutions)


def notebooks_out_of_sync(solutions: Path, notebooks: Path) -> list[str]:
    """Names of notebooks in ``notebooks`` that are missing, stale or have no solution."""
    return _drift(generate_notebooks(solutions, notebooks), notebooks, ".ipynb", solutions)


def write(stubs: dict[Path, str], force: bool) -> tuple[list[Path], list[Path], list[Path]]:
    """Write the stubs (and notebooks) that changed: ``(written, kept, backups)``. A file with work
    of its own is kept, or with ``force`` copied to ``NAME.orig-TIME`` before the stub replaces it."""
    written, kept, backups = [], [], []
    records: dict[Path, dict[str, list[str]]] = {}  # record file -> its digests (folders may share one)
    for path, text in stubs.items():
        if path.exists() and path.read_text() == text:
            continue
        record = records.setdefault(_record(path.parent), written_before(path.parent))
        if edited(path, text, record):
            if not force:
                kept.append(path)
                continue
            backup = path.with_name(f"{path.name}.orig-{time.strftime('%Y%m%d-%H%M%S')}")
            backup.write_text(path.read_text())
            backups.append(backup)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        record[path.name] = [*record.get(path.name, [])[-19:], _digest(text)]
        written.append(path)
    for location, record in records.items():
        if any(_record(path.parent) == location for path in written):
            location.parent.mkdir(parents=True, exist_ok=True)
            location.write_text(json.dumps(record, indent=0))
    return written, kept, backups


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.stubgen", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that exercises/ is in sync")
    parser.add_argument("--force", action="store_true",
                        help="also replace exercises you edited (each is kept as NAME.py.orig-TIME first)")
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    parser.add_argument("--exercises", type=Path, default=ROOT / "exercises")
    parser.add_argument("--notebooks", type=Path, default=None,
                        help="where the notebooks go (default: notebooks/ beside the exercises' folder)")
    args = parser.parse_args(argv)
    args.notebooks = args.notebooks or args.exercises.parent / "notebooks"
    try:
        if args.check:
            problems = [f"{args.exercises.name}/{problem}" for problem in out_of_sync(args.solutions, args.exercises)]
            problems += [f"{args.notebooks.name}/{problem}"
                         for problem in notebooks_out_of_sync(args.solutions, args.notebooks)]
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                print(f"Run `make stubs` to regenerate {args.exercises.name}/ and {args.notebooks.name}/ "
                      f"from {args.solutions.name}/.", file=sys.stderr)
            return 1 if problems else 0
        stubs = generate(args.solutions, args.exercises)
        notebooks = generate_notebooks(args.solutions, args.notebooks)
    except MarkerError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    written, kept, backups = write({**stubs, **notebooks}, args.force)
    for backup in backups:
        print(f"kept your version of {backup.name.partition('.orig-')[0]} as {backup}", file=sys.stderr)
    for path in kept:
        print(f"left {path} as it is: it has your code (--force replaces it and keeps a copy)", file=sys.stderr)
    print(f"wrote {sum(path in stubs for path in written)} of {len(stubs)} stubs to {args.exercises} and "
          f"{sum(path in notebooks for path in written)} of {len(notebooks)} notebooks to {args.notebooks}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
