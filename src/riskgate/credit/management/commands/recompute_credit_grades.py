"""The nightly credit job from the shell: list entries past their period leave, every grade computed again."""

from django.core.management import BaseCommand

from riskgate.credit.services import expire, recompute_all


class Command(BaseCommand):
    help = "End list entries and overrides past their date and compute every credit grade again; idempotent."

    def handle(self, *args, **options):
        expired = expire()
        counts = recompute_all()
        self.stdout.write(
            f"{expired} list entries expired; updated {counts['records_updated']} credit records; "
            f"{counts['grades_changed']} grades changed; {counts['overrides_ended']} overrides ended."
        )
