"""Progress lines of a running sweep, written to a stream (stderr): never mixed with data on stdout.

    tuner: round 2/3: learning_rate 0.0011..0.052, beta 0.962..0.9987, batch_norm true
    tuner: [8/18] trial 07  round 2/3  val_accuracy 0.9611  best 0.9722  elapsed 0:14  left ~0:22

The count in brackets is of ended trials, from 1; a trial is named by its id (keras-tuner's, from 0:
`trial_07/` on disk, `07` in trials.csv).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, TextIO

from tuner.results import format_value
from tuner.space import Param


def format_duration(seconds: float) -> str:
    """`h:mm:ss`, or `m:ss` under an hour."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts ended trials and estimates the time left from this session's pace.

    Args:
        stream: where lines go (a text stream; stderr for the command line).
        total: trials the sweep will run, or None when unknown (hyperband).
        rounds: number of rounds (coarse-to-fine), or None.
        objective: the objective's name.
        direction: "max" or "min".
        clock: seconds since some origin (tests pass a fake one).
    """

    def __init__(self, stream: TextIO, total: int | None, rounds: int | None, objective: str,
                 direction: str, clock: Any = time.monotonic) -> None:
        self.stream = stream
        self.total = total
        self.rounds = rounds
        self.objective = objective
        self.direction = direction
        self.clock = clock
        self.started_at = clock()
        self.ended_before: int | None = None  # trials already ended when this session began
        self.best: float | None = None

    def say(self, text: str) -> None:
        print(f"tuner: {text}", file=self.stream, flush=True)

    def round_started(self, number: int, box: Mapping[str, tuple[Any, ...]],
                      params: Mapping[str, Param]) -> None:
        """A round (counted from 1) begins: show its box in the parameters' own units."""
        parts = []
        for name, bounds in box.items():
            param = params.get(name)
            shown = [format_value(b, name, param) for b in bounds]
            parts.append(f"{name} {','.join(shown)}" if param is None or param.is_choice
                         else f"{name} {shown[0]}..{shown[1]}")
        of = f"/{self.rounds}" if self.rounds else ""
        self.say(f"round {number}{of}: " + ", ".join(parts))

    def trial_ended(self, ended: int, trial_id: str, round_number: int | None, status: str, score: float | None,
                    best: float | None, error: str | None, note: str | None = None) -> None:
        """One line per ended trial; `ended` counts every ended trial of the sweep, this one included."""
        if self.ended_before is None:
            self.ended_before = ended - 1
        of = f"/{self.total}" if self.total else ""
        parts = [f"[{ended}{of}] trial {trial_id}"]
        if round_number is not None and self.rounds and self.rounds > 1:
            parts.append(f"round {round_number}/{self.rounds}")
        if status == "COMPLETED" and score is not None:
            parts.append(f"{self.objective} {score:.4g}" + (f" ({note})" if note else ""))
        else:
            parts.append(f"{status.lower()}" + (f" ({error})" if error else ""))
        if best is not None:
            parts.append(f"best {best:.4g}")
        elapsed = self.clock() - self.started_at
        parts.append(f"elapsed {format_duration(elapsed)}")
        done_here = ended - self.ended_before
        if self.total and done_here > 0 and ended < self.total:
            parts.append(f"left ~{format_duration(elapsed / done_here * (self.total - ended))}")
        self.say("  ".join(parts))
