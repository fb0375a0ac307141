"""Lift every measure whose set period has ended (also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.response.services.measures import lift_expired


class Command(BaseCommand):
    help = "Lift rapid-response measures past their set period (Art.24(1)); running it again lifts nothing more."

    def handle(self, *args, **options):
        self.stdout.write(f"Lifted {lift_expired()} expired measures.")
