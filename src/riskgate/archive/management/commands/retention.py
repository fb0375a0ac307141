"""The archive's retention job (also run by the scheduler), or with --dry-run the report of what is past its
retention and what a disposal approved today would do with each record, writing nothing."""

from django.core.management import BaseCommand
from django.utils import timezone

from riskgate.archive import queries, services


class Command(BaseCommand):
    help = (
        "Archive the records that closed and list what is past its retention in each unit's draft disposal review "
        "(nothing is disposed of: a second officer approves each review); idempotent. --dry-run writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print what is due and why any would be kept")

    def handle(self, *args, dry_run=False, **options):
        if not dry_run:
            done = services.run_retention()
            self.stdout.write(f"Archived {done['archived']} records; {done['reviews']} disposal reviews drafted.")
            return
        planned = queries.plan(timezone.localdate())
        for found in planned:
            record = found.record
            outcome = f"kept: {found.blocked}" if found.blocked else "would be disposed of"
            self.stdout.write(f"{record.reference}\t{record.category}\t{record.retain_until}\t{outcome}")
        disposable = sum(1 for found in planned if not found.blocked)
        self.stdout.write(
            f"{len(planned)} archived records past retention; {disposable} would be disposed of once approved; "
            f"{queries.unarchived_count()} closed records not yet archived."
        )
