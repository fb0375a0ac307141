"""Append the screened declaration items not yet in the history to its Parquet parts (also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.targeting.services.retro import directory, export


class Command(BaseCommand):
    help = "Append screened items to the declaration history (Parquet) that retro-screening reads; idempotent."

    def handle(self, *args, **options):
        self.stdout.write(f"Exported {export()} items to {directory()}.")
