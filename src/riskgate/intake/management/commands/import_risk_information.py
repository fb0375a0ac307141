"""Import a real alert-system export or a partner file into risk information (idempotent)."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from tqdm import tqdm

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.intake.importers import SOURCES, RowError, run_import


class Command(BaseCommand):
    help = "Import risk information: --source KEY [FILE], or --all for every real file in the shared data folder."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--source", choices=sorted(SOURCES))
        parser.add_argument("--all", action="store_true", help="every source, from RISKGATE_SHARED_DATA")
        parser.add_argument("--organisation", help="code of the responsible organisation (default: the warning office)")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--show-rejected", type=int, default=10, help="how many rejected rows to list")
        parser.add_argument(
            "--processes",
            type=int,
            default=2,
            help="2 (default): tokens, signatures and triage are computed on a second process while this one "
            "writes, when the machine has a second CPU; 1: all in this process",
        )

    def handle(self, *args, file, source, all, organisation, no_progress, show_rejected, processes, **options):
        if all == bool(source):
            raise CommandError("Give either --source KEY [FILE] or --all.")
        if source == "partner" and not file:
            raise CommandError("The partner source needs a FILE (CSV, XLSX or JSON; see docs/partner-format.md).")
        org = self._organisation(organisation)
        jobs = (
            [(k, settings.RISKGATE_SHARED_DATA / s.default_file) for k, s in SOURCES.items() if s.default_file]
            if all
            else [(source, file or settings.RISKGATE_SHARED_DATA / SOURCES[source].default_file)]
        )
        for key, path in jobs:
            if not Path(path).exists():
                raise CommandError(f"File not found: {path}")
            bar = None if no_progress else tqdm(desc=key, unit="row", file=sys.stderr, leave=False)

            def progress(done, total, bar=bar):
                if bar is not None:
                    bar.total = total
                    bar.n = done
                    bar.refresh()

            try:
                report = run_import(key, path, organisation=org, progress=progress, processes=processes)
            except RowError as exc:
                raise CommandError(f"{path}: {exc}") from exc
            finally:
                if bar is not None:
                    bar.close()
            self.stdout.write(str(report))
            for item in report.rejected[:show_rejected]:
                self.stdout.write(f"  rejected line {item.line}: {item.reason}")

    def _organisation(self, code):
        if code:
            org = Organisation.objects.filter(code=code).first()
            if org is None:
                raise CommandError(f"No organisation with code {code!r}.")
            return org
        org = Organisation.objects.filter(kind=OrganisationKind.WARNING_OFFICE).order_by("pk").first()
        if org is None:
            raise CommandError("No warning office exists: load the organisations first (manage.py load_demo).")
        return org
