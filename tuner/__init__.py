"""tuner: coarse-to-fine random search on the right scale, built on keras-tuner.

- `tuner.space`: parameters with scales (linear, log, one_minus_log for β, int, int_log, choice)
  and the box arithmetic of coarse-to-fine;
- `tuner.oracle.CoarseToFineOracle`: a keras-tuner `Oracle` that samples each round uniformly
  in every parameter's own scale, then zooms around the best trials;
- `tuner.sweep`: running a sweep (alone, or as keras-tuner's chief or a worker), robust to
  failed trials and to being killed, recorded in `trials.csv`;
- `tuner.results`, `tuner.plot`: reading a sweep back with pandas, as a table or a plot;
- `tuner.cli`: the `tuner` command (`sweep`, `report`, `best`, `plot`).

Importing `tuner` does not import TensorFlow; `tuner.CoarseToFineOracle` does, when first used.
"""

from typing import Any

from tuner.space import SCALES, Param, SpaceError, parse_param


def __getattr__(name: str) -> Any:
    if name == "CoarseToFineOracle":
        from tuner.oracle import CoarseToFineOracle

        return CoarseToFineOracle
    raise AttributeError(f"module 'tuner' has no attribute {name!r}")


__all__ = ["SCALES", "CoarseToFineOracle", "Param", "SpaceError", "parse_param"]
