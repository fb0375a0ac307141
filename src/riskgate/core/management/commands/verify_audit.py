"""Recompute the keyed audit chain, compare it with the checkpoint file, and report the first broken link
(exit status 1 when broken); --checkpoint also appends the current head to the checkpoint file when intact."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from riskgate.core.audit import verify_chain, write_checkpoint


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail against its checkpoints; reports the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--checkpoints", type=Path, help="the checkpoint file (default: AUDIT_CHECKPOINT_FILE)")
        parser.add_argument("--checkpoint", action="store_true", help="append the head to it when intact")

    def handle(self, *args, checkpoints=None, checkpoint=False, **options):
        report = verify_chain(checkpoints)
        if not report.ok:
            raise CommandError(str(report), returncode=1)
        self.stdout.write(self.style.SUCCESS(str(report)))
        if checkpoint:
            line = write_checkpoint(checkpoints)
            self.stdout.write(f"checkpoint: seq {line['seq']}" if line else "checkpoint: head unchanged")
