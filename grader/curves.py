"""Learning curves: a training function's cost, the student's beside the reference's, as a PNG.

A module's training functions register their curve in ``tests/<module>/curves.py``::

    @curve("c2w3_softmax.train_softmax_regression", xlabel="iteration")
    def softmax_regression(module):
        X, Y = digits()
        return module.train_softmax_regression(X, Y, 10, num_iterations=100)[1]

The function trains with ``module`` (the reference, or the student's module running in a worker
exactly as in a graded test) and returns the costs to plot. ``course plot MODULE.FUNCTION`` runs
this file as its trusted side (``python -m grader.curves TASK FOLDER PNG``), in a child process:
the reference is imported here, the student's code runs in an isolated worker.
"""

from __future__ import annotations

import importlib
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import split_task

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Curve:
    """How to train with a graded function, and how to label what it gives."""

    task: str
    train: Callable[[Any], Sequence[float]]
    xlabel: str = "iteration"
    ylabel: str = "cost"
    every: int = 1  # iterations between two recorded costs


CURVES: dict[str, Curve] = {}


def curve(task: str, *, xlabel: str = "iteration", ylabel: str = "cost",
          every: int = 1) -> Callable[[Callable[[Any], Sequence[float]]], Callable[[Any], Sequence[float]]]:
    """Register the decorated ``train(module) -> costs`` as the learning curve of ``task``."""
    split_task(task)

    def register(train: Callable[[Any], Sequence[float]]) -> Callable[[Any], Sequence[float]]:
        CURVES[task] = Curve(task, train, xlabel, ylabel, every)
        return train

    return register


def curves_of(module: str) -> dict[str, Curve]:
    """The curves ``tests/<module>/curves.py`` registers (none when there is no such file)."""
    if (ROOT / "tests" / module / "curves.py").is_file():
        importlib.import_module(f"tests.{module}.curves")
    return {task: c for task, c in CURVES.items() if split_task(task)[0] == module}


def as_costs(value: Any) -> list[float]:
    """What a training function gave as costs, as floats; ValueError when it is not a sequence of
    numbers."""
    try:
        costs = [float(v) for v in value]
    except (TypeError, ValueError):
        raise ValueError(f"the costs should be a list of numbers, got {type(value).__name__}") from None
    if not costs:
        raise ValueError("the costs are an empty list")
    return costs


def plot(curve: Curve, reference: list[float], yours: list[float] | None, problem: str, out: Path) -> None:
    """The two curves on one axis (log scale where every cost is positive), written to ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axis = pyplot.subplots(figsize=(7, 4.2))
    for costs, label, style in ((yours, "yours", dict(color="tab:blue", linewidth=2.2)),
                                (reference, "reference", dict(color="black", linestyle="--", linewidth=1.2))):
        if costs:
            steps = [curve.every * i for i in range(len(costs))]
            axis.plot(steps, costs, label=f"{label} (last: {costs[-1]:.4g})", **style)
    values = [c for c in [*reference, *(yours or [])] if math.isfinite(c)]
    if values and min(values) > 0 and max(values) / min(values) > 20:
        axis.set_yscale("log")
    axis.set_xlabel(curve.xlabel)
    axis.set_ylabel(curve.ylabel)
    axis.set_title(curve.task + ("" if not problem else "\n" + problem[:90]), fontsize=10)
    axis.legend()
    axis.grid(alpha=0.3)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)
    pyplot.close(figure)


def main(argv: list[str]) -> int:
    """``TASK FOLDER PNG TIME_LIMIT``: one JSON line on stdout (the PNG, the last costs, what went
    wrong); exit 2 when TASK has no curve."""
    from grader.mutants import load_reference
    from grader.plugins.isolated import protected_paths
    from grader.trusted.isolation import Isolation, Limits, RemoteModule, StudentError, WorkerFailure

    task, folder, out, time_limit = argv[0], Path(argv[1]), Path(argv[2]), float(argv[3])
    module, _ = split_task(task)
    known = curves_of(module)
    if task not in known:
        names = ", ".join(sorted(CURVES)) or "none"
        print(json.dumps({"error": f"{task} has no learning curve; the training functions that have one: {names}"}))
        return 2
    chosen = known[task]
    reference = as_costs(chosen.train(load_reference(module)))
    isolation = Isolation(Limits(time=time_limit), protected_paths(ROOT, ROOT))
    yours, problem = None, ""
    try:
        session = isolation.session(folder, module, "", "")
        if session is None:
            problem = f"{module}.py is not in the folder"
        else:
            yours = as_costs(chosen.train(RemoteModule(session)))
    except (StudentError, WorkerFailure) as err:
        problem = str(getattr(err, "student_text", None) or getattr(err, "msg", None) or err).strip().splitlines()[0]
    except ValueError as err:
        problem = str(err)
    finally:
        isolation.close()
    plot(chosen, reference, yours, problem, out)
    print(json.dumps({"png": str(out), "reference": reference[-1], "yours": yours[-1] if yours else None,
                      "problem": problem}))
    return 0


if __name__ == "__main__":  # the registry the curves files fill is grader.curves's, not __main__'s
    from grader.curves import main as registered_main

    sys.exit(registered_main(sys.argv[1:]))
