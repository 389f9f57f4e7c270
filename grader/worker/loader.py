"""Load one exercise module from an implementation folder, under a private name.

An implementation is a folder of module files: ``exercises/`` (the stubs a student fills in),
``solutions/`` (the references) or any folder holding some or all of a student's files. Each
load is a fresh module object, so a mutant patched into one copy never leaks into another, and
nothing is registered under the module's public name.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType

_counter = itertools.count()


def load_module(folder: Path, module: str) -> ModuleType:
    """Import ``folder/module.py`` as a new, privately named module.

    Args:
        folder: the implementation folder.
        module: the exercise's name, e.g. ``"c2w3_softmax"``.

    Raises:
        FileNotFoundError: the file does not exist.
        Exception: whatever importing the file raised.
    """
    path = Path(folder) / f"{module}.py"
    if not path.is_file():
        raise FileNotFoundError(f"{module}.py not found in {folder}")
    name = f"_graded_{module}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[name] = loaded  # dataclasses and pickling look a module up by name
    try:
        spec.loader.exec_module(loaded)
    except BaseException:
        del sys.modules[name]
        raise
    return loaded
