"""Delete login failures that no longer count towards lockout (also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.accounts.services import purge_login_failures


class Command(BaseCommand):
    help = "Delete login failures older than the lockout window."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {purge_login_failures()} old login failures.")
