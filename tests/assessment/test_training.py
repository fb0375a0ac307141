"""Training and appraisal of assessors and experts (issue 29.4, Art.28): the national authority records courses,
examinations and attendance; the yearly appraisal scores every expert and registered body by the documented rule
from the registry's figures, the training record and the reversals; an officer decides each result; an expert
whose appraisal failed is not offered for new panels and cannot be seated."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from riskgate.assessment import appraisal, queries, services
from riskgate.assessment.forms import SeatForm
from riskgate.assessment.models import Appraisal, Course, Expert, RegisteredBody
from riskgate.core.models import AuditEvent
from tests.assessment.factories import bring_to_panel, request, verified_item

pytestmark = pytest.mark.django_db
ZONE = dt.timezone(dt.timedelta(hours=8))
IN_2026 = dt.datetime(2026, 6, 10, 10, tzinfo=ZONE)


def _course(world, kind="training", hours=8, pass_mark=None, held_on=dt.date(2026, 5, 20)):
    return services.add_course(
        world.user("warning"),
        {"title": f"风险评估方法{kind}", "kind": kind, "held_on": held_on, "hours": hours, "pass_mark": pass_mark,
         "fields": ["toys", "nonsense"]},
    )  # fmt: skip


@pytest.fixture
def year_2026(world):
    """刘洋 and 黄蕾 sit on a panel in 2026; 刘洋 trains 8 hours and passes the examination, 黄蕾 fails it."""
    with time_machine.travel(IN_2026):
        bring_to_panel(world, request(world, verified_item(world)))
        training, exam = _course(world), _course(world, "examination", hours=2, pass_mark=60)
        liu, huang = Expert.objects.get(name="刘洋"), Expert.objects.get(name="黄蕾")
        services.record_training(world.user("warning"), training, {"expert": liu, "attended": True})
        services.record_training(world.user("warning"), exam, {"expert": liu, "attended": True, "score": 85})
        services.record_training(world.user("warning"), exam, {"expert": huang, "attended": True, "score": 41})
    return {"liu": liu, "huang": huang, "training": training, "exam": exam}


def test_only_the_national_authority_records_courses_and_bad_input_is_refused(world):
    course = _course(world)
    assert course.fields == ["toys"], "an unknown field of expertise is dropped"
    with pytest.raises(PermissionDenied):
        services.add_course(world.user("xian"), {"title": "t", "kind": "training", "held_on": dt.date.today(),
                                                 "hours": 2})  # fmt: skip
    with pytest.raises(ValidationError, match="合格分数"):
        _course(world, "examination", pass_mark=None)
    with pytest.raises(ValidationError, match="学时"):
        _course(world, hours=0)
    exam = _course(world, "examination", pass_mark=60)
    with pytest.raises(ValidationError, match="成绩"):
        services.record_training(world.user("warning"), exam, {"expert": Expert.objects.first(), "attended": True})
    assert Course.objects.count() == 2 and not exam.records.exists(), "nothing half-written"


def test_the_rule_scores_training_examination_and_panel_work(world, year_2026):
    experts = appraisal.expert_scores(2026)
    liu, huang = experts[year_2026["liu"].pk], experts[year_2026["huang"].pk]
    assert liu[0] == {"hours": 8, "exams": 1, "exams_passed": 1, "panels": 1, "panels_reversed": 0,
                      "failed_exam": False}  # fmt: skip
    assert liu[1:] == (100, "excellent")
    assert huang[1:] == (40, "fail") and huang[0]["failed_exam"], "no training, a failed examination"
    bodies = appraisal.body_scores(2026)
    caiq = RegisteredBody.objects.get(organisation=world.org("caiq"))
    inputs, score, _result = bodies[caiq.pk]
    assert inputs["submitted"] == 0 and score == 80 + round(20 * inputs["staff_trained"] / max(inputs["staff"], 1))
    assert appraisal.expert_scores(2025)[year_2026["liu"].pk][1:] == (40, "fail"), "another year counts nothing"


def test_a_failed_appraisal_keeps_the_expert_off_new_panels_until_a_later_one_passes(world, year_2026):
    warning = world.user("warning")
    with time_machine.travel(dt.datetime(2027, 1, 15, tzinfo=ZONE)):
        assert services.draft_appraisals(warning, 2026) == Expert.objects.filter(active=True).count() + (
            RegisteredBody.objects.exclude(kind="social_assessment_body").count()
        )
        undecided = Appraisal.objects.filter(year=2026).count()
        work = {g.key: g for g in queries.pending_work(warning)}
        assert work["assessment.appraisals"].count == undecided, "the office's pending work"
        assert "assessment.appraisals" not in {g.key for g in queries.pending_work(world.user("xian"))}
        huang = Appraisal.objects.get(year=2026, expert=year_2026["huang"])
        with pytest.raises(ValidationError, match="理由"):
            services.decide_appraisal(warning, huang, {"result": "pass", "reason": ""})
        with pytest.raises(PermissionDenied):
            services.decide_appraisal(world.user("xian"), huang, {"result": ""})
        services.decide_appraisal(warning, huang, {"result": ""})  # the proposed result: fail
        with pytest.raises(ValidationError, match="已确定"):
            services.decide_appraisal(warning, huang, {"result": "pass", "reason": "复核"})
        expert = year_2026["huang"]
        expert.refresh_from_db()
        assert expert.appraisal == "fail"
        assert expert not in SeatForm().fields["expert"].queryset, "not offered for a new panel"
        assessment = request(world, verified_item(world, title="第二项研判"))
        services.start(world.user("assessor"), assessment)
        services.declare_conflict(world.user("assessor"), assessment, expert, has_conflict=False)
        with pytest.raises(ValidationError, match="年度考核不合格"):
            services.seat_expert(world.user("assessor"), assessment, expert)
        huang.refresh_from_db()
        score = huang.score
        services.draft_appraisals(warning, 2026)
        huang.refresh_from_db()
        assert huang.score == score and huang.result == "fail", "a decided appraisal is not scored again"
        assert AuditEvent.objects.filter(action="assessment.appraisal_decided").count() == 1
    with time_machine.travel(dt.datetime(2028, 1, 15, tzinfo=ZONE)):
        services.draft_appraisals(warning, 2027)
        later = Appraisal.objects.get(year=2027, expert=expert)
        services.decide_appraisal(warning, later, {"result": "pass", "reason": "补考合格，复核通过"})
        expert.refresh_from_db()
        assert expert.appraisal == "pass" and expert in SeatForm().fields["expert"].queryset
        with pytest.raises(ValidationError, match="已开始"):
            services.draft_appraisals(warning, 2029)


def test_the_pages_as_a_browser_posts_them_in_both_languages(world, year_2026):
    client = world.client_for("warning")
    page = client.get("/assessments/training/")
    assert page.status_code == 200 and "风险评估方法training" in page.text
    posted = client.post(
        "/assessments/training/",
        {"title": "玩具安全标准培训", "kind": "training", "fields": ["toys", "chemicals"], "held_on": "2026-09-01",
         "hours": "4", "pass_mark": ""},
    )  # fmt: skip
    assert posted.status_code == 302 and Course.objects.filter(title="玩具安全标准培训", hours=4).exists()
    bad = client.post("/assessments/training/", {"title": "", "kind": "examination", "held_on": "", "hours": "x",
                                                 "pass_mark": ""})  # fmt: skip
    assert bad.status_code == 400 and "error-summary" in bad.text
    exam = year_2026["exam"]
    recorded = client.post(f"/assessments/training/{exam.pk}/", {"expert": year_2026["huang"].pk, "attended": "on",
                                                                  "score": "72"})  # fmt: skip
    assert recorded.status_code == 302
    assert exam.records.get(expert=year_2026["huang"]).passed, "a second record corrects the first"
    with time_machine.travel(dt.datetime(2027, 1, 15, tzinfo=ZONE)):
        client = world.client_for("warning")  # signed in again: a session does not last seven months
        assert client.post("/assessments/appraisals/", {"year": "2026"}).status_code == 302
        liu = Appraisal.objects.get(year=2026, expert=year_2026["liu"])
        shown = client.get("/assessments/appraisals/", {"year": "2026"})
        assert "刘洋" in shown.text and "培训学时 8" in shown.text and "优秀" in shown.text
        decided = client.post(f"/assessments/appraisals/{liu.pk}/decide/", {"result": "", "reason": ""})
        assert decided.status_code == 302
        liu.refresh_from_db()
        assert liu.result == "excellent" and liu.decided_by == world.user("warning")
        english = world.client_for("warning")
        english.cookies["django_language"] = "en"
        shown = english.get("/assessments/appraisals/", {"year": "2026"}).text
        assert "Yearly appraisal" in shown and "Excellent" in shown and "Training hours 8" in shown
    bureau = world.client_for("xian")
    assert bureau.get("/assessments/training/").status_code == 200, "the registry's readers read it"
    assert "登记培训或考试" not in bureau.get("/assessments/training/").text
    assert bureau.post("/assessments/training/", {"title": "x"}).status_code == 403
    assert bureau.post(f"/assessments/appraisals/{liu.pk}/decide/", {"result": ""}).status_code == 403
    for username in ("enterprise", "expert", "partner"):
        assert world.client_for(username).get("/assessments/training/").status_code == 403, username
