"""Escalate supervised cases past their deadline and record overdue interview commitments (also run by the
scheduler)."""

from django.core.management import BaseCommand

from riskgate.enforcement.services import watch_deadlines


class Command(BaseCommand):
    help = (
        "Record a supervised case still open after its deadline as overdue once, telling the handling unit, the "
        "supervisor and the body above it; record an unfulfilled commitment past its due day once, telling the "
        "interviewing unit and the enterprise; idempotent."
    )

    def handle(self, *args, **options):
        counts = watch_deadlines()
        self.stdout.write(
            f"Escalated {counts['cases_escalated']} supervised cases; "
            f"recorded {counts['commitments_overdue']} overdue commitments."
        )
