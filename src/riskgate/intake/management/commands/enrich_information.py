"""Recompute what is derived from each item's content: search tokens, similarity signature, triage suggestion.

Run after upgrading a database whose items predate a derived field (`--missing`, the default: items without a
signature or suggestion version), or after shipping a retrained triage model (`--all`). Then proposes links for
the items it changed. Safe to run again; each batch is one transaction.
"""

from django.core.management import BaseCommand
from django.db import transaction
from django.db.models import Q

from riskgate.core.fastpath.bulk import update_rows
from riskgate.intake.enrich import DERIVED_FIELDS, prepare_many
from riskgate.intake.linking import detect
from riskgate.intake.models import RiskInformation
from riskgate.intake.triage.model import shipped


class Command(BaseCommand):
    help = "Recompute search tokens, similarity signatures and triage suggestions, then propose links."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every item, not only those missing a derived field")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, all=False, batch_size=2000, **options):
        items = RiskInformation.objects.order_by("pk")
        if not all:
            current = shipped().version
            # Items without a signature, and items whose suggestion came from another model version (an item with
            # no suggestion at all is not recomputed: the model had no basis for one).
            items = items.filter(
                Q(similarity_signature=None) | (Q(triage__has_key="model") & ~Q(triage__model=current))
            )
        ids = list(items.values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            with transaction.atomic():
                batch = list(RiskInformation.objects.filter(pk__in=ids[start : start + batch_size]))
                prepare_many(batch)
                update_rows(batch, DERIVED_FIELDS, RiskInformation)
        proposed = 0
        if ids:
            with transaction.atomic():
                proposed = detect(ids)
        self.stdout.write(f"Recomputed {len(ids)} items; {proposed} links proposed.")
