"""The `riskgate` console script: Django's management commands without knowing where manage.py is."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["screen"]:  # declaration screening: no Django, no database (riskgate.targeting.engine)
        from riskgate.targeting.engine.cli import main as screen

        sys.exit(screen(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskgate.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["riskgate", *sys.argv[1:]])
