"""`riskgate triage FILE.csv`: triage suggestions for a whole foreign export in the RASFF risk-decision schema.

Writes one CSV line per row: reference, suggested hazard category, suggested product category, probability
that the risk is serious, and the serious flag at the model's operating threshold. The file's classification
and risk_decision columns are never read.
"""

import csv
import io
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from riskgate.core import tabular
from riskgate.intake.importers import RowError, decode
from riskgate.intake.triage import features, model

REQUIRED = ("reference", "subject")
OUTPUT = ["reference", "hazard_category", "product_category", "p_serious", "serious"]


def triage_rows(rows, triage_model: model.TriageModel):
    for row in rows:
        # A short row has None for its missing cells (and a long one a None key): treat both as empty.
        row = {k: v or "" for k, v in row.items() if k and k not in ("classification", "risk_decision")}
        suggestion = triage_model.suggest(features.from_risk_decision_row(row))
        if suggestion is None:
            yield [row["reference"], "", "", "", ""]
            continue
        p = "" if suggestion.p_serious is None else f"{suggestion.p_serious:.4f}"
        yield [
            row["reference"],
            suggestion.hazard_category,
            suggestion.product_category,
            p,
            "1" if suggestion.serious else "0",
        ]


class Command(BaseCommand):
    help = "Suggest hazard category, product category and seriousness for each row of a RASFF risk-decision CSV."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV in the schema of rasff_risk_decision_2024.csv")
        parser.add_argument("-o", "--output", help="write here instead of standard output")

    def handle(self, *args, file, output, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}")
        try:
            text = decode(path.read_bytes())
        except RowError as exc:
            raise CommandError(str(exc)) from exc
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise CommandError(
                f"缺少列 / missing columns: {', '.join(missing)} (expected the RASFF risk-decision schema)"
            )
        try:
            triage_model = model.shipped()
        except model.ModelFileError as exc:
            raise CommandError(str(exc)) from exc
        target = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            writer = csv.writer(target)
            writer.writerow(tabular.row(OUTPUT))
            count = 0
            for line in triage_rows(reader, triage_model):
                writer.writerow(tabular.row(line))
                count += 1
        finally:
            if output:
                target.close()
        self.stderr.write(f"{count} rows triaged with {triage_model.version}")
