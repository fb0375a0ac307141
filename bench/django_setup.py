"""What the in-process benchmarks share: the project's sources on the path and Django set up for them."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RASFF = ROOT.parent / "shared" / "data" / "rasff"


def setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskgate.settings")
    os.environ.setdefault("RISKGATE_DEV", "1")
    import django

    django.setup()
