"""The API of obligations and recalls: each caller reads what its pages show it (an enterprise its own cases, the
evaluating institution its cases, authorities their jurisdiction), every read of one case is audited, and an
enterprise's system reports a recall's progress — checked as on the page, nothing stored when refused."""

import datetime as dt

from django.utils import timezone

from riskgate.core.models import AuditEvent
from riskgate.response.models import RecallProgress
from riskgate.response.services import obligations, recalls
from tests.response.factories import REPORT, impose, recall_data
from tests.warnings.factories import published


def test_an_enterprise_reports_a_recalls_progress_and_reads_its_rate(world):
    recall = recalls.open_recall(world.user("xian"), recall_data(world))
    other = recalls.open_recall(world.user("xian"), recall_data(world, enterprise=world.org("ent-baoji-toys")))
    client = world.client_for("enterprise")
    listed = client.get("/api/v1/recalls").json()
    assert [r["reference"] for r in listed["items"]] == [recall.reference]  # not the other enterprise's
    assert client.get(f"/api/v1/recalls/{other.pk}").status_code == 404
    start = recall.started_on
    url = f"/api/v1/recalls/{recall.pk}/progress"
    first = client.post(
        url, {"as_of": str(start + dt.timedelta(days=30)), "units_corrected": 100}, content_type="application/json"
    )
    assert first.status_code == 201 and first.json()["effectiveness_rate"] == 0.25
    second = client.post(
        url,
        {"as_of": str(start + dt.timedelta(days=60)), "units_corrected": 250, "note": "经销商"},
        content_type="application/json",
    ).json()
    assert second["effectiveness_rate"] == 0.625
    assert [(p["units_corrected"], p["rate"]) for p in second["progress"]] == [(100, 0.25), (250, 0.625)]
    fewer = client.post(
        url, {"as_of": str(start + dt.timedelta(days=70)), "units_corrected": 200}, content_type="application/json"
    )
    assert fewer.status_code == 422 and fewer.json()["errors"][0]["field"] == "units_corrected"
    too_many = client.post(
        url, {"as_of": str(timezone.localdate()), "units_corrected": 100_000_001}, content_type="application/json"
    )
    assert too_many.status_code == 422
    assert RecallProgress.objects.filter(recall=recall).count() == 2
    refused = client.post(
        f"/api/v1/recalls/{other.pk}/progress",
        {"as_of": str(start), "units_corrected": 1},
        content_type="application/json",
    )
    assert refused.status_code == 404 and not RecallProgress.objects.filter(recall=other).exists()
    reads = AuditEvent.objects.filter(action="view", object_id=str(recall.pk))
    before = reads.count()
    client.get(f"/api/v1/recalls/{recall.pk}")
    assert reads.count() == before + 1 and reads.latest("seq").actor == world.user("enterprise")
    done = client.get("/api/v1/recalls?status=completed").json()
    assert done["count"] == 0


def test_obligations_are_read_by_the_party_the_institution_and_the_authority_only(world):
    notice, _approver = published(world)
    obligation = impose(world, notice)
    obligations.submit_report(world.user("enterprise"), obligation, REPORT)
    for role in ("enterprise", "assessor", "warning_officer"):
        body = world.client_for(role).get(f"/api/v1/obligations/{obligation.pk}").json()
        assert body["reference"] == obligation.reference and body["status"] == "under_evaluation", role
        assert (
            body["reports"][0]["defect_analysis"] == REPORT["defect_analysis"] and body["reports"][0]["verdict"] == ""
        )
    listed = world.client_for("enterprise").get(f"/api/v1/obligations?warning_id={notice.lineage_id}").json()
    assert [o["id"] for o in listed["items"]] == [obligation.pk]
    assert world.client_for("enterprise").get("/api/v1/obligations?status=lifted").json()["count"] == 0
    assert world.client_for("auditor").get(f"/api/v1/obligations/{obligation.pk}").status_code in (401, 403)
    assert world.client_for("anonymous").get("/api/v1/obligations").status_code == 401
