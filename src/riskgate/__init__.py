"""RiskGate: import/export commodity quality-safety risk early warning and rapid response."""

from .celery import app as celery_app

__all__ = ["celery_app"]
