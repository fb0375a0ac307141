from django.db import migrations

from riskgate.intake.models import DEFAULT_TIME_LIMITS


def forwards(apps, schema_editor):
    TimeLimit = apps.get_model("intake", "TimeLimit")
    for (status, urgency), hours in DEFAULT_TIME_LIMITS.items():
        TimeLimit.objects.get_or_create(status=str(status), urgency=str(urgency), defaults={"hours": hours})


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_time_limits")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
