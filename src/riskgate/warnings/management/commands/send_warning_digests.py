"""Send the deliveries held back by the subscription throttle, one digest per subscriber (also scheduled)."""

from django.core.management import BaseCommand

from riskgate.warnings.services.delivery import send_digests


class Command(BaseCommand):
    help = "Send each throttled subscriber one digest of the warnings held back; running it again sends nothing more."

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {send_digests()} digests.")
