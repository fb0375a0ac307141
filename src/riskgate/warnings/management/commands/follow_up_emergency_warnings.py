"""Remind and escalate emergency warnings whose assessment is not requested, or which are not confirmed, in time
(also scheduled)."""

from django.core.management import BaseCommand

from riskgate.warnings.services.emergency import watch


class Command(BaseCommand):
    help = "Remind an emergency warning's issuer to request its assessment; escalate missing or late steps once."

    def handle(self, *args, **options):
        counts = watch()
        self.stdout.write(
            "Reminded {reminded}, escalated {request_escalated} missing assessment requests and "
            "{confirm_escalated} late confirmations.".format(**counts)
        )
