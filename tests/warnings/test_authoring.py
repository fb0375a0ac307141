"""Issue 26 item 5: guided authoring — drafting starts from the basis (the emergency path as the exception), the
form in sections with required fields marked and one error summary, a preview of what the public will read and
the changes against the previous version before the draft is sent for review."""

from django.urls import reverse

from riskgate.warnings import services
from riskgate.warnings.models import WarningNotice
from tests.warnings.factories import confirmed_assessment, published
from tests.warnings.test_manage import FORM


def test_drafting_starts_from_a_confirmed_assessment_and_the_emergency_path_is_apart(world):
    a = confirmed_assessment(world)
    drafter = world.client_for("warning")
    chooser = drafter.get(reverse("warnings:create")).content.decode()
    assert a.reference in chooser and f"?assessment={a.pk}" in chooser and "?emergency=1" in chooser
    assert 'name="reason"' not in chooser
    emergency = drafter.get(reverse("warnings:create") + "?emergency=1").content.decode()
    assert 'name="reason"' in emergency and 'data-section="why"' in emergency
    form = drafter.get(reverse("warnings:create") + f"?assessment={a.pk}").content.decode()
    for section in ("why", "what", "who", "where", "when"):
        assert f'data-section="{section}"' in form, section
    assert form.count('class="required"') >= 5
    listing = drafter.get(reverse("warnings:manage_list")).content.decode()
    assert f'href="{reverse("warnings:create")}"' in listing and "起草预警" in listing


def test_a_bad_draft_gets_one_error_summary_and_nothing_is_stored(world):
    a = confirmed_assessment(world)
    response = world.client_for("warning").post(
        reverse("warnings:create"), {**FORM, "assessment": a.pk, "title": "", "hs_codes": "94A1"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count('class="error-summary"') == 1 and 'href="#id_title"' in body and 'href="#id_hs_codes"' in body
    assert not WarningNotice.objects.exists()


def test_the_preview_shows_the_public_text_and_the_changes_against_the_previous_version(world):
    notice, _approver = published(world)
    drafter = world.client_for("warning")
    first = drafter.get(reverse("warnings:preview", args=[notice.pk])).content.decode()
    assert "首个版本的内容" in first and notice.title in first
    v2 = services.adjust(world.user("warning"), notice, reason="伤害报告增多", data={"level": "I"})
    services.update_draft(world.user("warning"), v2, data={"title": "关于进口折叠椅夹伤儿童手指的警示（调整）"})
    page = drafter.get(reverse("warnings:preview", args=[v2.pk])).content.decode()
    assert "与上一版本比较（v1 → v2）" in page
    assert 'data-field="level"' in page and 'data-field="title"' in page
    assert 'data-field="summary"' not in page, "only what changed"
    assert "<del>" in page and "关于进口折叠椅夹伤儿童手指的警示（调整）" in page
    assert f'action="{reverse("warnings:act", args=[v2.pk, "submit"])}"' in page
    assert world.client_for("harbin").get(reverse("warnings:preview", args=[v2.pk])).status_code == 404
    english = world.client_for("warning")
    english.cookies["django_language"] = "en"
    body = english.get(reverse("warnings:preview", args=[v2.pk])).content.decode()
    assert "Compared with the previous version (v1 → v2)" in body and "Warning level" in body
