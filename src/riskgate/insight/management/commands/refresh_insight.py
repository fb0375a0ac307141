"""Refresh the dashboards' tallies (also run by the scheduler): incrementally, or with --full from scratch."""

from django.core.management import BaseCommand

from riskgate.insight import services


class Command(BaseCommand):
    help = "Count again the months holding risk information changed since the last refresh; --full: everything."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="rebuild every tally from the raw rows")

    def handle(self, *args, full=False, **options):
        if full:
            self.stdout.write(f"Rebuilt the tallies of {services.rebuild()} records of risk information.")
            return
        done = services.refresh()
        if "rebuilt" in done:
            self.stdout.write(f"Rebuilt the tallies of {done['rebuilt']} records of risk information.")
        else:
            self.stdout.write(f"Counted again {len(done['months'])} months: {', '.join(done['months']) or '-'}.")
