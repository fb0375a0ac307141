"""Load or refresh reference data: GB/T 2260 regions and the HS 2022 nomenclature (idempotent)."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from riskgate.core.models import Region
from riskgate.core.reference import load_hs, load_regions


class Command(BaseCommand):
    help = "Load regions and the HS nomenclature; running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hs-folder", type=Path, default=None, help="folder with harmonized-system.csv and sections.csv"
        )

    def handle(self, *args, hs_folder, **options):
        self.stdout.write(f"Regions: {load_regions(Region)} rows checked")
        try:
            report = load_hs(hs_folder)
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"HS nomenclature: {report}")
