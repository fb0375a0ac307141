"""Remind assessors of near due dates and escalate overdue assessments (also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.assessment.deadlines import remind_and_escalate


class Command(BaseCommand):
    help = "Remind of assessments due soon and escalate overdue ones; running it again sends nothing new."

    def handle(self, *args, **options):
        result = remind_and_escalate()
        self.stdout.write(f"Reminded {result['reminded']} assessments; escalated {result['escalated']} overdue.")
