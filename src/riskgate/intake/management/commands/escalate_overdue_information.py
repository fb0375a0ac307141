"""Escalate risk information that has overstayed its status's time limit (also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.intake.deadlines import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue risk information to the organisation above; running it again escalates nothing new."

    def handle(self, *args, **options):
        result = escalate_overdue()
        self.stdout.write(f"Escalated {result['escalated']} overdue items to {result['organisations']} organisations.")
