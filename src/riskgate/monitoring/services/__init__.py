"""Every write of the monitoring app: the detection job (`detection`), the analyst's decisions (`signals`), plans,
proposals and sampling tasks (`plans`), monitoring records (`samples`) and double-random spot checks
(`spotchecks`)."""

from . import plans, samples, spotchecks
from .detection import detect, last_complete_week, week_of
from .signals import confirm, dismiss

__all__ = ["confirm", "detect", "dismiss", "last_complete_week", "plans", "samples", "spotchecks", "week_of"]
