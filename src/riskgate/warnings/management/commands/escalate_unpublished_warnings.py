"""Escalate confirmed assessments whose warning is not published within its level's time limit."""

from django.core.management import BaseCommand

from riskgate.warnings.services.deadlines import escalate_unpublished


class Command(BaseCommand):
    help = "Notify the requester and the body above of each overdue warning publication; once per assessment."

    def handle(self, *args, **options):
        self.stdout.write(f"Escalated {escalate_unpublished()} overdue warning publications.")
