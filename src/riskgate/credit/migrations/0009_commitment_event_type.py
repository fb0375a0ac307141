"""The event type of an interview commitment left unfulfilled (issue 28.5): added where it is missing."""

from django.db import migrations

from riskgate.credit.catalogue import ensure_event_types


def forwards(apps, schema_editor):
    ensure_event_types(apps.get_model("credit", "EventType"))


class Migration(migrations.Migration):
    dependencies = [("credit", "0008_sharing_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
