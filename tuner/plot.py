"""`tuner plot`: the objective against each parameter on its own scale, coloured by round.

One panel per parameter. The x axis is the parameter's scale (`Scale.axis`): logarithmic for
`log` and `int_log`; for `one_minus_log` an axis even in -r = -log10(1 - β), so 0.9, 0.99 and
0.999 are evenly spaced; categories for a `choice`. `log_y` puts the objective on a log axis
(for losses). Each round's box is shaded in the round's colour, so the
zoom from round to round is visible; failed trials are grey crosses at the bottom; the best
trial is a star. Reads only `sweep.json` and `trials.csv` (matplotlib, no TensorFlow).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from tuner.results import read_sweep, read_trials
from tuner.space import Param

_JITTER = 0.12


def _set_scale(ax: Axes, param: Param) -> None:
    """The x axis of a numeric parameter, as its scale draws it; its whole range shown."""
    kind = param.kind
    if kind.axis == "log":
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
    elif kind.axis == "log2":
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    elif kind.axis == "r":  # even in -r, ticks at whole decades of r
        to_r, from_r = np.vectorize(kind.to_r, otypes=[float]), np.vectorize(kind.from_r, otypes=[float])
        ax.set_xscale("function", functions=(lambda v: -to_r(np.clip(v, None, 1 - 1e-15)), lambda r: from_r(-r)))
        ends = sorted(-kind.to_r(v) for v in (param.low, param.high))
        decades = [kind.from_r(-k) for k in range(math.ceil(ends[0]), math.floor(ends[1]) + 1)]
        ticks = sorted({param.low, *decades, param.high})
        ax.set_xticks(ticks, [param.text(t) for t in ticks])
    ax.set_xlim(*param.box_values(param.full_box))


def _x_positions(param: Param, values: pd.Series) -> np.ndarray:
    """x of each trial: its value, or for a choice its category's index plus a jitter fixed by the row."""
    if not param.is_choice:
        return values.to_numpy(dtype=float)
    index = {str(c).lower(): i for i, c in enumerate(param.choices)}
    positions = np.array([index.get(str(v).lower(), np.nan) for v in values], dtype=float)
    jitter = (np.asarray(values.index, dtype=float) * 0.618034) % 1.0 - 0.5
    return positions + 2 * _JITTER * jitter


def _draw_boxes(ax: Axes, param: Param, rounds: list[dict[str, Any]], colors: list[Any]) -> None:
    for entry, color in zip(rounds, colors):
        bounds = entry["box"].get(param.name)
        if bounds is None:
            continue
        if param.is_choice:
            allowed = {str(b).lower() for b in bounds}
            for i, choice in enumerate(param.choices):
                if str(choice).lower() in allowed:
                    ax.axvspan(i - 0.4, i + 0.4, color=color, alpha=0.10, lw=0)
        else:
            ax.axvspan(bounds[0], bounds[1], color=color, alpha=0.10, lw=0)
            # and a bar per round along the top edge, so nested boxes stay readable
            height = 0.97 - 0.035 * (entry["round"] - 1)
            ax.plot(bounds, [height, height], color=color, lw=3, solid_capstyle="butt",
                    transform=ax.get_xaxis_transform(), zorder=2)


def panel_grid(panels: int) -> tuple[int, int]:
    """Rows and columns for `panels` panels, at most 3 a row, as few empty places as can be."""
    rows = math.ceil(panels / 3)
    return rows, math.ceil(panels / rows)


def plot_sweep(directory: Path | str, out: Path | str, log_y: bool = False) -> Path:
    """Write the PNG of a sweep's trials and boxes (`sweep_figure`) to `out`; return its path.

    Raises:
        ResultsError: the directory holds no sweep.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep_figure(directory, log_y).savefig(out, dpi=110)
    return out


def sweep_figure(directory: Path | str, log_y: bool = False) -> Figure:
    """One panel per parameter, as few empty places as can be (`log_y`: the objective on a log
    axis, for a loss)."""
    sweep = read_sweep(directory)
    trials = read_trials(directory)
    objective = sweep["objective"]
    space = [Param.from_dict(d) for d in sweep["space"]]
    rounds = sweep.get("rounds") or []
    n_rounds = max([len(rounds), int(trials["round"].max()) if len(trials) else 1, 1])
    colors = [colormaps["viridis"](0.85 * i / max(1, n_rounds - 1)) for i in range(n_rounds)]

    nrows, ncols = panel_grid(len(space))
    fig = Figure(figsize=(max(4.3 * ncols, 6.4), 3.4 * nrows + 0.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    done = trials[(trials["status"] == "COMPLETED") & trials[objective].notna()]
    failed = trials[trials["status"] == "FAILED"]
    best = None
    if len(done):
        best = done[objective].idxmax() if sweep["direction"] == "max" else done[objective].idxmin()
    floor = done[objective].min() if len(done) else 0.0

    for ax, param in zip(axes, space):
        if not param.is_choice:
            _set_scale(ax, param)
        _draw_boxes(ax, param, rounds, colors)
        for number in range(1, n_rounds + 1):
            subset = done[done["round"] == number] if "round" in done else done
            if param.name in subset and len(subset):
                ax.scatter(_x_positions(param, subset[param.name]), subset[objective], s=22,
                           color=colors[number - 1], edgecolor="black", linewidth=0.3,
                           label=f"round {number}", zorder=3)
        if param.name in failed and len(failed):
            ax.scatter(_x_positions(param, failed[param.name]), np.full(len(failed), floor), marker="x",
                       color="0.55", label="failed", zorder=3)
        if best is not None and param.name in done:
            ax.scatter(_x_positions(param, done.loc[[best], param.name]), done.loc[[best], objective],
                       marker="*", s=180, color="red", edgecolor="black", linewidth=0.5, label="best", zorder=4)
        if param.is_choice:
            ax.set_xticks(range(len(param.choices)), [param.text(c) for c in param.choices])
            ax.set_xlim(-0.6, len(param.choices) - 0.4)
        if log_y:
            ax.set_yscale("log")
        elif len(done):  # headroom above the trials for the rounds' bars
            low, high = float(done[objective].min()), float(done[objective].max())
            span = (high - low) or max(abs(high), 1.0) * 0.1
            ax.set_ylim(low - 0.06 * span, high + span * (0.1 + 0.05 * n_rounds))
        ax.set_title(f"{param.name} ({param.scale})", fontsize=10)
        ax.set_ylabel(objective)
        ax.grid(alpha=0.3)
    for ax in axes[len(space):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6), frameon=False)
    fig.suptitle(f"{sweep['algorithm']}: {objective} ({sweep['direction']}), {len(trials)} trials\n"
                 "shading: each round's box", fontsize=11)
    return fig
