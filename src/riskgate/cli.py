"""The `riskgate` console script: Django's management commands without knowing where manage.py is.

The tools that work on files alone (OFFLINE) run without a server's settings (riskgate.offline_settings) and
report every error as one line on standard error, never a traceback: exit status 2 for a bad input or usage, 1
for anything else."""

import os
import sys

OFFLINE = {"triage"}  # management commands that read and write files only


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "screen":  # declaration screening: no Django, no database (riskgate.targeting.engine)
        from riskgate.targeting.engine.cli import main as screen

        sys.exit(screen(sys.argv[2:]))
    if command == "detect":  # aberration detection on one series: no Django (riskgate.monitoring.detection)
        from riskgate.monitoring.detection.cli import main as detect

        sys.exit(detect(sys.argv[2:]))
    if command == "verify-draw":  # recompute a published spot-check draw: no Django (riskgate.monitoring.draw)
        from riskgate.monitoring.draw import main as verify_draw

        sys.exit(verify_draw(sys.argv[2:]))
    if command == "verify-credit-share":  # check a credit-sharing package: no Django (riskgate.credit.share_package)
        from riskgate.credit.share_package import main as verify_share

        sys.exit(verify_share(sys.argv[2:]))
    if command in OFFLINE:
        sys.exit(offline(command, sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskgate.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["riskgate", *sys.argv[1:]])


def offline(command: str, argv: list[str]) -> int:
    """Run an offline management command; returns its exit status."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskgate.offline_settings")
    try:
        import django
        from django.core.management import CommandError, load_command_class

        django.setup()
        tool = load_command_class("riskgate.intake", command)
        parser = tool.create_parser("riskgate", command)
        options = vars(parser.parse_args(argv))  # a usage error prints one line and exits 2 here
        arguments = options.pop("args", ())
        tool.execute(*arguments, **options)
    except CommandError as exc:
        print(f"riskgate {command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"riskgate {command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (| head): nothing more to say
        return 0
    except Exception as exc:  # noqa: BLE001 - a command line reports one line, never a traceback
        print(f"riskgate {command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0
