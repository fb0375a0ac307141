"""Propose the links of items stored but never linked (an import or a task stopped in between); the scheduler
runs it every five minutes."""

from django.core.management import BaseCommand

from riskgate.intake.linking import detect_pending, pending_ids


class Command(BaseCommand):
    help = "Finish link detection for items left pending by an interrupted import or task."

    def handle(self, *args, **options):
        pending = len(pending_ids())
        self.stdout.write(f"{pending} items pending, {detect_pending()} links proposed")
