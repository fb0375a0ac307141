"""The credit app took over the grade (from accounts) and the credit events (from response) while keeping the
data: an enterprise's grade and an event stored before the move are there after it, and the way back keeps them
too."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0004_organisation_credit_grade"), ("response", "0006_consumers_proof"), ("credit", None)]
AFTER = [("accounts", "0005_remove_organisation_credit_grade"), ("credit", "0002_credit_event_table")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_the_move_to_credit_keeps_grades_and_events():
    old = _migrate(BEFORE)
    Organisation = old.get_model("accounts", "Organisation")
    parent = Organisation.objects.create(code="m-bureau", kind="direct_bureau", name="迁移测试海关", path="/m/")
    enterprise = Organisation.objects.create(
        code="m-ent",
        kind="enterprise",
        name="迁移测试企业",
        parent=parent,
        path="/m/e/",
        uscc="91610100MA6TMIG01X",
        credit_grade="dishonest",
    )
    old.get_model("response", "CreditEvent").objects.create(
        enterprise_id=enterprise.pk,
        kind="mitigation_report_overdue",
        source="obligation:OB1",
        occurred_at="2026-12-01T00:00Z",
    )

    new = _migrate(AFTER)
    record = new.get_model("credit", "CreditRecord").objects.get(enterprise_id=enterprise.pk)
    assert record.grade == "dishonest"
    event = new.get_model("credit", "CreditEvent").objects.get()
    assert (event.enterprise_id, event.source) == (enterprise.pk, "obligation:OB1")
    assert new.get_model("credit", "CreditEvent")._meta.db_table == "credit_creditevent"

    back = _migrate(BEFORE)
    assert back.get_model("accounts", "Organisation").objects.get(pk=enterprise.pk).credit_grade == "dishonest"
    assert back.get_model("response", "CreditEvent").objects.get().source == "obligation:OB1"
    _migrate(_leaves())


def _leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
