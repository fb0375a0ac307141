from django.db import migrations

from riskgate.core.stems import add_stems


class Migration(migrations.Migration):
    """English stems beside the stored search tokens (core.search): "dresser" finds "dressers"."""

    dependencies = [("intake", "0022_harm_and_change_time_indexes")]

    operations = [migrations.RunPython(add_stems("intake", "RiskInformation"), migrations.RunPython.noop)]
