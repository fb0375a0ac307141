"""Remind executing units before a measure's deadline and escalate a missed one (also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.response.services.measures import watch_deadlines


class Command(BaseCommand):
    help = (
        "Remind the units before a measure's deadline; record a measure not implemented by then as overdue once, "
        "telling the units and the deciding authority; idempotent."
    )

    def handle(self, *args, **options):
        counts = watch_deadlines()
        self.stdout.write(f"Reminded {counts['reminded']}, recorded {counts['overdue']} overdue measures.")
