"""Escalate addressees that have not reported action on (or acknowledged) a warning in time (also scheduled)."""

from django.core.management import BaseCommand

from riskgate.warnings.services.inbox import escalate_unanswered


class Command(BaseCommand):
    help = "Tell the issuer, once per addressee, who has not answered a warning within the time limit."

    def handle(self, *args, **options):
        self.stdout.write(f"Escalated {escalate_unanswered()} unanswered warnings.")
