"""Import a real alert-system export or a partner file into risk information (idempotent)."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from tqdm import tqdm

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.intake.importers import SOURCES, RowError, import_files, run_import


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
        for _key, path in jobs:
            if not Path(path).exists():
                raise CommandError(f"File not found: {path}")
        bars = []

        def progress_for(key):
            if no_progress:
                return None
            bar = tqdm(desc=key, unit="row", file=sys.stderr, leave=False)
            bars.append(bar)

            def progress(done, total):
                bar.total = total
                bar.n = done
                bar.refresh()

            return progress

        try:
            if all:
                # Every file first, then one duplicate detection over all of them.
                reports, proposed = import_files(jobs, organisation=org, processes=processes, progress_for=progress_for)
            else:
                ((key, path),) = jobs
                try:
                    report = run_import(key, path, organisation=org, progress=progress_for(key), processes=processes)
                except RowError as exc:
                    raise RowError(f"{path}: {exc}") from exc
                reports, proposed = [report], report.proposed_links
        except RowError as exc:  # a bad file: one line naming the file and the line, exit status 2
            raise CommandError(str(exc), returncode=2) from exc
        finally:
            for bar in bars:
                bar.close()
        for report in reports:
            self.stdout.write(str(report))
            for item in report.rejected[:show_rejected]:
                self.stdout.write(f"  rejected line {item.line}: {item.reason}")
        self.stdout.write(f"links proposed: {proposed}")

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
