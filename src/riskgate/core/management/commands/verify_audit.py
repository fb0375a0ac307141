"""Recompute the audit hash chain and report the first broken link (exit status 1 when broken)."""

from django.core.management import BaseCommand, CommandError

from riskgate.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail; reports the first broken link."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(str(report), returncode=1)
        self.stdout.write(self.style.SUCCESS(str(report)))
