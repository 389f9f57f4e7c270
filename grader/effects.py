"""What the student's code did besides returning a value, for the tests that grade it.

The student's code runs in a worker process, never in the test's. Around every call the worker
notes what the code printed, which of the arrays it was given it changed in place, and the
process-wide state it touched — TensorFlow's eager mode, its global default graph and global
seed, NumPy's global random state — and then puts that state back, so that one call cannot
change the next. A test reads those facts with :func:`observe`::

    from grader import observe

    with observe() as seen:
        result = impl.train_softmax_regression(X, Y, 3)
    if seen.printed:
        checks.fail("... printed ...")

The arrays a test passes are never changed by the student's code (the worker has copies), so a
test's expected values always come from its own, pristine inputs; ``seen.changed(array)`` says
whether the code changed its copy of ``array`` in place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Effects", "observe", "report"]


@dataclass
class Effects:
    """The side effects of the calls made inside one :func:`observe` block.

    Attributes:
        printed: what the code wrote to stdout or stderr (capped by the worker).
        mutated: the test's arrays whose copies the code changed in place.
        eager_disabled: eager execution was switched off (``disable_eager_execution``).
        graph_operations: operations added to TensorFlow's global default graph.
        tensorflow_seed: the global seed the code set (``tf.random.set_seed``), as text; "" if none.
        numpy_global_random: NumPy's global random state was drawn from or reseeded.
    """

    printed: str = ""
    mutated: list[Any] = field(default_factory=list)
    eager_disabled: bool = False
    graph_operations: int = 0
    tensorflow_seed: str = ""
    numpy_global_random: bool = False

    def changed(self, array: Any) -> bool:
        """True when the code changed its copy of ``array`` (one of the test's arguments) in place."""
        return any(candidate is array for candidate in self.mutated)

    def tensorflow_problems(self) -> list[str]:
        """The global TensorFlow state the code changed, one sentence each (empty when none)."""
        problems = []
        if self.eager_disabled:
            problems.append("eager execution was switched off for the whole program "
                            "(tf.compat.v1.disable_eager_execution()?); build the graph inside "
                            "`graph = tf.Graph()` and `with graph.as_default():` instead")
        if self.graph_operations:
            problems.append(f"{self.graph_operations} operations were added to the global default graph; "
                            "build them in a graph of your own, `with tf.Graph().as_default() as graph:`")
        if self.tensorflow_seed:
            problems.append(f"the global random seed was changed to {self.tensorflow_seed} "
                            "(tf.random.set_seed?); give the seed to the operations instead")
        return problems


_observers: list[Effects] = []


@contextmanager
def observe() -> Iterator[Effects]:
    """Collect the side effects of every call of the student's code made inside the block."""
    effects = Effects()
    _observers.append(effects)
    try:
        yield effects
    finally:
        _observers.remove(effects)


def report(printed: str = "", mutated: list[Any] | None = None, **facts: Any) -> None:
    """Called by the isolation layer after each call of the student's code: add what the worker
    measured to every open :func:`observe` block."""
    for effects in _observers:
        effects.printed += printed
        effects.mutated += mutated or []
        effects.eager_disabled |= bool(facts.get("eager_disabled"))
        effects.graph_operations += int(facts.get("graph_operations") or 0)
        effects.tensorflow_seed = str(facts.get("tensorflow_seed") or effects.tensorflow_seed)
        effects.numpy_global_random |= bool(facts.get("numpy_global_random"))
