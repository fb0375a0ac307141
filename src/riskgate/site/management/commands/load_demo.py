"""Load the demo: reference data, organisations and one account per role, then every room's demo (idempotent)."""

from django.core.management import BaseCommand, call_command

from riskgate.accounts.demo import ACCOUNTS, DEMO_PASSWORD
from riskgate.site.demo import load_demo, load_world


class Command(BaseCommand):
    help = "Load demo organisations and one demo account per role, then each room's demo data; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--without-notifications", action="store_true", help="skip importing the real alert files")

    def handle(self, *args, without_notifications=False, **options):
        call_command("load_reference_data", stdout=self.stdout)
        counts = load_world()
        self.stdout.write(f"Demo organisations created: {counts['organisations']}, accounts created: {counts['users']}")
        if not without_notifications:
            # The real public notifications (RASFF, Safety Gate, CPSC, FDA, NHTSA) first: the rooms' demos use them.
            load_demo(self.stdout.write)
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, role, org, _name in ACCOUNTS:
            self.stdout.write(f"  {username:<11} {role:<16} {org}")
