"""Remind responsible parties of due mitigation reports and record missed ones (also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.response.services.obligations import escalate


class Command(BaseCommand):
    help = "Remind before a mitigation report is due; record a missed one once, with its credit event; idempotent."

    def handle(self, *args, **options):
        counts = escalate()
        self.stdout.write(f"Reminded {counts['reminded']}, recorded {counts['overdue']} overdue obligations.")
