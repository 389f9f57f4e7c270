"""Search spaces on the right scale, and the coarse-to-fine box arithmetic.

The course's rule for random search: sample each hyperparameter uniformly *in its own scale*.

| scale           | coordinate r        | value            | use it for                                   |
|-----------------|---------------------|------------------|----------------------------------------------|
| `linear`        | r = v               | v = r            | keep_prob, a dropout rate                    |
| `log`           | r = log10(v)        | v = 10**r        | learning rate α, L2 λ                        |
| `one_minus_log` | r = log10(1 - v)    | v = 1 - 10**r    | momentum / Adam β: 0.9..0.99 as 0.99..0.999  |
| `int`           | r = v               | v = round(r)     | number of layers                             |
| `int_log`       | r = log10(v)        | v = round(10**r) | hidden units, batch size                     |
| `choice`        | (none)              | one of the list  | batch norm on/off, optimizer                 |

Sampling r uniformly spends as many trials on α in [1e-4, 1e-3] as in [1e-1, 1], and as many on
β in [0.9, 0.99] as in [0.99, 0.999]. Integers are cells: the integer k owns the coordinates of
[k - 0.5, k + 0.5], so each integer is drawn with the weight of its cell on the scale.

A *box* is, for each parameter, the part of its range that a round samples: an interval of the
coordinate r (`tuple[float, float]`, low < high) or, for a choice, the allowed values. After a
round, `zoom` shrinks the box around the best trials: the smallest interval holding their cells,
widened by `margin` times the current width on each side, clipped to the full range.

Each numeric scale is one `Scale` object (`SCALES_BY_NAME`): its coordinate and inverse, what
it asks of the bounds, keras-tuner's nearest sampling, how a plot draws its axis and how a value
is written. Nothing here imports TensorFlow or keras-tuner: `Param.register` only calls methods
of the `HyperParameters` object it is given.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

Choice = Union[bool, int, float, str]
Interval = tuple[float, float]
ParamBox = Union[Interval, tuple[Choice, ...]]
Box = dict[str, ParamBox]



class SpaceError(ValueError):
    """A search-space definition that cannot be sampled; the message is one line."""


def format_beta(beta: float, digits: int = 3) -> str:
    """β with `digits` significant digits of 1 - β: 0.9, 0.99342, 0.9999 (not 0.9999000)."""
    decimals = math.ceil(-math.log10(1 - beta) - 1e-6) + digits - 1
    return f"{beta:.{decimals}f}".rstrip("0").rstrip(".")


def _always(low: float, high: float) -> bool:
    return True


@dataclass(frozen=True)
class Scale:
    """A numeric scale: where its coordinate r comes from and goes back to, and what follows.

    Args:
        name: as written in a space (`log`).
        to_r: value -> coordinate r (sampled uniformly).
        from_r: coordinate -> value, before any rounding.
        integer: values are integers (each owns the cell [k - 0.5, k + 0.5]).
        bounds_ok, needs: the rule the bounds must meet, and how an error states it.
        keras_sampling: keras-tuner's nearest `sampling` (only the range is used from it).
        axis: a plot's x axis: "linear", "log", "log2" (integers on a log scale), or "r" (even in
            -r, with ticks at whole decades: β's 0.9, 0.99, 0.999).
        text: how a value is written for people (None: 4 significant digits).
    """

    name: str
    to_r: Callable[[float], float]
    from_r: Callable[[float], float]
    integer: bool = False
    bounds_ok: Callable[[float, float], bool] = _always
    needs: str = ""
    keras_sampling: str = "linear"
    axis: str = "linear"
    text: Callable[[float], str] | None = None


def _identity(v: float) -> float:
    return float(v)


def _exp10(r: float) -> float:
    return 10.0 ** r


def _log10_of_one_minus(v: float) -> float:
    return math.log10(1.0 - v)


def _one_minus_exp10(r: float) -> float:
    return 1.0 - 10.0 ** r


def _positive(low: float, high: float) -> bool:
    return low > 0


def _inside_zero_one(low: float, high: float) -> bool:
    return 0 < low and high < 1


SCALES_BY_NAME: dict[str, Scale] = {scale.name: scale for scale in (
    Scale("linear", _identity, _identity),
    Scale("log", math.log10, _exp10, bounds_ok=_positive, needs="bounds > 0 (r = log10(v))",
          keras_sampling="log", axis="log"),
    Scale("one_minus_log", _log10_of_one_minus, _one_minus_exp10, bounds_ok=_inside_zero_one,
          needs="0 < low < high < 1 (β = 1 - 10**r)", keras_sampling="reverse_log", axis="r", text=format_beta),
    Scale("int", _identity, _identity, integer=True),
    Scale("int_log", math.log10, _exp10, integer=True, bounds_ok=_positive, needs="bounds > 0 (r = log10(v))",
          keras_sampling="log", axis="log2"),
)}
CHOICE = "choice"  # the one scale without a coordinate
SCALES = (*SCALES_BY_NAME, CHOICE)


def format_number(value: Any) -> str:
    """Shortest faithful text for a bound in a message: 1 not 1.0, 0.0001, 1e-06."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, (int, float)) else repr(str(value))


