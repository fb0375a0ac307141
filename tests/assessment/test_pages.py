"""The assessment pages through HTTP: the whole path by form posts, what each participant sees, the PDF report with
Chinese text, the registry's figures, and refusals rendered as messages with nothing stored."""

import io
import re

import pytest
from django.urls import reverse

from riskgate.assessment.models import Assessment, Expert, Status
from tests.assessment.factories import verified_item
from tests.site.work import work_on_home


def act(client, assessment, action, data=None, status=302):
    response = client.post(reverse("assessment:act", args=[assessment.pk, action]), data or {})
    assert response.status_code == status, (action, response.status_code, _errors(response))
    return response


def _errors(response):
    text = response.content.decode()
    return re.findall(r'class="(?:errorlist|error)[^"]*"[^>]*>(.*?)</', text)[:5]


def run_to_submitted(world, django_capture_on_commit_callbacks):
    info = verified_item(world)
    warning, assessor = world.client_for("warning"), world.client_for("assessor")
    form = warning.get(reverse("assessment:create") + f"?information={info.reference}")
    assert form.status_code == 200 and info.reference in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = warning.post(
            reverse("assessment:create"),
            {
                "title": "进口折叠椅夹伤风险研判",
                "information": info.reference,
                "urgency": "normal",
                "hazard_type": "physical",
                "assignee_kind": "institution",
                "institution": world.org("caiq").pk,
                "lead": world.user("assessor").pk,
            },
        )
    assert response.status_code == 302, _errors(response)
    a = Assessment.objects.get()
    act(assessor, a, "start")
    ma, liu, huang = (Expert.objects.get(name=n) for n in ("马骏", "刘洋", "黄蕾"))
    act(assessor, a, "declare", {"expert": ma.pk, "has_conflict": "1", "details": "曾为生产商提供咨询"})
    refused = act(assessor, a, "seat", {"expert": ma.pk}, status=422)
    assert "利益冲突" in refused.content.decode()
    for expert in (liu, huang):
        act(assessor, a, "declare", {"expert": expert.pk, "has_conflict": "0"})
        act(assessor, a, "seat", {"expert": expert.pk})
    act(
        assessor,
        a,
        "lab_task",
        {
            "laboratory": world.org("third-party-lab").pk,
            "samples": "5 把",
            "hs_code": "9401",
            "test_items": "夹缝尺寸",
            "method": "EN 581-1",
        },
    )
    task = a.lab_tasks.get()
    page = assessor.get(reverse("assessment:detail", args=[a.pk])).content.decode()
    assert f'name="task" value="{task.pk}"' in page
    act(
        assessor,
        a,
        "lab_results",
        {"task": task.pk, "report_number": "TP-1", "results": "夹缝（闭合）, 14, mm, 12\n可触及夹缝，9.5，mm，5，min"},
    )
    act(
        assessor,
        a,
        "scenario",
        {
            "description": "儿童展开折叠椅时手指被夹",
            "severity": "2",
            "vulnerable_group": "vulnerable",
            "steps": "折叠机构有夹缝 | 1\n儿童展开椅子 | 1/10\n手指被夹 | 1/100",
        },
    )
    act(
        assessor,
        a,
        "report",
        {
            "method": "rapex",
            "hazard": "折叠机构夹伤手指",
            "units": "250000",
            "regions": "5",
            "cross_border": "on",
            "residual_risk": "部分产品仍在消费者手中",
            "recommended_measures": "责令召回",
        },
    )
    act(assessor, a, "send_to_panel")
    act(world.client_for("expert"), a, "vote", {"approve": "1"})
    act(world.client_for("expert2"), a, "vote", {"approve": "0", "note": "建议补充使用频率调查"})
    act(assessor, a, "submit")
    a.refresh_from_db()
    return a


