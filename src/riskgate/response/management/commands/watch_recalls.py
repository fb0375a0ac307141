"""Escalate recalls below their target rate after their target date (also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.response.services.recalls import watch


class Command(BaseCommand):
    help = "Record a recall still below its target rate after its target date as stalled, escalating it once."

    def handle(self, *args, **options):
        self.stdout.write(f"Escalated {watch()} stalled recalls.")
