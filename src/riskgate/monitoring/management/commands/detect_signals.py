"""Judge weeks of the monitored series and raise signals (the scheduler runs it daily for the last complete
week); idempotent."""

import datetime as dt

from django.core.management import BaseCommand, CommandError

from riskgate.monitoring.queries import active_profiles
from riskgate.monitoring.services import detect, last_complete_week, week_of


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Judge the weeks FROM..TO (default: the last complete week) of every active detection profile."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help="first week to judge (any day of it), YYYY-MM-DD")
        parser.add_argument("--to", dest="last", help="last week to judge (any day of it), YYYY-MM-DD")
        parser.add_argument("--profile", help="only this profile (its code)")

    def handle(self, *args, first=None, last=None, profile=None, **options):
        last_week = week_of(_date(last)) if last else last_complete_week()
        first_week = week_of(_date(first)) if first else last_week
        if first_week > last_week:
            raise CommandError(f"--from {first_week} is after --to {last_week}")
        weeks = [first_week + dt.timedelta(weeks=n) for n in range((last_week - first_week).days // 7 + 1)]
        profiles = active_profiles()
        if profile:
            profiles = profiles.filter(code=profile)
            if not profiles.exists():
                raise CommandError(f"no active detection profile {profile!r}")
        for chosen in profiles:
            run = detect(chosen, weeks)
            if run is None:
                continue
            self.stdout.write(
                f"{chosen.code}: weeks {weeks[0]}..{weeks[-1]}, {run.series_judged} series judged, "
                f"{run.series_skipped} skipped, signals raised in the last week: {run.signals_raised}"
            )
