"""Fit the triage models on the real RASFF exports and write them to riskgate/intake/triage/trained (needs
scikit-learn)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from riskgate.intake.triage import model, training


class Command(BaseCommand):
    help = "Fit the triage models on ../shared/data/rasff (time-split evaluation recorded beside them)."

    def add_arguments(self, parser):
        parser.add_argument("--data", default=str(Path(settings.RISKGATE_SHARED_DATA) / "rasff"))
        parser.add_argument("--out", default=str(model.MODEL_DIR))
        parser.add_argument("--skip-evaluation", action="store_true")

    def handle(self, *args, data, out, skip_evaluation, **options):
        evaluation = {} if skip_evaluation else training.evaluate(Path(data))
        path = training.save(training.train_all(Path(data)), Path(out), evaluation=evaluation)
        self.stdout.write(json.dumps(evaluation, indent=2))
        self.stdout.write(f"written: {path} and {path.with_suffix('.npz')}")
