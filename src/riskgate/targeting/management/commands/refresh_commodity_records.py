"""Recount the inspection record of every HS heading (also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.targeting.services.supervision import refresh_records


class Command(BaseCommand):
    help = "Recount each HS heading's inspections and non-conformities for differential supervision."

    def handle(self, *args, **options):
        self.stdout.write(f"{refresh_records()} commodity records changed.")
