"""Fail the import jobs whose worker died (lease run out, not taken over); the scheduler runs it every minute."""

from django.core.management import BaseCommand

from riskgate.intake.jobs import expire_stale


class Command(BaseCommand):
    help = "Mark import jobs whose worker's lease ran out as failed, with a clear message."

    def handle(self, *args, **options):
        self.stdout.write(f"{expire_stale()} stale import jobs failed")
