"""Queueing background work from a service: the task is named, not imported, and sent once the transaction
commits. Services never import tasks modules (tasks import services), so the two never form an import ring."""

from functools import cache

from django.db import transaction

from riskgate.celery import app


def enqueue_on_commit(task: str, *args) -> None:
    """Queue the Celery task registered as `task` with `args` after the current transaction commits (at once
    outside one); nothing is queued if it rolls back. An unknown name fails now, inside the caller's transaction."""
    registered = _tasks()[task]
    transaction.on_commit(lambda: registered.delay(*args))


@cache
def _tasks():
    # Every app's tasks module, imported once (what a worker does at start-up), so every name is registered.
    app.loader.import_default_modules()
    return app.tasks
