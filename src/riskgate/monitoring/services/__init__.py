"""Every write of the monitoring app: the detection job (`detection`) and the analyst's decisions (`signals`)."""

from .detection import detect, last_complete_week, week_of
from .signals import confirm, dismiss

__all__ = ["confirm", "detect", "dismiss", "last_complete_week", "week_of"]
