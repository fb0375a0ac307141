# The credit app takes over the grade (from accounts.Organisation.credit_grade, copied here) and the credit
# events (response's table, adopted as it is: state only; renamed in 0002).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GRADES = [("advanced", "高级认证企业"), ("regular", "一般信用企业"), ("dishonest", "失信企业")]


def copy_grades(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    CreditRecord = apps.get_model("credit", "CreditRecord")
    records = [
        CreditRecord(enterprise_id=pk, grade=grade)
        for pk, grade in Organisation.objects.filter(kind="enterprise").values_list("pk", "credit_grade")
    ]
    CreditRecord.objects.bulk_create(records, batch_size=500)


def copy_grades_back(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    CreditRecord = apps.get_model("credit", "CreditRecord")
    for enterprise_id, grade in CreditRecord.objects.values_list("enterprise_id", "grade"):
        Organisation.objects.filter(pk=enterprise_id).update(credit_grade=grade)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0004_organisation_credit_grade"),
        ("response", "0006_consumers_proof"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CreditRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("grade", models.CharField(choices=GRADES, default="regular", max_length=12, verbose_name="信用等级")),
                ("graded_at", models.DateTimeField(blank=True, null=True, verbose_name="认定时间")),
                (
                    "enterprise",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credit_record",
                        to="accounts.organisation",
                        verbose_name="企业",
                    ),
                ),
            ],
            options={"verbose_name": "信用档案", "verbose_name_plural": "信用档案"},
        ),
        migrations.CreateModel(
            name="GradeChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("before", models.CharField(choices=GRADES, max_length=12, verbose_name="原等级")),
                ("after", models.CharField(choices=GRADES, max_length=12, verbose_name="新等级")),
                ("reason", models.TextField(verbose_name="理由")),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="调整人",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="grade_changes",
                        to="accounts.organisation",
                        verbose_name="企业",
                    ),
                ),
            ],
            options={"verbose_name": "信用等级变更", "verbose_name_plural": "信用等级变更", "ordering": ["-id"]},
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CreditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("kind", models.CharField(max_length=40, verbose_name="类别")),
                        ("source", models.CharField(max_length=60, verbose_name="来源")),
                        ("detail", models.TextField(blank=True, verbose_name="说明")),
                        ("occurred_at", models.DateTimeField(verbose_name="发生时间")),
                        (
                            "enterprise",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="credit_events",
                                to="accounts.organisation",
                                verbose_name="企业",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "质量信用事件",
                        "verbose_name_plural": "质量信用事件",
                        "ordering": ["-occurred_at", "-id"],
                        "db_table": "response_creditevent",
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "source"), name="one_credit_event_per_source")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(copy_grades, copy_grades_back),
    ]
