"""Append the screened declaration items not yet in the history to its Parquet files (also run by the scheduler)."""

from argparse import ArgumentTypeError

from django.core.management import BaseCommand, CommandError

from riskgate.core.priority import at_low_priority
from riskgate.targeting.services.retro import EXPORT_STEP, PART_ITEMS, directory, export


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return int(value)


class Command(BaseCommand):
    help = (
        "Append screened items to the declaration history (Parquet) that retro-screening reads, in small steps at "
        "the lowest CPU priority; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--step", type=_positive, default=EXPORT_STEP, help=f"decisions per step (default {EXPORT_STEP})"
        )
        parser.add_argument(
            "--part-items",
            type=_positive,
            default=PART_ITEMS,
            help=f"merge segments into parts of this many items (default {PART_ITEMS})",
        )
        parser.add_argument(
            "--priority",
            choices=["low", "normal"],
            default="low",
            help="low (default): only CPU time the web tier leaves idle; normal: a catch-up run at night",
        )

    def handle(self, *args, **options):
        sizes = {"step": options["step"], "part_items": options["part_items"]}
        try:
            written = at_low_priority(export, **sizes) if options["priority"] == "low" else export(**sizes)
        except OSError as exc:
            raise CommandError(f"The declaration history at {directory()} cannot be written: {exc}") from exc
        self.stdout.write(f"Exported {written} items to {directory()}.")
