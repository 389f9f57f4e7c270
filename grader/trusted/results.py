"""What a grading run found, per graded function, and the files that tools read.

A run is a list of graded tests (from :mod:`grader.plugins.isolated`'s report). This module groups
them by graded function in course order, and writes Gradescope's ``results.json``, JUnit XML and
the plain-text table. A function's score is the sum of the points of its passed tests; hidden
tests (``@graded(..., hidden=True)``) count in the score but form a separate entry whose details
Gradescope shows only after the grades are published.
"""

from __future__ import annotations

import ast
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from grader import split_task

ROOT = Path(__file__).resolve().parent.parent.parent
# The course's order (lectures of Course 1, then Course 2 week by week, then the machine
# learning specialization); a module not listed comes after these, by name.
COURSE_ORDER = (
    "c1w2_logistic_regression", "c1w3_shallow_network", "c1w4_deep_network",
    "c2w1_setup_and_diagnosis", "c2w1_initialization", "c2w1_regularization", "c2w1_gradient_checking",
    "c2w2_optimization",
    "c2w3_hyperparameter_search", "c2w3_batch_norm", "c2w3_softmax", "c2w3_tensorflow_intro",
    "mls_neural_networks", "mls_model_evaluation",
)
NOT_STARTED_KINDS = frozenset({"not_started", "missing"})
OUTPUT_CHARS = 6000  # per entry of results.json
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` as every reader of results accepts it: valid UTF-8, no control characters but
    newlines and tabs (terminal escapes, NUL, lone surrogates become U+FFFD)."""
    return _UNPRINTABLE.sub("\ufffd", text.replace("\r\n", "\n"))


def clean(value: Any) -> Any:
    """:func:`clean_text` on every string in a JSON-like value (keys too)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    return value


@dataclass
class TestOutcome:
    """One graded test as the report gives it."""

    __test__ = False  # not a pytest test class, despite its name
    nodeid: str
    task: str
    points: int
    hidden: bool = False
    outcome: str = "failed"  # passed, failed, skipped
    kind: str = "error"
    message: str = ""
    output: str = ""
    seconds: float = 0.0
    mistakes: list[str] = field(default_factory=list)  # the known mistakes its message names

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> TestOutcome:
        return cls(nodeid=str(record["nodeid"]), task=str(record["task"]), points=int(record["points"]),
                   hidden=bool(record.get("hidden", False)), outcome=str(record.get("outcome", "failed")),
                   kind=str(record.get("kind", "error")), message=str(record.get("message", "")),
                   output=str(record.get("output", "")), seconds=float(record.get("seconds", 0.0)),
                   mistakes=[str(m) for m in record.get("mistakes", []) if isinstance(m, str)])


class Scored:
    """Points over a list of `tests` (TestOutcome)."""

    tests: list[TestOutcome]

    @property
    def score(self) -> int:
        return sum(t.points for t in self.tests if t.passed)

    @property
    def max_score(self) -> int:
        return sum(t.points for t in self.tests)


@dataclass
class FunctionResult(Scored):
    """The tests of one graded function (its visible ones, or its hidden ones)."""

    task: str
    hidden: bool
    tests: list[TestOutcome] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``passed``, ``not_started`` (every test met the stub or a missing file) or ``failed``."""
        if all(t.passed for t in self.tests):
            return "passed"
        if all(t.kind in NOT_STARTED_KINDS for t in self.tests):
            return "not_started"
        return "failed"

    @property
    def failures(self) -> list[TestOutcome]:
        return [t for t in self.tests if not t.passed]

    def message(self, every: bool = False) -> str:
        """The telling failure's message (the first that names a known mistake, else the first),
        what the code printed, and how many more failed; ``every``: each failing test's."""
        failures = sorted(self.failures, key=lambda t: not t.mistakes)  # stable: in test order otherwise
        if not failures:
            return ""
        shown = failures if every else failures[:1]
        texts = []
        for test in shown:
            text = test.message.strip() or f"{test.nodeid} failed"
            if test.output.strip():
                text += "\nYour code printed:\n" + test.output.rstrip()
            texts.append(text)
        text = "\n\n".join(texts)
        if len(failures) > len(shown):
            more = len(failures) - len(shown)
            text += f"\n(and {more} more failing test{'s' if more > 1 else ''} of this function)"
        return text

    @property
    def name(self) -> str:
        return self.task + (" (hidden tests)" if self.hidden else "")


@dataclass
class GradingRun(Scored):
    """Everything one grading run found, and what to say about how it ran."""

    tests: list[TestOutcome]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None  # the run itself failed (some or all tests could not be graded)
    submission: str = ""

    def functions(self) -> list[FunctionResult]:
        groups: dict[tuple[str, bool], FunctionResult] = {}
        for test in self.tests:
            key = (test.task, test.hidden)
            groups.setdefault(key, FunctionResult(test.task, test.hidden)).tests.append(test)
        return sorted(groups.values(), key=lambda f: (*task_rank(f.task), f.hidden))


def module_rank(module: str) -> tuple[int, str]:
    return (COURSE_ORDER.index(module), "") if module in COURSE_ORDER else (len(COURSE_ORDER), module)


_definitions: dict[str, list[str]] = {}


def function_order(module: str, root: Path = ROOT) -> list[str]:
    """Top-level functions and classes of the exercise, in the order the file defines them."""
    if module not in _definitions:
        names: list[str] = []
        for folder in ("exercises", "solutions"):
            path = root / folder / f"{module}.py"
            try:
                tree = ast.parse(path.read_text())
            except (OSError, SyntaxError):
                continue
            names = [node.name for node in tree.body
                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
            break
        _definitions[module] = names
    return _definitions[module]


def task_rank(task: str) -> tuple[Any, ...]:
    module, name = split_task(task)
    order = function_order(module)
    return (*module_rank(module), order.index(name) if name in order else len(order), name)


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------

def write_atomically(path: Path, text: str, private: bool = False) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``.

    A fake file left there by anyone is replaced whole; a reader never sees half a file.
    ``private``: readable by the owner only (the grader, when it runs as root).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o600 if private else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _clip(text: str, size: int = OUTPUT_CHARS) -> str:
    return text if len(text) <= size else text[:size] + f"\n[... {len(text) - size} more characters]"


def gradescope(run: GradingRun) -> dict[str, Any]:
    """Gradescope's results.json: a test per graded function, hidden tests after publication."""
    tests = []
    modules: list[str] = []
    per_module: dict[str, int] = {}
    for function in run.functions():
        module = split_task(function.task)[0]
        if module not in modules:
            modules.append(module)
        per_module[module] = per_module.get(module, 0) + 1
        if function.hidden:
            output = (f"{function.score}/{function.max_score} points from hidden tests.\n" + function.message()
                      if function.failures else f"All {len(function.tests)} hidden tests passed.")
        else:
            output = function.message() if function.failures else f"All {len(function.tests)} tests passed."
        tests.append({
            "name": function.name,
            "number": f"{modules.index(module) + 1}.{per_module[module]}",
            "score": float(function.score),
            "max_score": float(function.max_score),
            "status": "passed" if function.status == "passed" else "failed",
            "output": _clip(output),
            "tags": [module],
            "visibility": "after_published" if function.hidden else "visible",
        })
    lines = [f"Graded {len(run.functions())} functions of {len(modules)} modules: "
             f"{run.score}/{run.max_score} points."]
    if run.error:
        lines.append(f"Part of the grading could not run: {run.error}")
    return {
        "score": float(run.score),
        "max_score": float(run.max_score),
        "execution_time": int(round(run.seconds)),
        "output": "\n".join(lines),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def junit_xml(run: GradingRun) -> str:
    """JUnit XML: one test case per graded test; hidden tests without their messages."""
    cases = []
    failures = 0
    for test in sorted(run.tests, key=lambda t: task_rank(t.task)):
        attributes = (f"classname={quoteattr(test.task)} name={quoteattr(test.nodeid.rpartition('::')[2])} "
                      f"time={quoteattr(f'{test.seconds:.3f}')}")
        if test.passed:
            cases.append(f"    <testcase {attributes}/>")
            continue
        failures += 1
        message = "hidden test failed" if test.hidden else test.message
        body = "" if test.hidden else escape(test.message + ("\n" + test.output if test.output else ""))
        cases.append(f"    <testcase {attributes}>\n      <failure message={quoteattr(message[:500])} "
                     f"type={quoteattr(test.kind)}>{body}</failure>\n    </testcase>")
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites>\n"
            f"  <testsuite name=\"course grade\" tests=\"{len(run.tests)}\" failures=\"{failures}\" "
            f"time=\"{run.seconds:.3f}\">\n" + "\n".join(cases) + "\n  </testsuite>\n</testsuites>\n")


def run_to_json(run: GradingRun) -> dict[str, Any]:
    """The run for ``--format json``: functions with status, score and message."""
    return {
        "score": run.score, "max_score": run.max_score, "seconds": round(run.seconds, 2),
        "submission": run.submission, "notes": run.notes, "error": run.error,
        "functions": [{"task": f.task, "hidden": f.hidden, "status": f.status, "score": f.score,
                       "max_score": f.max_score, "message": "" if f.hidden else f.message(),
                       "tests": [{"name": t.nodeid, "outcome": t.outcome, "kind": t.kind, "points": t.points}
                                 for t in f.tests]}
                      for f in run.functions()],
    }


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as file:
        return json.load(file)
