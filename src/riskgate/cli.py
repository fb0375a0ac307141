"""The `riskgate` console script: Django's management commands without knowing where manage.py is."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskgate.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["riskgate", *sys.argv[1:]])
