from django.db import migrations

from riskgate.core.stems import add_stems


class Migration(migrations.Migration):
    """English stems beside the stored search tokens (core.search): "dresser" finds "dressers"."""

    dependencies = [("riskwarnings", "0006_english_items_measures_audience_category")]

    operations = [migrations.RunPython(add_stems("riskwarnings", "WarningNotice"), migrations.RunPython.noop)]
