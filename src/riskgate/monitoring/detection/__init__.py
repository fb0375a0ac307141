"""Aberration detectors for weekly counts, written from the papers and checked against the R package
`surveillance` (../shared/data/surveillance): no Django, no database. Each detector takes the observed counts
(a NumPy array, week 1 first), the 1-based positions to judge and its parameters under the reference's names, and
returns a `Detection` (upper bound, alarm and expected value per judged week).

`METHODS` maps the reference function's name to the detector and the parameters it accepts; the command line
(`riskgate detect`) and the daily signal job use it."""

from .common import Detection, Parameter, ParameterError
from .registry import METHODS, run

__all__ = ["METHODS", "Detection", "Parameter", "ParameterError", "run"]
