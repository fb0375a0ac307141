"""Send a health task through the configured broker and wait for a worker to answer."""

import secrets

from django.core.management import BaseCommand, CommandError

from riskgate.core.tasks import worker_health


class Command(BaseCommand):
    help = "Round trip through the Celery broker: fails unless a worker answers within --timeout seconds."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=20.0)

    def handle(self, *args, timeout, **options):
        token = secrets.token_hex(8)
        try:
            answer = worker_health.delay(token).get(timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - any broker/backend failure is reported as such
            raise CommandError(f"No worker answered through the broker: {exc!r}") from exc
        if answer.get("token") != token:
            raise CommandError(f"Worker answered with the wrong token: {answer!r}")
        self.stdout.write(self.style.SUCCESS(f"Worker {answer['worker']} answered through the broker."))
