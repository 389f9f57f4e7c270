"""The grading machinery: graded-test markers, mutants, checks, stub generation and the pytest plugin.

A graded test names its task and its points and takes the implementation under test from the
``impl`` fixture::

    from grader import graded

    @graded("c2w3_softmax.softmax", points=2)
    def test_softmax_columns_sum_to_one(impl):
        A = impl.softmax(Z)

A mutant is a realistic wrong version of one graded function, written next to the tests that
must catch it. It is a factory that receives a pristine copy of the reference module and returns
the replacement; the module under test is another copy with the replacement patched in::

    from grader import mutant

    @mutant("c2w3_softmax.softmax", "softmax over axis 1 instead of the class axis 0")
    def softmax_wrong_axis(ref):
        return lambda Z: ref.softmax(Z.T).T

A mutant of a long function is best one edit of the reference's own source, :func:`rewrite`.
"""

from __future__ import annotations

import __future__
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from grader.effects import observe

if TYPE_CHECKING:
    import pytest

__all__ = ["MUTANTS", "Mutant", "graded", "mutant", "observe", "rewrite", "split_task"]


def split_task(task: str) -> tuple[str, str]:
    """``"c2w3_softmax.softmax"`` -> ``("c2w3_softmax", "softmax")``.

    Raises:
        ValueError: ``task`` is not of the form ``module.function``.
    """
    module, dot, name = task.partition(".")
    if not (dot and module.isidentifier() and name.isidentifier()):
        raise ValueError(f"A task is 'module.function'. Received: task={task!r}")
    return module, name


def graded(task: str, points: int = 1, *, hidden: bool = False) -> pytest.MarkDecorator:
    """Mark a test as grading ``task`` (``module.function``) for ``points`` points.

    A ``hidden`` test counts in the score, but ``course grade`` shows students its details only
    after the grades are published (Gradescope's ``after_published``).
    """
    import pytest  # here, not at the top: the `course` command imports this package without pytest

    split_task(task)
    if not (isinstance(points, int) and points > 0):
        raise ValueError(f"points must be a positive integer. Received: points={points!r}")
    if hidden:
        return pytest.mark.graded(task=task, points=points, hidden=True)
    return pytest.mark.graded(task=task, points=points)


@dataclass(frozen=True)
class Mutant:
    """A realistic wrong version of one graded function that its tests must reject."""

    task: str
    name: str
    description: str
    factory: Callable[[ModuleType], object]

    def apply(self, target: ModuleType, reference: ModuleType) -> ModuleType:
        """Patch ``target`` in place with the mutant built from ``reference``; return ``target``.

        ``target`` and ``reference`` are two private copies of the solution module: the factory's
        ``ref.function`` stays the correct one (a mutant that calls it cannot recurse into itself),
        while the other functions of ``target`` that call the mutated one see the mutant.
        """
        setattr(target, split_task(self.task)[1], self.factory(reference))
        return target


MUTANTS: dict[str, Mutant] = {}


def mutant(task: str, description: str) -> Callable[[Callable[[ModuleType], object]], Callable[[ModuleType], object]]:
    """Register the decorated factory as a mutant of ``task``; its name is the factory's name."""
    split_task(task)

    def register(factory: Callable[[ModuleType], object]) -> Callable[[ModuleType], object]:
        key = f"{task}:{factory.__name__}"
        if key in MUTANTS and MUTANTS[key].factory.__code__ != factory.__code__:
            raise ValueError(f"Two mutants share the name {key!r}")
        MUTANTS[key] = Mutant(task, factory.__name__, description, factory)
        return factory

    return register


def rewrite(ref: ModuleType, name: str, old: str, new: str) -> Callable[..., Any]:
    """The reference function ``name`` with the source text ``old`` replaced by ``new``.

    A mutant of a long function in one edit; ``old`` is matched against the dedented source (the
    function's body indented by four spaces). It fails loudly if the reference no longer holds
    ``old``, so that a mutant never silently becomes the reference.
    """
    function = getattr(ref, name)
    source = textwrap.dedent(inspect.getsource(function))
    if old not in source:
        raise AssertionError(f"mutant of {name}: {old!r} is no longer in the reference")
    code = compile(source.replace(old, new), inspect.getsourcefile(function) or name, "exec",
                   flags=__future__.annotations.compiler_flag, dont_inherit=True)
    namespace: dict[str, Any] = {}
    exec(code, vars(ref), namespace)  # noqa: S102 - our own reference's source
    return namespace[name]
