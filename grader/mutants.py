"""Mutants as module files, so that the audit grades them through the very route that grades students.

A mutant (:class:`grader.Mutant`) is a factory written beside the tests that must catch it. For
the audit, :func:`write_module` writes a module file for it, named like the exercise and holding
the sources it needs (the reference, the test file that defines the factory and the shared
oracles of its folder), so that any worker can import it as it would a student's file, under any
user id. Importing it runs :func:`build` in the worker: the test files are loaded (once per
worker), the reference twice, and the mutant is patched in. The trusted side sees only what the
worker sends back, as for a student.

The same mutants name the mistakes a student makes: :func:`mutant_modules` builds each mutant
of a task from the reference on the trusted side, so that a check that fails can say "this is
exactly what <the mutant's description> gives" (:func:`grader.checks.known_mistakes`). Each
mistake is written once, as a mutant, and is both caught by the audit and recognised.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import io
import linecache
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import numpy as np

from grader import MUTANTS, Mutant, split_task
from grader.stubgen import ROOT

_loaded: dict[str, ModuleType] = {}  # in the worker: each test file once, by the hash of its source

SHIM = '''"""{module} with the mutant {key} patched in: {description} (written by the audit)."""
from grader.mutants import build as _build

globals().update(_build({module!r}, {key!r}, reference={reference!r}, tests={tests!r}))
'''

_solutions = ROOT / "solutions"  # where the trusted side finds the references (set by the plugin)


def use_solutions(folder: Path) -> None:
    """Build the recognised mistakes from the references in ``folder``."""
    global _solutions
    _solutions = Path(folder)


def dotted_name(path: Path) -> str:
    """``tests/c2w3_softmax/oracles.py`` -> ``tests.c2w3_softmax.oracles`` (up the packages)."""
    parts = [] if path.name == "__init__.py" else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def test_files(test_file: Path) -> list[Path]:
    """What a test file needs, in import order: its packages' ``__init__.py``, the modules of its
    folder it imports (the oracles), each after those it imports itself, then the file."""
    test_file = Path(test_file).resolve()
    packages, folder = [], test_file.parent
    while (folder / "__init__.py").is_file():
        packages.insert(0, folder / "__init__.py")
        folder = folder.parent
    ordered: list[Path] = []

    def visit(path: Path) -> None:
        for name in _folder_imports(path):
            found = path.parent / f"{name}.py"
            if found.is_file() and found not in ordered and found != test_file:
                visit(found)
                ordered.append(found)

    visit(test_file)
    return [*packages, *ordered, test_file]


def _folder_imports(path: Path) -> list[str]:
    """The modules of ``path``'s own folder that it imports (``from tests.m.oracles import ...``)."""
    package = dotted_name(path).rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        modules = ([node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                   else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        for module in modules:
            parent, _, name = module.rpartition(".")
            if package and parent == package:
                names.append(name)
    return names


def test_sources(test_file: Path) -> list[tuple[str, str, bool]]:
    """``(dotted name, source, is a package)`` of each of :func:`test_files`."""
    return [(dotted_name(p) or p.stem, p.read_text(), p.name == "__init__.py") for p in test_files(test_file)]


def write_module(mutant: Mutant, solutions: Path, folder: Path) -> Path:
    """Write ``folder/<module>.py``, the reference with ``mutant`` patched in; return ``folder``."""
    module = split_task(mutant.task)[0]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.py").write_text(SHIM.format(
        module=module, key=f"{mutant.task}:{mutant.name}", description=mutant.description.replace('"', "'"),
        reference=(Path(solutions) / f"{module}.py").read_text(),
        tests=test_sources(Path(mutant.factory.__code__.co_filename))))
    return folder


def _from_source(name: str, source: str, fresh: bool, *, dotted: bool = False, package: bool = False) -> ModuleType:
    """A module run from ``source`` (its functions' source stays readable, for :func:`grader.rewrite`).

    With ``dotted`` it is registered as ``name`` itself (a test file or ``package``, which others
    import by that name) and attached to its parent package; otherwise under a private name.
    """
    digest = hashlib.sha256(f"{name}\0{source}".encode()).hexdigest()[:16]
    if not fresh and digest in _loaded:
        return _loaded[digest]
    filename = f"<audit>/{name}-{digest}.py"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    module = ModuleType(name if dotted else f"_audit_{name}_{len(sys.modules)}")
    module.__file__ = filename
    if package:
        module.__path__ = []  # its modules are registered beside it, never searched for
    sys.modules[module.__name__] = module  # dataclasses, inspect and imports look a module up by name
    parent, _, child = module.__name__.rpartition(".")
    if dotted and parent in sys.modules:
        setattr(sys.modules[parent], child, module)
    exec(compile(source, filename, "exec", dont_inherit=True), vars(module))  # noqa: S102 - the suite's own code
    _loaded[digest] = module
    return module


def build(module: str, key: str, *, reference: str, tests: list[tuple[str, str, bool]]) -> dict[str, Any]:
    """The public names of the reference ``module`` with the mutant ``key`` patched in."""
    for name, source, package in tests:  # the last one registers the file's mutants
        _from_source(name, source, fresh=False, dotted=True, package=package)
    target = MUTANTS[key].apply(_from_source(module, reference, fresh=True),
                                _from_source(module, reference, fresh=True))
    return {name: value for name, value in vars(target).items() if not name.startswith("__")}


def build_here(mutant: Mutant) -> ModuleType:
    """A fresh copy of the reference with ``mutant`` patched in, built on this side.

    Raises:
        OSError: the reference is not here.
        Exception: whatever the factory raises (a ``rewrite`` whose text is gone, a syntax error).
    """
    module = split_task(mutant.task)[0]
    source = (_solutions / f"{module}.py").read_text()
    return mutant.apply(_from_source(module, source, fresh=True), _from_source(module, source, fresh=True))


def mutant_modules(task: str) -> Iterator[tuple[str, ModuleType]]:
    """``(description, module)`` for each registered mutant of ``task`` that builds here (nothing
    when the references are not here)."""
    for mutant in [m for m in MUTANTS.values() if m.task == task]:
        try:
            yield mutant.description, build_here(mutant)
        except Exception:  # noqa: BLE001 - a mutant that cannot be built here names no mistake
            continue


def quietly(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` with its prints and warnings discarded and the global state it
    may change put back (TensorFlow's eager mode, default graph and seed; NumPy's global random
    state): a mutant that reproduces a student's ``disable_eager_execution()`` runs here too."""
    from grader.worker.worker import GlobalState  # the worker's own bookkeeping of that state

    state = GlobalState()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return function(*args, **kwargs)
    finally:
        state.restore()


def load_reference(module: str) -> ModuleType:
    """``solutions/<module>.py`` (the folder :func:`use_solutions` chose), imported under a private name."""
    spec = importlib.util.spec_from_file_location(f"_reference_{module}", _solutions / f"{module}.py")
    assert spec is not None and spec.loader is not None
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    return reference
