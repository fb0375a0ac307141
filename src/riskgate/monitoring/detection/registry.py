"""The detectors by the reference function's name, with the parameters each accepts."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import bayes, cusum, ears, farrington, glr, rki
from .common import Detection, Parameter, ParameterError


@dataclass(frozen=True)
class Method:
    name: str
    run: Callable[..., Detection]
    parameters: dict[str, Parameter]
    summary: str
    uses_dates: bool = False  # the method places past years by the weeks' dates when it has them


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method(
            "farringtonFlexible",
            farrington.farrington_flexible,
            farrington.FLEXIBLE_PARAMETERS,
            "Farrington (1996) and its improved form (Noufaily et al. 2013: noPeriods=10, nbPlugin)",
            uses_dates=True,
        ),
        Method("farrington", farrington.farrington, farrington.ORIGINAL_PARAMETERS, "Farrington et al. (1996)"),
        Method("earsC", ears.ears_c, ears.PARAMETERS, "EARS C1, C2 or C3 (Hutwagner et al. 2003)"),
        Method("cusum", cusum.cusum, cusum.PARAMETERS, "CUSUM for counts (Rossi et al. 1999)"),
        Method(
            "glrnb", glr.glrnb, glr.PARAMETERS, "GLR for Poisson and negative-binomial counts (Höhle and Paul 2008)"
        ),
        Method("bayes", bayes.bayes, bayes.PARAMETERS, "Bayes system (Riebler 2004)"),
        Method("rki", rki.rki, rki.PARAMETERS, "RKI system (Crow–Gardner Poisson limits of the reference mean)"),
    )
}


def parameters(method: Method, given: dict[str, str]) -> dict:
    """The method's parameters from their text (`NAME=VALUE` on the command line), defaults for the rest."""
    unknown = sorted(set(given) - set(method.parameters))
    if unknown:
        raise ParameterError(
            f"{method.name} has no parameter {', '.join(unknown)} (it takes {', '.join(method.parameters)})"
        )
    values = {}
    for name, parameter in method.parameters.items():
        if name in given:
            try:
                value = parameter.parse(given[name])
            except ParameterError as exc:
                raise ParameterError(f"{name}: {exc}") from None
        else:
            value = parameter.default
        problem = parameter.check(value)
        if problem:
            raise ParameterError(f"{name}: {problem}")
        values[name] = value
    return values


def run(
    name: str,
    observed,
    range_: tuple[int, int] | None = None,
    given: dict[str, str] | None = None,
    dates=None,
    **typed,
):
    """Run the method called `name` on the counts: parameters as text (`given`) or typed keywords (`typed`);
    `dates` (one per week) for the methods that place past years by date."""
    if name not in METHODS:
        raise ParameterError(f"unknown method {name!r} (known: {', '.join(METHODS)})")
    method = METHODS[name]
    values = parameters(method, given or {})
    values.update(typed)
    counts = np.asarray(observed, dtype=float)
    if counts.ndim != 1 or not len(counts):
        raise ParameterError("the series is empty")
    if np.isnan(counts).any() or (counts < 0).any() or (counts != np.round(counts)).any():
        raise ParameterError("the observed counts must be whole numbers of zero or more")
    if method.uses_dates:
        values["dates"] = dates
    return method.run(counts, range_, **values)