@dataclass(frozen=True)
class Param:
    """One hyperparameter, its range and its scale.

    A numeric parameter has `low < high` and no choices; a `choice` parameter has `choices`
    and no bounds. Construction validates: a `Param` that exists can be sampled.

    Args:
        name: the name that `build(hp)` asks for with `hp.get(name)`.
        scale: one of `SCALES`.
        low: smallest value (numeric scales).
        high: largest value (numeric scales).
        choices: the values of a `choice` parameter.

    Raises:
        SpaceError: the definition is invalid; the message names the bad value, e.g.
            `low must be < high. Received: low=1, high=0.0001`.
    """

    name: str
    scale: str
    low: float | None = None
    high: float | None = None
    choices: tuple[Choice, ...] = ()

    def __post_init__(self) -> None:
        if not self.name or self.name.startswith("tuner/") or any(c in self.name for c in "=:, "):
            raise SpaceError("a parameter name must be non-empty, must not start with 'tuner/' and "
                             f"must not contain '=', ':', ',' or spaces. Received: name={self.name!r}")
        if self.scale not in SCALES:
            raise SpaceError(f"unknown scale; expected one of {', '.join(SCALES)}. "
                             f"Received: scale={self.scale!r}")
        if self.scale == CHOICE:
            self._check_choices()
        else:
            self._check_bounds()

    def _check_choices(self) -> None:
        if self.low is not None or self.high is not None:
            raise SpaceError("a choice takes values, not bounds. "
                             f"Received: low={format_number(self.low)}, high={format_number(self.high)}")
        if not self.choices:
            raise SpaceError("a choice needs at least one value. Received: choices=()")
        kinds = {_kind(c) for c in self.choices}
        if len(kinds) > 1 or None in kinds:
            raise SpaceError("choices must be all numbers, all booleans or all strings. "
                             f"Received: choices={list(self.choices)}")
        if len(set(self.choices)) != len(self.choices):
            raise SpaceError(f"choices must be distinct. Received: choices={list(self.choices)}")

    def _check_bounds(self) -> None:
        if self.choices:
            raise SpaceError(f"scale {self.scale!r} takes low:high, not values. "
                             f"Received: choices={list(self.choices)}")
        for label, bound in (("low", self.low), ("high", self.high)):
            if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not math.isfinite(bound):
                raise SpaceError(f"{label} must be a finite number. Received: {label}={format_number(bound)}")
        received = f"Received: low={format_number(self.low)}, high={format_number(self.high)}"
        if self.low >= self.high:
            raise SpaceError(f"low must be < high. {received}")
        kind = self.kind
        if kind.integer and not (float(self.low).is_integer() and float(self.high).is_integer()):
            raise SpaceError(f"scale {self.scale!r} needs integer bounds. {received}")
        if not kind.bounds_ok(self.low, self.high):
            raise SpaceError(f"scale {self.scale!r} needs {kind.needs}. {received}")

    # ----------------------------------------------------------------- coordinates
    @property
    def is_choice(self) -> bool:
        return self.scale == CHOICE

    @property
    def kind(self) -> Scale:
        """The numeric scale (a choice has none)."""
        return SCALES_BY_NAME[self.scale]

    @property
    def is_integer(self) -> bool:
        return not self.is_choice and self.kind.integer

    def to_coordinate(self, value: float) -> float:
        """The coordinate r of a value: log10(v) on a log scale, log10(1 - v) for β, v otherwise."""
        return self.kind.to_r(value)

    def from_coordinate(self, r: float) -> float | int:
        """The value at coordinate r; integers are rounded and kept inside [low, high]."""
        return self._clip(self.kind.from_r(r))

    def _clip(self, value: float) -> float | int:
        """Inside [low, high]; an integer's nearest integer."""
        if self.is_integer:
            return int(min(max(round(value), self.low), self.high))
        return float(min(max(value, self.low), self.high))

    def cell(self, value: float) -> Interval:
        """The coordinates a value stands for: a point, or [k - 0.5, k + 0.5] for an integer k."""
        if self.is_integer:
            ends = sorted((self.to_coordinate(value - 0.5), self.to_coordinate(value + 0.5)))
        else:
            ends = [self.to_coordinate(value)] * 2
        return ends[0], ends[1]

    @property
    def full_box(self) -> ParamBox:
        """The whole range: every choice, or the interval of r from the cell of low to that of high."""
        if self.is_choice:
            return self.choices
        ends = self.cell(self.low) + self.cell(self.high)
        return min(ends), max(ends)

    # ----------------------------------------------------------------- sampling
    def sample(self, box: ParamBox, rng: np.random.Generator) -> Choice:
        """One value drawn uniformly in r inside `box` (uniformly among the allowed choices)."""
        if self.is_choice:
            return box[int(rng.integers(len(box)))]
        return self.from_coordinate(float(rng.uniform(box[0], box[1])))

    def box_values(self, box: ParamBox) -> tuple[Choice, ...] | tuple[float, float]:
        """A box in the parameter's own units, for people and plots: (low value, high value);
        for integers, the smallest and largest integer the box can draw."""
        if self.is_choice:
            return tuple(box)
        ends = sorted(self.kind.from_r(r) for r in box)
        if self.is_integer:  # a lower edge k + 0.5 (to rounding) draws k + 1 at least
            return self._clip(ends[0] + 1e-9), self._clip(ends[1] - 1e-9)
        return ends[0], ends[1]

    def text(self, value: Any) -> str:
        """A value for people: its scale's way (β: the digits of 1 - β), else 4 significant digits;
        booleans as the command line writes them."""
        if isinstance(value, bool):
            return _choice_text(value)
        if isinstance(value, float):
            if not self.is_choice and self.kind.text is not None:
                try:
                    return self.kind.text(value)
                except (ValueError, OverflowError):  # outside the scale's domain (β = 1)
                    pass
            if value.is_integer() and (self.is_integer or self.is_choice):
                return str(int(value))
            return f"{value:.4g}"
        return str(value)

    # ----------------------------------------------------------------- keras-tuner and files
    def register(self, hp: Any) -> None:
        """Declare this parameter in a keras-tuner `HyperParameters`, so `hp.get(name)` works.

        keras-tuner's own sampling is the closest it has: `log` for log scales, `reverse_log`
        for `one_minus_log` (which is nearly uniform in β on [0.9, 0.999]; the coarse-to-fine
        oracle samples on the true scale and only uses the declaration for the range).
        """
        if self.is_choice:
            hp.Choice(self.name, list(self.choices))
        elif self.is_integer:
            hp.Int(self.name, int(self.low), int(self.high), sampling=self.kind.keras_sampling)
        else:
            hp.Float(self.name, float(self.low), float(self.high), sampling=self.kind.keras_sampling)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description; `Param.from_dict` reads it back."""
        if self.is_choice:
            return {"name": self.name, "scale": self.scale, "choices": list(self.choices)}
        return {"name": self.name, "scale": self.scale, "low": self.low, "high": self.high}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Param:
        return cls(name=data["name"], scale=data["scale"], low=data.get("low"), high=data.get("high"),
                   choices=tuple(data.get("choices", ())))

    def spec(self) -> str:
        """The command-line form: `learning_rate=0.0001:1:log`, `batch_norm=true,false:choice`."""
        if self.is_choice:
            return f"{self.name}={','.join(_choice_text(c) for c in self.choices)}:choice"
        return f"{self.name}={format_number(self.low)}:{format_number(self.high)}:{self.scale}"


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "str"
    return None


def _choice_text(value: Choice) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def parse_number(text: str, label: str) -> float:
    """A bound from text: an int when it is written as one, else a float."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise SpaceError(f"{label} must be a number. Received: {label}={text!r}") from None


