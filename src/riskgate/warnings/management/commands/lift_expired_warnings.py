"""Lift every published warning whose validity period has ended (also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.warnings.services import lift_expired


class Command(BaseCommand):
    help = "Lift warnings past their validity period (a Cancel version each); running it again lifts nothing more."

    def handle(self, *args, **options):
        self.stdout.write(f"Lifted {lift_expired()} expired warnings.")
