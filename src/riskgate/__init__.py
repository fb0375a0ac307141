"""RiskGate: import/export commodity quality-safety risk early warning and rapid response.

The Celery application is loaded when Django starts (core.apps) or when asked for (`celery -A riskgate`,
`riskgate.celery_app`), not on every import of the package: the screening engine (riskgate.targeting.engine)
must import without Django."""


def __getattr__(name: str):
    if name in ("celery_app", "app"):
        from .celery import app

        return app
    raise AttributeError(f"module 'riskgate' has no attribute {name!r}")


__all__ = ["celery_app"]
