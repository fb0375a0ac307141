"""Compute every enterprise's credit grade again (also run nightly by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.credit.services import recompute_all


class Command(BaseCommand):
    help = "End overrides past their date and compute every credit grade again from the events; idempotent."

    def handle(self, *args, **options):
        counts = recompute_all()
        self.stdout.write(
            f"Updated {counts['records_updated']} credit records; {counts['grades_changed']} grades changed; "
            f"{counts['overrides_ended']} overrides ended."
        )
