"""Mutants as module files, so that the audit grades them through the very route that grades students.

A mutant (:class:`grader.Mutant`) is a factory written beside the tests that must catch it. For
the audit, :func:`write_module` writes a module file for it, named like the exercise and holding
the sources it needs (the reference and the test file that defines the factory), so that any
worker can import it as it would a student's file, under any user id. Importing it runs
:func:`build` in the worker: the test file is loaded (once per worker), the reference twice, and
the mutant is patched in. The trusted side sees only what the worker sends back, as for a student.
"""

from __future__ import annotations

import hashlib
import linecache
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from grader import MUTANTS, Mutant, split_task

_loaded: dict[str, ModuleType] = {}  # in the worker: each test file once, by the hash of its source

SHIM = '''"""{module} with the mutant {key} patched in: {description} (written by the audit)."""
from grader.mutants import build as _build

globals().update(_build({module!r}, {key!r}, reference={reference!r}, tests={tests!r}, tests_name={tests_name!r}))
'''


def write_module(mutant: Mutant, solutions: Path, folder: Path) -> Path:
    """Write ``folder/<module>.py``, the reference with ``mutant`` patched in; return ``folder``."""
    module = split_task(mutant.task)[0]
    test_file = Path(mutant.factory.__code__.co_filename)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.py").write_text(SHIM.format(
        module=module, key=f"{mutant.task}:{mutant.name}", description=mutant.description.replace('"', "'"),
        reference=(Path(solutions) / f"{module}.py").read_text(), tests=test_file.read_text(),
        tests_name=test_file.stem))
    return folder


def _from_source(name: str, source: str, fresh: bool) -> ModuleType:
    """A module run from ``source`` (its functions' source stays readable, for :func:`grader.rewrite`)."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    if not fresh and digest in _loaded:
        return _loaded[digest]
    filename = f"<audit>/{name}-{digest}.py"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    module = ModuleType(f"_audit_{name}_{len(sys.modules)}")
    module.__file__ = filename
    sys.modules[module.__name__] = module  # dataclasses and inspect look a module up by name
    exec(compile(source, filename, "exec", dont_inherit=True), vars(module))  # noqa: S102 - the suite's own code
    _loaded[digest] = module
    return module


def build(module: str, key: str, *, reference: str, tests: str, tests_name: str) -> dict[str, Any]:
    """The public names of the reference ``module`` with the mutant ``key`` patched in."""
    _from_source(tests_name, tests, fresh=False)  # registers the file's mutants
    target = MUTANTS[key].apply(_from_source(module, reference, fresh=True),
                                _from_source(module, reference, fresh=True))
    return {name: value for name, value in vars(target).items() if not name.startswith("__")}
