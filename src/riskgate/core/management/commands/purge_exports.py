"""Delete the files of expired exports and fail exports a dead worker left running (also run by the scheduler)."""

from django.core.management import BaseCommand

from riskgate.core.exports import purge


class Command(BaseCommand):
    help = "Delete expired export files; fail exports left running by a worker that died."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {purge()} expired export files.")
