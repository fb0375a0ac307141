"""Load the demo: reference data, organisations and one account per role (safe to run again)."""

from django.core.management import BaseCommand, call_command

from riskgate.accounts.demo import ACCOUNTS, DEMO_PASSWORD, load_demo_organisations_and_accounts


class Command(BaseCommand):
    help = "Load demo organisations and one demo account per role; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--without-notifications", action="store_true", help="skip importing the real alert files")

    def handle(self, *args, without_notifications=False, **options):
        call_command("load_reference_data", stdout=self.stdout)
        counts = load_demo_organisations_and_accounts()
        self.stdout.write(f"Demo organisations created: {counts['organisations']}, accounts created: {counts['users']}")
        if not without_notifications:
            # The real public notifications (RASFF, Safety Gate, CPSC, FDA, NHTSA) as risk information.
            call_command("import_risk_information", all=True, no_progress=True, stdout=self.stdout)
            # A demo database made by an earlier version: fill in what its items lack.
            call_command("enrich_information", stdout=self.stdout)
            from riskgate.assessment.demo import load_demo_assessments

            self.stdout.write(f"Demo assessments created: {load_demo_assessments()}")
            from riskgate.warnings.demo import load_demo_warnings

            self.stdout.write(f"Demo warnings created: {load_demo_warnings()}")
            from riskgate.targeting.demo import load_demo_port_control

            self.stdout.write(f"Demo control rules created: {load_demo_port_control()}")
            from riskgate.response.demo import load_demo_measures

            self.stdout.write(f"Demo rapid-response measures created: {load_demo_measures()}")
            from riskgate.response.recall_demo import load_demo_recalls

            self.stdout.write(f"Demo recalls from Safety Gate motor-vehicle alerts: {load_demo_recalls()}")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, role, org, _name in ACCOUNTS:
            self.stdout.write(f"  {username:<11} {role:<16} {org}")