def parse_choice(text: str) -> Choice:
    """A choice from text: true/false, an int, a float, else the string itself."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text.strip()


def normalize_choices(values: Iterable[Any]) -> tuple[Choice, ...]:
    """Mixed ints and floats become floats, as keras-tuner's `Choice` needs one type."""
    values = tuple(values)
    if any(isinstance(v, float) for v in values) and all(_kind(v) == "number" for v in values):
        return tuple(float(v) for v in values)
    return values


def parse_param(spec: str) -> Param:
    """Read `NAME=LOW:HIGH:SCALE` or `NAME=V1,V2,...:choice` (the scale defaults to linear).

    Examples: `learning_rate=1e-4:1:log`, `beta=0.9:0.999:one_minus_log`,
    `hidden_units=16:256:int_log`, `batch_norm=true,false:choice`.

    Raises:
        SpaceError: with a one-line reason (the caller says where the spec came from).
    """
    name, sep, body = spec.partition("=")
    if not sep:
        raise SpaceError(f"expected NAME=LOW:HIGH:SCALE or NAME=V1,V2:choice. Received: {spec!r}")
    name = name.strip()
    fields = [f.strip() for f in body.split(":")]
    if len(fields) == 2 and fields[1] == CHOICE:
        return Param(name, CHOICE, choices=normalize_choices(parse_choice(v) for v in fields[0].split(",")))
    if len(fields) == 2:
        fields.append("linear")
    if len(fields) != 3:
        raise SpaceError(f"expected LOW:HIGH:SCALE or V1,V2:choice after '='. Received: {body!r}")
    low, high, scale = fields
    if scale not in SCALES:
        raise SpaceError(f"unknown scale; expected one of {', '.join(SCALES)}. Received: scale={scale!r}")
    if scale == CHOICE:
        raise SpaceError(f"a choice is written V1,V2,...:choice. Received: {body!r}")
    return Param(name, scale, parse_number(low, "low"), parse_number(high, "high"))


