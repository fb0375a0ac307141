"""Port emergency response (R-RR-6, decision 0030): plans with joint-response steps, drills, the materials
inventory, activation on an urgent warning only, tasks reported by their units, closing — and the refusals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from riskgate.core.models import AuditEvent, Notification
from riskgate.response.models import Activation, ActivationTask
from riskgate.response.queries import emergency as queries
from riskgate.response.services import emergency as services
from tests.warnings.factories import published

STEPS = "2 | xian-airport-port | 封存涉事货物并暂停通关\n24 | xian-customs | 组织抽样送检"


def plan(world):
    return services.create_plan(
        world.user("xian"),
        {
            "organisation": world.org("xian-airport-port"), "commodity_class": "dangerous_goods",
            "title": "危险品泄漏应急预案", "scope": "机场口岸进口危险品", "procedures": "隔离、封存、检测、处置",
            "steps": STEPS,
        },
    )  # fmt: skip


def test_a_plan_activated_on_an_urgent_warning_gives_each_unit_its_task(world, django_capture_on_commit_callbacks):
    p = plan(world)
    assert [(s.unit.code, s.hours) for s in p.steps.all()] == [("xian-airport-port", 2), ("xian-customs", 24)]
    notice, _ = published(world, {"level": "II"})
    with django_capture_on_commit_callbacks(execute=True):
        activation = services.activate(world.user("xian"), p, warning=notice, reason="II 级预警涉及本口岸进口批次")
    tasks = list(activation.tasks.order_by("due_at"))
    assert [t.unit.code for t in tasks] == ["xian-airport-port", "xian-customs"]
    assert abs((tasks[0].due_at - activation.activated_at) - dt.timedelta(hours=2)) < dt.timedelta(seconds=5)
    assert {n.organisation.code for n in Notification.objects.filter(kind="emergency.activated")} == {
        "xian-airport-port", "xian-customs",
    }  # fmt: skip
    with pytest.raises(ValidationError):  # once per plan and warning while the response runs
        services.activate(world.user("xian"), p, warning=notice, reason="again")
    # The port reports on its task; another bureau, outside the response, cannot report at all.
    services.report_task(world.user("port"), tasks[0], note="已封存 3 票货物", done=True)
    for outsider in ("harbin", "partner"):
        with pytest.raises(PermissionDenied):
            services.report_task(world.user(outsider), tasks[1], note="x", done=True)
    assert ActivationTask.objects.get(pk=tasks[1].pk).note == ""
    assert queries.activations(world.user("port")).filter(pk=activation.pk).exists()
    services.close(world.user("xian"), activation, summary="处置完毕")
    with pytest.raises(ValidationError):
        services.report_task(world.user("xian"), tasks[1], note="late", done=True)
    assert AuditEvent.objects.filter(action__startswith="emergency.").count() == 3


def test_only_an_urgent_warning_activates_a_plan(world):
    p = plan(world)
    routine, _ = published(world, {"level": "IV"})
    with pytest.raises(ValidationError) as refused:
        services.activate(world.user("xian"), p, warning=routine, reason="r")
    assert "I 级、II 级" in str(refused.value)
    assert not Activation.objects.exists() and not ActivationTask.objects.exists()


def test_drills_materials_and_refusals(world):
    p = plan(world)
    services.record_drill(
        world.user("xian"), p,
        {"held_on": timezone.localdate(), "scenario": "集装箱危险品泄漏", "participants": "口岸、消防",
         "rating": "adequate", "evaluation": "响应及时，封存程序需细化", "improvements": "补充封存清单"},
    )  # fmt: skip
    assert p.drills.get().get_rating_display() == "基本有效"
    with pytest.raises(ValidationError):
        services.record_drill(world.user("xian"), p, {"held_on": timezone.localdate() + dt.timedelta(days=3),
                                                     "scenario": "s", "participants": "p", "rating": "good",
                                                     "evaluation": "e"})  # fmt: skip
    material = services.set_material(
        world.user("port"),
        {"organisation": world.org("xian-airport-port"), "name": "吸附棉", "quantity": 40, "unit": "包",
         "location": "2 号库", "checked_on": timezone.localdate(), "expires_on": None},
    )  # fmt: skip
    again = services.set_material(
        world.user("port"),
        {"organisation": world.org("xian-airport-port"), "name": "吸附棉", "quantity": 35, "unit": "包",
         "location": "2 号库", "checked_on": timezone.localdate(), "expires_on": None},
    )  # fmt: skip
    assert again.pk == material.pk and again.quantity == 35
    for username in ("port", "enterprise", "partner"):
        with pytest.raises(PermissionDenied):
            services.create_plan(world.user(username), {})
    with pytest.raises(ValidationError) as bad:
        services.create_plan(world.user("xian"), {"organisation": world.org("xian-airport-port"),
                                                 "commodity_class": "solid_waste", "title": "t", "scope": "s",
                                                 "procedures": "p", "steps": "2 | nowhere | x"})  # fmt: skip
    assert "未知的单位代码" in str(bad.value)
    with pytest.raises(ValidationError):  # a unit outside the bureau's jurisdiction
        services.create_plan(world.user("xian"), {"organisation": world.org("xian-airport-port"),
                                                 "commodity_class": "solid_waste", "title": "t", "scope": "s",
                                                 "procedures": "p", "steps": "2 | harbin-customs | x"})  # fmt: skip
    assert not queries.plans(world.user("harbin")).exists()
