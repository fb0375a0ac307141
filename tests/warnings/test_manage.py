"""The officers' warning pages through HTTP: draft from a confirmed assessment, send for review, the drafter
refused, a second officer approves and publishes, adjust as a new version, lift; the emergency path."""

from django.test import Client
from django.urls import reverse

from riskgate.warnings.models import Status, WarningNotice
from tests.warnings.factories import confirmed_assessment, second_officer

FORM = {
    "level": "II",
    "kinds": ["public_announcement", "agency_notice"],
    "title": "关于进口折叠椅夹伤风险的警示公告",
    "title_en": "Folding chairs can trap fingers",
    "summary": "折叠机构夹伤手指。",
    "items": "停止使用。",
    "measures": "召回。",
    "hs_codes": "9401，9403",
    "origin_countries": "cn、de",
    "regions": "",
}


def act(client, notice, action, data=None):
    response = client.post(reverse("warnings:act", args=[notice.pk, action]), data or {})
    assert response.status_code == 302, response.status_code
    return response


def test_the_whole_lifecycle_through_the_pages(world):
    a = confirmed_assessment(world)
    drafter = world.client_for("warning")
    form = drafter.get(reverse("warnings:create") + f"?assessment={a.pk}").content.decode()
    assert a.title in form  # the draft starts from the assessment
    response = drafter.post(reverse("warnings:create"), {**FORM, "assessment": a.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = WarningNotice.objects.get()
    assert notice.hs_codes == ["9401", "9403"] and notice.origin_countries == ["CN", "DE"] and notice.regions == []
    act(drafter, notice, "submit")
    page = drafter.get(reverse("warnings:manage", args=[notice.pk])).content.decode()
    assert "起草人不能批准自己起草的预警" in page
    act(drafter, notice, "approve")  # refused with a message, nothing changes
    notice.refresh_from_db()
    assert notice.status == Status.IN_REVIEW and notice.approved_by is None

    approver = Client()
    approver.force_login(second_officer(world), backend="django.contrib.auth.backends.ModelBackend")
    act(approver, notice, "approve")
    act(approver, notice, "publish")
    notice.refresh_from_db()
    assert notice.status == Status.PUBLISHED
    assert notice.title in Client().get("/warnings/").content.decode()
    assert "<alert" in approver.get(reverse("warnings:manage", args=[notice.pk])).content.decode().replace("&lt;", "<")

    response = act(drafter, notice, "adjust", {"level": "I", "reason": "伤害报告增多"})
    v2 = WarningNotice.objects.get(version=2)
    assert response["Location"] == reverse("warnings:edit", args=[v2.pk]) and v2.level == "I"
    edited = drafter.post(reverse("warnings:edit", args=[v2.pk]), {**FORM, "level": "I", "regions": "610000"})
    assert edited.status_code == 302
    act(drafter, v2, "submit")
    act(approver, v2, "approve")
    act(approver, v2, "publish")
    refused = approver.post(reverse("response:lift_warning", args=[v2.pk]), {"reason": "召回完成"})
    assert refused.status_code == 400 and "尚未评估预警效果" in refused.content.decode()
    evaluated = act(
        approver, v2, "evaluate", {"measures_done": "召回完成", "new_incidents": "0", "recommendation": "lift"}
    )
    assert evaluated["Location"] == reverse("response:lift_warning", args=[v2.pk])
    lifted = approver.post(reverse("response:lift_warning", args=[v2.pk]), {"reason": "召回完成"})
    assert lifted.status_code == 302, lifted.status_code
    statuses = list(WarningNotice.objects.order_by("version").values_list("version", "status"))
    assert statuses == [(1, Status.SUPERSEDED), (2, Status.SUPERSEDED), (3, Status.LIFTED)]
    assert "已解除" in Client().get(f"/warnings/{notice.lineage_id}/").content.decode()


def test_emergency_draft_and_the_authority_message(world):
    xian = world.client_for("bureau_officer")
    response = xian.post(
        reverse("warnings:create"),
        {
            **FORM,
            "level": "I",
            "kinds": ["agency_notice"],
            "regions": "610100",
            "hazard_type": "physical",
            "reason": "已致儿童受伤",
        },
    )
    assert response.status_code == 302
    notice = WarningNotice.objects.get()
    assert notice.path == "emergency" and notice.organisation == world.org("xian-customs")
    page = xian.get(reverse("warnings:manage", args=[notice.pk])).content.decode()
    assert "最高只能发布" in page  # the authority rule shows before anyone sends it for review
    act(xian, notice, "submit")
    notice.refresh_from_db()
    assert notice.status == Status.DRAFT


def test_bad_input_is_shown_on_the_form_and_nothing_is_stored(world):
    response = world.client_for("warning").post(
        reverse("warnings:create"), {**FORM, "hs_codes": "94A1", "hazard_type": "physical", "reason": "r"}
    )
    assert response.status_code == 400 and "HS 编码应为 2–10 位数字" in response.content.decode()
    assert not WarningNotice.objects.exists()


def test_effect_evaluation_counts_related_reports_and_keeps_the_recommendation(world):
    from riskgate.core.models import HSCode
    from riskgate.intake import services as intake
    from riskgate.warnings import services
    from riskgate.warnings.models import Evaluation
    from tests.warnings.factories import published

    notice, _approver = published(world)  # HS 9401, origin CN
    for title, hs, origin in (("同款折叠椅再次夹伤", "940171", ["CN"]), ("无关产品", "851631", ["CN"])):
        intake.create_information(
            world.user("warning"),
            data={
                "source_type": "consumer_complaint",
                "channel": "hotline",
                "title": title,
                "hazard_types": ["physical"],
                "hs_code": HSCode.objects.get(code=hs),
                "origin_countries": origin,
            },
        )
    assert services.related_information_count(notice) == 1
    client = world.client_for("warning")
    act(client, notice, "evaluate", {"measures_done": "已召回八成", "new_incidents": "1", "recommendation": "keep"})
    evaluation = Evaluation.objects.get()
    assert (evaluation.related_information, evaluation.recommendation) == (1, "keep")
    page = client.get(reverse("warnings:manage", args=[notice.pk])).content.decode()
    assert "已召回八成" in page and "维持" in page
    refused = world.client_for("harbin").post(reverse("warnings:act", args=[notice.pk, "evaluate"]), {})
    assert refused.status_code == 404 and Evaluation.objects.count() == 1
