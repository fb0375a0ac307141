"""Lift every published warning whose validity period has ended, with its control rules (also run by the
scheduler)."""

from django.core.management import BaseCommand

from riskgate.response.services.lifting import lift_expired_warnings


class Command(BaseCommand):
    help = (
        "Lift warnings past their validity period (a Cancel version each) and retire their control rules; running "
        "it again lifts nothing more."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Lifted {lift_expired_warnings()} expired warnings.")
