"""The instructors' class report of ``course grade --submissions``: how the class did, function by function.

:func:`class_report` counts, over the submissions that were graded, per graded function (course
order) how many attempted it and how many got full marks, and which recognised mistakes the class
made, most common first. A mistake is recognised on the trusted side (a check's message said
"This is exactly what <description> gives", and the test's record lists the description in
:attr:`TestOutcome.mistakes`); a student counts once per function and mistake, however many
tests named it. Submissions whose run failed (``run.error``) are listed apart, with their error,
and counted in no share.

:func:`write_class_report` writes ``report.md`` and ``report.png`` (a bar chart of the share with
full marks per function). matplotlib is imported only there: the ``course`` process stays light,
and never imports TensorFlow.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from grader.trusted.results import GradingRun, task_rank, write_atomically

REPORT_MD, REPORT_PNG = "report.md", "report.png"


def share(count: int, total: int, what: str = "") -> str:
    """``"42 % (5 of 12)"``, or with ``what`` ``"83 % full marks (10 of 12)"``: ``count`` out of
    ``total`` (> 0), the percentage rounded half up."""
    return f"{(200 * count + total) // (2 * total)} %{' ' + what if what else ''} ({count} of {total})"


def _counted(count: int, noun: str) -> str:
    """``"12 submissions"``, ``"1 submission"``."""
    return f"{count} {noun}{'s' if count != 1 else ''}"


@dataclass
class FunctionTally:
    """How the class did on one graded function, its visible and hidden tests together."""

    task: str
    graded: int = 0  # submissions graded on it
    attempted: int = 0  # of those, the ones that were neither the stub nor a missing file
    full_marks: int = 0  # of those, the ones that passed every test


class MistakeTally(NamedTuple):
    """One recognised mistake and how many students made it."""

    task: str
    description: str  # the mutant's description, a noun phrase
    students: int  # submissions whose tests of ``task`` named it (each once)
    graded: int  # submissions graded on ``task``: the share's denominator


@dataclass
class ClassReport:
    """What the class report says."""

    submissions: int  # all of them, graded or not
    functions: list[FunctionTally] = field(default_factory=list)  # course order
    mistakes: list[MistakeTally] = field(default_factory=list)  # most common first, then course order
    not_graded: dict[str, str] = field(default_factory=dict)  # submission -> its run's error, by name

    @property
    def graded(self) -> int:
        """How many submissions were graded."""
        return self.submissions - len(self.not_graded)


def class_report(runs: dict[str, GradingRun]) -> ClassReport:
    """Count the functions and mistakes of the graded ``runs`` (submission name -> run)."""
    report = ClassReport(submissions=len(runs))
    tallies: dict[str, FunctionTally] = {}
    named: Counter[tuple[str, str]] = Counter()
    for name, run in sorted(runs.items()):
        if run.error:
            report.not_graded[name] = run.error
            continue
        functions = run.functions()  # a task's visible and hidden tests are two entries
        for task in dict.fromkeys(f.task for f in functions):
            parts = [f for f in functions if f.task == task]
            tally = tallies.setdefault(task, FunctionTally(task))
            tally.graded += 1
            tally.attempted += any(f.status != "not_started" for f in parts)
            tally.full_marks += all(f.status == "passed" for f in parts)
            named.update((task, mistake) for mistake in dict.fromkeys(  # once per student
                m for f in parts for test in f.tests for m in test.mistakes))
    report.functions = sorted(tallies.values(), key=lambda t: task_rank(t.task))
    report.mistakes = sorted((MistakeTally(task, description, students, tallies[task].graded)
                              for (task, description), students in named.items()),
                             key=lambda m: (-m.students, task_rank(m.task), m.description))
    return report


def _inline(text: str) -> str:
    """``text`` on one line, with the characters that Markdown would read as markup escaped."""
    line = " ".join(text.split())
    for character in "\\`*[<|":  # no code span, * emphasis, link, tag nor cell starts
        line = line.replace(character, "\\" + character)
    return line


def render_markdown(report: ClassReport) -> str:
    """The Markdown of ``report.md``."""
    lines = ["# Class report", "",
             f"{_counted(report.submissions, 'submission')}: {report.graded} graded"
             + (f", {len(report.not_graded)} could not be graded (listed at the end, counted in no share)"
                if report.not_graded else "") + ".", "",
             "## Graded functions", ""]
    if report.functions:
        lines += ["| function | attempted | full marks |", "|---|---:|---|",
                  *(f"| {_inline(t.task)} | {t.attempted} of {t.graded} | "
                    f"{share(t.full_marks, t.graded, 'full marks')} |" for t in report.functions)]
    else:
        lines.append("No function was graded.")
    lines += ["", "## Recognised mistakes", "",
              "Each student counts once per function and mistake, however many tests named it; shares are of "
              "the submissions graded on that function.", ""]
    lines += [f"{rank}. {share(m.students, m.graded)} — {_inline(m.task)}: {_inline(m.description)}"
              for rank, m in enumerate(report.mistakes, 1)] or ["No recognised mistake."]
    if report.not_graded:
        lines += ["", "## Not graded", "",
                  *(f"- {_inline(name)}: {_inline(error)}" for name, error in report.not_graded.items())]
    return "\n".join(lines) + "\n"


def plot_full_marks(report: ClassReport, path: Path) -> None:
    """Write a horizontal bar chart of the share with full marks per function (course order, top
    down) to the PNG file ``path``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # Agg: no display, no pyplot state
    from matplotlib.figure import Figure

    functions = report.functions
    figure = Figure(figsize=(8, 1.2 + 0.35 * max(len(functions), 1)), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    rows = range(len(functions))
    percents = [100 * t.full_marks / t.graded for t in functions]
    bars = axes.barh(rows, percents, color="tab:green")
    axes.bar_label(bars, [share(t.full_marks, t.graded) for t in functions], padding=3, fontsize=8)
    axes.set_yticks(rows, [t.task for t in functions], fontsize=8)
    axes.invert_yaxis()  # the course's first function on top
    axes.set_xlim(0, 125)  # room for the labels of full bars
    axes.set_xticks(range(0, 101, 25), [f"{p} %" for p in range(0, 101, 25)])
    axes.set_xlabel("submissions with full marks")
    axes.set_title(f"Full marks per graded function ({_counted(report.graded, 'graded submission')})",
                   fontsize=10)
    if not functions:
        axes.text(0.5, 0.5, "No function was graded.", transform=axes.transAxes, ha="center", va="center")
    figure.savefig(path, dpi=110)


def write_class_report(runs: dict[str, GradingRun], out: Path) -> list[Path]:
    """Write ``out/report.md`` and ``out/report.png`` for ``runs`` (submission name -> run); return
    their paths."""
    out = Path(out)
    report = class_report(runs)
    markdown, png = out / REPORT_MD, out / REPORT_PNG
    write_atomically(markdown, render_markdown(report))
    plot_full_marks(report, png)
    return [markdown, png]
