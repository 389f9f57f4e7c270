"""Mutants as module files, so that the audit grades them through the very route that grades students.

A mutant (:class:`grader.Mutant`) is a factory written beside the tests that must catch it. For
the audit, :func:`write_module` writes a small module file for it, named like the exercise; the
worker that imports that file, as it would a student's, runs :func:`build` there: it loads the
test file that defines the factory and two private copies of the reference, and patches the
mutant in. The trusted side sees only what the worker sends back, exactly as for a student.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from grader import MUTANTS, Mutant, split_task
from grader.loader import load_module

_test_modules: dict[str, ModuleType] = {}  # in the worker: each test file is loaded once

SHIM = '''"""{module} with the mutant {key} patched in: {description} (written by the audit)."""
from grader.mutants import build as _build

globals().update(_build({solutions!r}, {test_file!r}, {key!r}))
'''


def write_module(mutant: Mutant, solutions: Path, folder: Path) -> Path:
    """Write ``folder/<module>.py``, which is the reference with ``mutant`` patched in; return ``folder``."""
    module = split_task(mutant.task)[0]
    test_file = Path(mutant.factory.__code__.co_filename).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.py").write_text(SHIM.format(
        module=module, key=f"{mutant.task}:{mutant.name}", description=mutant.description.replace('"', "'"),
        solutions=str(Path(solutions).resolve()), test_file=str(test_file)))
    return folder


def build(solutions: str, test_file: str, key: str) -> dict[str, Any]:
    """The public names of the reference module with the mutant ``key`` patched in."""
    if test_file not in _test_modules:
        path = Path(test_file)
        _test_modules[test_file] = load_module(path.parent, path.stem)  # registers its mutants
    mutant = MUTANTS[key]
    module = split_task(mutant.task)[0]
    target = mutant.apply(load_module(Path(solutions), module), load_module(Path(solutions), module))
    return {name: value for name, value in vars(target).items() if not name.startswith("__")}