def test_full_path_through_the_pages(world, django_capture_on_commit_callbacks):
    a = run_to_submitted(world, django_capture_on_commit_callbacks)
    assert a.status == Status.SUBMITTED and (a.risk_level, a.proposed_level) == ("high", "II")
    assert a.lab_tasks.get().passed is False
    warning = world.client_for("warning")
    page = warning.get(reverse("assessment:detail", args=[a.pk])).content.decode()
    assert "建议补充使用频率调查" in page and "确认研判结果" in page
    act(warning, a, "decide", {"decision": "confirm"})
    a.refresh_from_db()
    assert (a.status, a.confirmed_level) == (Status.CONFIRMED, "II")
    response = act(warning, a, "reassess", {"reason": "新增伤害报告"})
    v2 = Assessment.objects.get(supersedes=a)
    assert response["Location"] == reverse("assessment:detail", args=[v2.pk])
    listing = warning.get(reverse("assessment:list")).content.decode()
    assert a.reference in listing and v2.reference in listing


def test_the_pdf_report_has_chinese_text(world, django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    a = run_to_submitted(world, django_capture_on_commit_callbacks)
    response = world.client_for("warning").get(reverse("assessment:pdf", args=[a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    for heading in ("风险研判报告", "评估方法", "危害与风险等级", "影响范围", "剩余风险与建议措施", "专家组意见"):
        assert heading in text, heading
    assert "折叠机构夹伤手指" in text and "建议补充使用频率调查" in text  # the report's own Chinese content
    assert "\ufffd" not in text and "□" not in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in name for name in fonts), fonts  # the Noto CJK fonts are embedded, not a fallback


def test_refusals_are_messages_and_store_nothing(world, django_capture_on_commit_callbacks):
    a = run_to_submitted(world, django_capture_on_commit_callbacks)
    warning = world.client_for("warning")
    page = act(warning, a, "decide", {"decision": "amend", "level": "II"}, status=422).content.decode()
    assert "不同的预警等级" in page
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED
    # The assessor may not confirm; the unseated port officer and enterprise cannot even see it.
    assert (
        world.client_for("assessor")
        .post(reverse("assessment:act", args=[a.pk, "decide"]), {"decision": "confirm"})
        .status_code
        == 403
    )
    for role in ("port_officer", "enterprise_user", "partner_officer"):
        assert world.client_for(role).get(reverse("assessment:detail", args=[a.pk])).status_code == 403
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED


def test_registry_shows_performance_figures(world, django_capture_on_commit_callbacks):
    a = run_to_submitted(world, django_capture_on_commit_callbacks)
    page = world.client_for("warning").get(reverse("assessment:registry")).content.decode()
    caiq_row = re.search(r"<tr><td>中国检验检疫科学研究院.*?</tr>", page).group(0)
    cells = re.findall(r"<td>(.*?)</td>", caiq_row)
    assert cells[2:] == ["1", "1", "100%", "0", "0"]  # one assessment, submitted on time, no extension or reversal
    huang_row = re.search(r"<tr><td>黄蕾.*?</tr>", page).group(0)
    # Seated once, one dissent, not appraised yet.
    assert re.findall(r"<td>(.*?)</td>", huang_row)[3:] == ["1", "0", "1", "0", "—"]
    ma_row = re.search(r"<tr><td>马骏.*?</tr>", page).group(0)
    assert re.findall(r"<td>(.*?)</td>", ma_row)[-2] == "1"  # declared one conflict
    assert a.lab_tasks.exists()


@pytest.mark.parametrize("role", ["assessor", "expert"])
def test_an_unassigned_assessor_or_expert_sees_nothing(world, role, django_capture_on_commit_callbacks):
    a = run_to_submitted(world, django_capture_on_commit_callbacks)
    from riskgate.accounts.models import Role, User

    other = User.objects.create(
        username=f"other-{role}", role=Role.objects.get(code=role), organisation=world.org("caiq")
    )
    client = world.client_for(other.username)
    assert a.reference not in client.get(reverse("assessment:list")).content.decode()
    assert client.get(reverse("assessment:detail", args=[a.pk])).status_code == 404
    assert client.get(reverse("assessment:pdf", args=[a.pk])).status_code == 404
    assert client.get(f"/api/v1/assessments/{a.pk}").status_code == 404
    assert client.get("/api/v1/assessments").json()["count"] == 0


def test_registries_are_kept_in_the_admin(world):
    from riskgate.core.models import AuditEvent

    admin = world.client_for("system_admin")
    response = admin.post(
        "/admin/assessment/expert/add/",
        {"name": "孙立", "title": "研究员", "employer": "示例大学", "fields": ["food", "statistics"], "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    expert = Expert.objects.get(name="孙立")
    assert expert.fields == ["food", "statistics"] and expert.field_labels == ["食品", "统计与风险建模"]
    assert AuditEvent.objects.filter(object_type="assessment.expert", object_id=str(expert.pk)).exists()
    assert world.client_for("warning").get("/admin/assessment/expert/add/").status_code in (302, 403)


def test_home_lists_what_waits_for_each_person(world):
    from tests.assessment.factories import bring_to_panel, request

    a = request(world, verified_item(world))
    bring_to_panel(world, a)
    from riskgate.assessment import services

    services.vote(world.user("expert"), a, approve=True)
    home = {u: work_on_home(world.client_for(u)) for u in ("expert", "expert2", "port")}
    assert "assessment.vote" not in home["expert"], "voted: nothing waits for this expert"
    assert a.reference in home["expert2"]["assessment.vote"]
    assert not any(key.startswith("assessment.") for key in home["port"])


def test_files_are_checked_stored_privately_and_read_only_by_readers(world, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from riskgate.core.models import AuditEvent

    a = run_to_submitted(world, django_capture_on_commit_callbacks)
    Assessment.objects.filter(pk=a.pk).update(status=Status.IN_PROGRESS)  # reopen to add a finding
    assessor = world.client_for("assessor")
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    refused = act(assessor, a, "finding", {"kind": "evidence", "summary": "门店照片", "file": fake}, status=422)
    assert "类型不被接受" in refused.content.decode() and not a.finding_entries.exists()
    photo = SimpleUploadedFile("门店.png", b"\x89PNG\r\n\x1a\n" + b"1" * 64, content_type="image/png")
    act(assessor, a, "finding", {"kind": "evidence", "summary": "门店照片", "file": photo})
    finding = a.finding_entries.get()
    assert finding.file_name == "门店.png" and finding.file.name.endswith(".png") and "门店" not in finding.file.name
    url = reverse("assessment:finding_file", args=[a.pk, finding.pk])
    response = world.client_for("warning").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action="assessment.file_viewed", object_id=str(a.pk)).exists()
    assert world.client_for("harbin").get(url).status_code == 404
    assert world.client_for("enterprise_user").get(url).status_code == 403


def test_nothing_of_an_assessment_reaches_the_public_side(world, django_capture_on_commit_callbacks):
    """Art.17: the public pages and the public API never carry an assessment; anonymous API calls are refused."""
    from django.test import Client

    a = run_to_submitted(world, django_capture_on_commit_callbacks)
    anonymous = Client()
    secrets = [a.title, a.hazard, a.reference, "建议补充使用频率调查"]
    for url in [
        "/report/",
        "/report/status/",
        "/accounts/login/",
        "/healthz",
        "/api/v1/regions",
        "/api/v1/openapi.json",
    ]:
        body = anonymous.get(url).content.decode()
        assert not [s for s in secrets if s in body], url
    for url in ["/api/v1/assessments", f"/api/v1/assessments/{a.pk}"]:
        assert anonymous.get(url).status_code == 401
    for url in [reverse("assessment:detail", args=[a.pk]), reverse("assessment:pdf", args=[a.pk])]:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_items_page_offers_the_request_and_lists_its_assessments(world):
    from tests.assessment.factories import request

    info = verified_item(world)
    warning = world.client_for("warning")
    create = reverse("assessment:create") + f"?information={info.reference}"
    page = warning.get(reverse("intake:detail", args=[info.pk])).content.decode()
    assert create in page
    a = request(world, info)
    page = warning.get(reverse("intake:detail", args=[info.pk])).content.decode()
    assert a.reference in page
    # Outside the jurisdiction the item itself is hidden, offer and all.
    assert world.client_for("port").get(reverse("intake:detail", args=[info.pk])).status_code == 404


def test_buttons_posting_a_bad_id_get_not_found(world):
    from tests.assessment.factories import request

    a = request(world, verified_item(world))
    from riskgate.assessment import services

    services.start(world.user("assessor"), a)
    assessor = world.client_for("assessor")
    for action, field in (("unseat", "expert"), ("remove_scenario", "scenario")):
        for value in ("abc", "", "99999999999999999999999"):
            response = assessor.post(reverse("assessment:act", args=[a.pk, action]), {field: value})
            assert response.status_code == 404, (action, value, response.status_code)
