"""Delete rate-limit records older than a day (they no longer count; also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.core.ratelimit import purge


class Command(BaseCommand):
    help = "Delete rate-limit records older than a day."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {purge()} old rate-limit records.")