# --------------------------------------------------------------------- boxes
def full_box(space: Iterable[Param]) -> Box:
    """The box of a first round: every parameter's whole range."""
    return {p.name: p.full_box for p in space}


def zoom_param(param: Param, current: ParamBox, best_values: Sequence[Choice], margin: float) -> ParamBox:
    """The next round's range of one parameter, from its values in the best trials.

    Numeric: [min cell - margin·w, max cell + margin·w] in r, with w the width of `current`,
    clipped to the full range. Choice: the choices seen among the best (in their original order).
    With no best values the range stays as it is.

    Args:
        param: the parameter.
        current: its range in the round that just ended.
        best_values: its values in the top-k trials (any order, length k or less).
        margin: fraction of the current width added on each side, >= 0.

    Returns:
        The new range, same form as `current`.
    """
    if not best_values:
        return current
    if param.is_choice:
        seen = set(best_values)
        return tuple(c for c in param.choices if c in seen)
    cells = [param.cell(v) for v in best_values]
    width = current[1] - current[0]
    full_low, full_high = param.full_box
    low = max(min(c[0] for c in cells) - margin * width, full_low)
    high = min(max(c[1] for c in cells) + margin * width, full_high)
    return low, high


def zoom(space: Iterable[Param], current: Mapping[str, ParamBox],
         best: Sequence[Mapping[str, Choice]], margin: float) -> Box:
    """The next round's box: `zoom_param` for each parameter over the best trials' values."""
    return {p.name: zoom_param(p, current.get(p.name, p.full_box),
                               [values[p.name] for values in best if p.name in values], margin)
            for p in space}


def box_to_json(box: Mapping[str, ParamBox]) -> dict[str, list[Any]]:
    return {name: list(bounds) for name, bounds in box.items()}


def box_from_json(space: Mapping[str, Param], data: Mapping[str, Sequence[Any]]) -> Box:
    """Inverse of `box_to_json`; intervals come back as float pairs, choices as tuples."""
    box: Box = {}
    for name, bounds in data.items():
        param = space.get(name)
        box[name] = tuple(bounds) if param is None or param.is_choice else (float(bounds[0]), float(bounds[1]))
    return box
