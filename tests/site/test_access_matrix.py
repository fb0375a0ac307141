"""The access matrix: every URL pattern and every API operation, checked for every role.

A new endpoint without an entry here fails `test_every_url_pattern_is_in_the_matrix` or
`test_every_api_operation_is_in_the_matrix`. Allowed means the request got through the access layer
(2xx, or a redirect that is not to a sign-in page); denied means 401/403/404 or a redirect to sign-in.
Confidential objects are denied with 404 so that their existence is not revealed.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from riskgate.accounts.models import ApiToken, Organisation
from riskgate.intake.models import RiskInformation
from riskgate.site.api import api
from riskgate.targeting.models import ScreeningDecision
from tests.accounts.factories import fresh_uscc
from tests.conftest import ROLES

PUBLIC = set(ROLES)
SIGNED_IN = set(ROLES) - {"anonymous"}
ORG_VIEWERS = {
    "system_admin",
    "warning_officer",
    "bureau_officer",
    "port_officer",
    "partner_officer",
    "auditor",
    "enterprise_user",
}
ENTERPRISE_CREATORS = {"system_admin", "warning_officer", "bureau_officer"}
USER_VIEWERS = {"system_admin", "warning_officer", "bureau_officer", "auditor"}
AUDITORS = {"system_admin", "auditor"}
ADMINS = {"system_admin"}
# Enterprises issue the tokens their own systems capture traceability events with (their organisation only).
TOKEN_ISSUERS = {"system_admin", "enterprise_user"}
# Traceability: authorities of the enterprise's jurisdiction and the enterprise read its events; it captures them.
TRACE_READERS = {"system_admin", "warning_officer", "bureau_officer", "port_officer", "enterprise_user"}
TRACE_CAPTURERS = {"system_admin", "enterprise_user"}
# Technical trade measures: authorities register and alert; ports read; enterprises read and comment.
TBT_READERS = {"system_admin", "warning_officer", "bureau_officer", "port_officer", "enterprise_user"}
TBT_MANAGERS = {"system_admin", "warning_officer", "bureau_officer"}
TBT_COMMENTERS = TBT_MANAGERS | {"enterprise_user"}
MATRIX_EPCIS = {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    "type": "EPCISDocument",
    "schemaVersion": "2.0",
    "creationDate": "2026-12-01T00:00:00Z",
    "epcisBody": {"eventList": [{
        "type": "ObjectEvent", "eventTime": "2026-12-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
        "action": "OBSERVE", "bizStep": "shipping", "epcList": ["urn:epc:id:sgtin:6901234.000001.M1"],
    }]},
}  # fmt: skip
# Who may read the Xi'an demo enterprise (under Xianyang customs, in the Xi'an bureau's subtree).
XIAN_ENTERPRISE_READERS = {
    "system_admin",
    "warning_officer",
    "bureau_officer",
    "port_officer",
    "auditor",
    "enterprise_user",
}
# Nobody below national level may read the Harbin enterprise, and no enterprise may read another's.
HARBIN_ENTERPRISE_READERS = {"system_admin", "warning_officer", "auditor"}
# Partner agencies read what their sharing scope grants (and their own submissions).
INTAKE_VIEWERS = {"system_admin", "warning_officer", "bureau_officer", "port_officer", "partner_officer"}
INTAKE_CREATORS = INTAKE_VIEWERS
INTAKE_EXPORTERS = {"system_admin", "warning_officer", "bureau_officer"}
# An item owned by Xi'an Customs: the port (a subordinate body) does not see its bureau's items.
XIAN_ITEM_READERS = {"system_admin", "warning_officer", "bureau_officer"}
ENTERPRISE_REPORTERS = {"system_admin", "enterprise_user"}
IMPORTERS = {"system_admin", "warning_officer"}
# Assessments: authorities by jurisdiction, assessors and experts only where assigned (the matrix's assessment is
# assigned to another assessor, so the demo assessor and expert are the unassigned ones).
ASSESSMENT_VIEWERS = {"system_admin", "warning_officer", "bureau_officer", "assessor", "expert"}
ASSESSMENT_REQUESTERS = {"system_admin", "warning_officer", "bureau_officer"}
REGISTRY_VIEWERS = {"system_admin", "warning_officer", "bureau_officer", "assessor"}
TRAINERS = {"system_admin", "warning_officer"}  # Art.28: the national authority trains and appraises
XIAN_ASSESSMENT_READERS = XIAN_ITEM_READERS
WARNING_OFFICERS = {"system_admin", "warning_officer", "bureau_officer"}
OFFICE_WARNING_READERS = {"system_admin", "warning_officer"}  # a bureau does not see the warning office's drafts
WARNING_RECEIVERS = {
    "system_admin",
    "warning_officer",
    "bureau_officer",
    "port_officer",
    "partner_officer",
    "enterprise_user",
}
XIANYANG_INBOX_READERS = {"system_admin", "warning_officer", "bureau_officer", "port_officer"}  # 咸阳海关's inbox
SCREENERS = {"system_admin", "warning_officer", "bureau_officer", "port_officer"}  # the single window's accounts
RULE_VIEWERS = TASK_VIEWERS = TASK_RECORDERS = SCREENERS
RULE_MANAGERS = {"system_admin", "warning_officer", "bureau_officer"}
# A rule of Xi'an Customs: its ports read it too, since its hit opened a task at the airport port (issue 24.16).
XIAN_RULE_READERS = {"system_admin", "warning_officer", "bureau_officer", "port_officer"}
AIRPORT_TASK_READERS = SCREENERS  # a task at the Xi'an airport port, under Xianyang Customs
POLICY_MANAGERS = {"system_admin", "warning_officer"}
MEASURE_VIEWERS = {"system_admin", "warning_officer", "bureau_officer", "port_officer", "partner_officer"}
MEASURE_ORDERERS = LIFTERS = {"system_admin", "warning_officer", "bureau_officer"}
# The matrix measure is decided by Xi'an Customs, led by Xianyang Customs (the port account) with the Shaanxi
# market regulator (the partner account) cooperating: all of them read it; only those two execute it.
XIAN_MEASURE_READERS = MEASURE_VIEWERS
MEASURE_EXECUTORS = {"port_officer", "partner_officer"}
XIAN_PORT_READERS = {"system_admin", "warning_officer", "bureau_officer", "port_officer"}
# Obligations: authorities by jurisdiction (the port and the partner hold the view permission but the matrix
# obligation, decided by Xi'an Customs, is outside theirs), the enterprise its own, the designated institution.
OBLIGATION_LISTERS = {
    "system_admin",
    "warning_officer",
    "bureau_officer",
    "port_officer",
    "partner_officer",
    "enterprise_user",
    "assessor",
}
RECALL_LISTERS = {
    "system_admin",
    "warning_officer",
    "bureau_officer",
    "port_officer",
    "partner_officer",
    "enterprise_user",
}
XIAN_RECALL_READERS = {"system_admin", "warning_officer", "bureau_officer", "enterprise_user"}
RECALL_SUPERVISORS = {"system_admin", "warning_officer", "bureau_officer"}
XIAN_OBLIGATION_READERS = {"system_admin", "warning_officer", "bureau_officer", "enterprise_user", "assessor"}
# Monitoring signals are the warning office's analysts' (a bureau holds neither the permission nor the scope).
SIGNAL_ANALYSTS = {"system_admin", "warning_officer"}
# The monitoring programme: warning office and bureaux plan and organise spot checks; the matrix plan is the
# warning office's with a quota for Xi'an Customs (whose bureau officer reads it) and the Xi'an monitoring point.
PLAN_VIEWERS = PLAN_MANAGERS = SPOT_CHECK_MANAGERS = {"system_admin", "warning_officer", "bureau_officer"}
OFFICE_PLAN_MANAGERS = OFFICE_DRAW_READERS = {"system_admin", "warning_officer"}
SAMPLE_SUBMITTERS = {"system_admin", "monitoring_staff"}
SAMPLE_LISTERS = PLAN_VIEWERS | {"monitoring_staff", "enterprise_user"}
# The matrix record: taken by the Xi'an point (under Xi'an Customs), approved, naming the Xi'an enterprise.
XIAN_SAMPLE_READERS = SAMPLE_LISTERS
INSPECTORS = {"system_admin", "bureau_officer", "port_officer"}
# Credit: officers of the jurisdiction and the enterprise itself read a record; warning offices and bureaus manage.
CREDIT_VIEWERS = XIAN_CREDIT_READERS = {
    "system_admin",
    "warning_officer",
    "bureau_officer",
    "port_officer",
    "enterprise_user",
}
CREDIT_MANAGERS = {"system_admin", "warning_officer", "bureau_officer"}
XIAN_ENTRY_READERS = {"system_admin", "warning_officer", "bureau_officer", "port_officer"}  # not the enterprise
REPAIR_APPLICANTS = {"enterprise_user"}
# Case transfers: the sending jurisdiction (Xi'an) and the receiving unit (Shaanxi market regulation) only.
TRANSFER_LISTERS = {"system_admin", "warning_officer", "bureau_officer", "partner_officer"}
TRANSFER_OPENERS = {"system_admin", "warning_officer", "bureau_officer"}
XIAN_TRANSFER_READERS = {
    "system_admin",
    "warning_officer",
    "bureau_officer",
    "partner_officer",
}  # the listed enterprise itself, nobody for it
# Enforcement cases: officers of the jurisdiction manage; the enterprise concerned reads its interview and penalty.
CASE_VIEWERS = {"system_admin", "warning_officer", "bureau_officer", "enterprise_user"}
CASE_MANAGERS = {"system_admin", "warning_officer", "bureau_officer"}
XIAN_CASE_READERS = CASE_VIEWERS  # the Xi'an bureau's interview and penalty of the Xi'an enterprise
# The office's supervised case handled by Xi'an Customs, and the office's campaign Xi'an takes part in.
SUPERVISION_READERS = CAMPAIGN_READERS = CASE_MANAGERS
# The archive: kept by warning offices and bureaus (each its jurisdiction's), read by auditors; the matrix record
# and review are the Xi'an bureau's.
ARCHIVE_MANAGERS = {"system_admin", "warning_officer", "bureau_officer"}
ARCHIVE_VIEWERS = ARCHIVE_MANAGERS | {"auditor"}
# National reports are generated and published by the warning office (and the national system administrator).
REPORT_PUBLISHERS = {"system_admin", "warning_officer"}
# Dashboards: whoever reads risk information, warnings or measures, and enterprises (their obligations' chart).
DASHBOARD_READERS = {
    "system_admin",
    "warning_officer",
    "bureau_officer",
    "port_officer",
    "partner_officer",
    "enterprise_user",
}
# The matrix check: the office's draw, with all three inspectors (the bureau's and the port's among them) drawn.
CHECK_RECORDERS = OFFICE_DRAW_READERS | {"bureau_officer", "port_officer"}


@dataclass
class Entry:
    allowed: set[str]
    method: str = "get"
    kwargs: dict = field(default_factory=dict)
    data: dict | None = None


def ui_matrix(world) -> dict[str, Entry]:
    xian_ent = world.org("ent-xian-trading")
    token = ApiToken.objects.first()
    return {
        "site:home": Entry(PUBLIC),  # the public home for a visitor, the role home once signed in
        "site:chain": Entry(XIAN_ITEM_READERS, kwargs={"kind": "information", "pk": world.xian_item.pk}),
        "core:audit_list": Entry(AUDITORS),
        "core:exports": Entry(SIGNED_IN),
        "core:export_create": Entry(
            INTAKE_EXPORTERS, "post", data={"kind": "intake.information", "format": "csv", "query": "q=矩阵"}
        ),
        # An export is its owner's alone (the Xi'an bureau officer's here).
        "core:export": Entry({"bureau_officer"}, kwargs={"pk": world.export_job.pk}),
        "core:export_download": Entry({"bureau_officer"}, kwargs={"pk": world.export_job.pk}),
        "core:audit_verify": Entry(AUDITORS),
        "core:healthz": Entry(PUBLIC),
        "set_language": Entry(PUBLIC, "post", data={"language": "en", "next": "/"}),
        "accounts:login": Entry(PUBLIC),
        "accounts:login_totp": Entry(PUBLIC),
        "accounts:logout": Entry(PUBLIC, "post"),
        "accounts:totp_setup": Entry(SIGNED_IN),
        "accounts:organisation_list": Entry(ORG_VIEWERS),
        "accounts:organisation_detail": Entry(XIAN_ENTERPRISE_READERS, kwargs={"pk": xian_ent.pk}),
        "accounts:enterprise_create": Entry(ENTERPRISE_CREATORS),
        "accounts:user_list": Entry(USER_VIEWERS),
        "accounts:token_list": Entry(TOKEN_ISSUERS),
        "accounts:token_create": Entry(TOKEN_ISSUERS),
        "accounts:token_revoke": Entry(ADMINS, "post", kwargs={"pk": token.pk}, data={"reason": "matrix"}),
        "intake:list": Entry(INTAKE_VIEWERS),
        "intake:create": Entry(INTAKE_CREATORS),
        "intake:detail": Entry(XIAN_ITEM_READERS, kwargs={"pk": world.xian_item.pk}),
        "intake:transition": Entry(
            XIAN_ITEM_READERS, "post", kwargs={"pk": world.xian_item.pk}, data={"to_status": "under_verification"}
        ),
        "intake:evidence_upload": Entry(XIAN_ITEM_READERS, "post", kwargs={"pk": world.xian_item.pk}),
        "intake:reward_act": Entry(
            REWARD_HANDLERS,
            "post",
            kwargs={"pk": world.xian_item.pk, "action": "propose"},
            data={"amount": "100", "eligibility": "矩阵"},
        ),
        "intake:evidence_download": Entry(
            XIAN_ITEM_READERS, kwargs={"pk": world.xian_item.pk, "evidence_id": world.xian_evidence.pk}
        ),
        "intake:case": Entry(XIAN_ITEM_READERS, kwargs={"pk": world.case.pk}),  # before the unlink dissolves it
        "intake:case_add": Entry(
            XIAN_ITEM_READERS, "post", kwargs={"pk": world.case.pk}, data={"reference": "RI99999999"}
        ),
        "intake:unlink": Entry(XIAN_ITEM_READERS, "post", kwargs={"pk": world.xian_item2.pk}),
        "intake:translate": Entry(
            XIAN_ITEM_READERS,
            "post",
            kwargs={"pk": world.xian_item.pk},
            data={"title_zh": "矩阵", "description_zh": ""},
        ),
        "intake:links": Entry(INTAKE_VIEWERS),
        # An id no one has: the officers who decide links get the queue back with "not decided", the rest 403.
        "intake:link_bulk": Entry(XIAN_ITEM_READERS, "post", data={"ids": ["999999"], "action": "dismiss"}),
        "intake:cases": Entry(INTAKE_VIEWERS),
        "intake:link_confirm": Entry(XIAN_ITEM_READERS, "post", kwargs={"pk": world.proposal_a.pk}),
        "intake:link_dismiss": Entry(XIAN_ITEM_READERS, "post", kwargs={"pk": world.proposal_b.pk}),
        "intake:imports": Entry(IMPORTERS),
        "intake:import_detail": Entry(IMPORTERS, kwargs={"pk": world.import_job.pk}),
        "intake:import_rejections": Entry(IMPORTERS, kwargs={"pk": world.import_job.pk}),
        "intake:public_report": Entry(PUBLIC),
        "intake:receipt_status": Entry(PUBLIC),
        "intake:enterprise_reports": Entry(ENTERPRISE_REPORTERS),
        "intake:enterprise_report_create": Entry(ENTERPRISE_REPORTERS),
        "assessment:list": Entry(ASSESSMENT_VIEWERS),
        "assessment:create": Entry(ASSESSMENT_REQUESTERS),
        "assessment:registry": Entry(REGISTRY_VIEWERS),
        "assessment:body": Entry(REGISTRY_VIEWERS, kwargs={"pk": world.org("third-party-lab").assessment_body.pk}),
        "assessment:accepted": Entry(PUBLIC),
        "assessment:training": Entry(REGISTRY_VIEWERS),
        "assessment:course": Entry(REGISTRY_VIEWERS, kwargs={"pk": world.course.pk}),
        "assessment:appraisals": Entry(REGISTRY_VIEWERS),
        "assessment:appraisal_decide": Entry(TRAINERS, "post", kwargs={"pk": world.appraisal.pk}, data={"result": ""}),
        "assessment:detail": Entry(XIAN_ASSESSMENT_READERS, kwargs={"pk": world.assessment.pk}),
        "assessment:pdf": Entry(XIAN_ASSESSMENT_READERS, kwargs={"pk": world.assessment.pk}),
        "assessment:lab_report": Entry(
            XIAN_ASSESSMENT_READERS, kwargs={"pk": world.assessment.pk, "task_id": world.lab_task.pk}
        ),
        "assessment:finding_file": Entry(
            XIAN_ASSESSMENT_READERS, kwargs={"pk": world.assessment.pk, "finding_id": world.finding.pk}
        ),
        "assessment:act": Entry(
            XIAN_ASSESSMENT_READERS,
            "post",
            kwargs={"pk": world.assessment.pk, "action": "decide_extension"},
            data={"grant": "1"},
        ),
        # The public side of warnings (what may be shown there: tests/warnings/test_portal.py).
        "warnings:portal": Entry(PUBLIC),
        "warnings:atom": Entry(PUBLIC),
        "warnings:language": Entry(PUBLIC, kwargs={}),
        "warnings:cap_feed": Entry(PUBLIC),
        "warnings:public_detail": Entry(PUBLIC, kwargs={"lineage": world.warning.lineage_id}),
        "warnings:public_version": Entry(PUBLIC, kwargs={"lineage": world.warning.lineage_id, "version": 1}),
        "warnings:cap": Entry(PUBLIC, kwargs={"lineage": world.warning.lineage_id, "version": 1}),
        "warnings:subscribe": Entry(PUBLIC),
        "warnings:subscription": Entry(PUBLIC, kwargs={"token": world.subscription.token}),
        "warnings:confirm_subscription": Entry(PUBLIC, "post", kwargs={"token": world.subscription.token}),
        "warnings:unsubscribe": Entry(PUBLIC, "post", kwargs={"token": world.subscription.token}),
        # The officers' side of warnings: the matrix warning belongs to the warning office.
        "warnings:inbox": Entry(WARNING_RECEIVERS),
        "warnings:inbox_item": Entry(XIANYANG_INBOX_READERS, kwargs={"pk": world.inbox_item.pk}),
        "warnings:inbox_read": Entry(XIANYANG_INBOX_READERS, "post", kwargs={"pk": world.inbox_item.pk}),
        "warnings:inbox_reassessment": Entry(
            XIANYANG_INBOX_READERS, "post", kwargs={"pk": world.inbox_item.pk}, data={"change": "x", "evidence": "y"}
        ),
        "warnings:reassessment_decide": Entry(
            OFFICE_WARNING_READERS,
            "post",
            kwargs={"pk": world.warning.pk, "request_id": world.reassessment.pk},
            data={"accept": "0", "reason": "矩阵"},
        ),
        "warnings:inbox_respond": Entry(
            XIANYANG_INBOX_READERS, "post", kwargs={"pk": world.inbox_item.pk}, data={"action_taken": "矩阵"}
        ),
        "warnings:manage_list": Entry(WARNING_OFFICERS),
        "warnings:create": Entry(WARNING_OFFICERS),
        "warnings:manage": Entry(OFFICE_WARNING_READERS, kwargs={"pk": world.warning.pk}),
        "warnings:edit": Entry(OFFICE_WARNING_READERS, kwargs={"pk": world.warning.pk}),
        "warnings:preview": Entry(OFFICE_WARNING_READERS, kwargs={"pk": world.warning.pk}),
        "warnings:adjustment": Entry(OFFICE_WARNING_READERS, kwargs={"pk": world.warning.pk}),
        "warnings:act": Entry(OFFICE_WARNING_READERS, "post", kwargs={"pk": world.warning.pk, "action": "submit"}),
        "response:lift_warning": Entry(OFFICE_WARNING_READERS, "post", kwargs={"pk": world.warning.pk}),
        "targeting:rules": Entry(RULE_VIEWERS),
        "targeting:rule_create": Entry(RULE_MANAGERS),
        "targeting:rule": Entry(XIAN_RULE_READERS, kwargs={"pk": world.rule.pk}),
        "targeting:rule_act": Entry(RULE_MANAGERS, "post", kwargs={"pk": world.rule.pk, "action": "retire"}),
        "targeting:tasks": Entry(TASK_VIEWERS),
        "targeting:task": Entry(AIRPORT_TASK_READERS, kwargs={"pk": world.task.pk}),
        "targeting:policy": Entry(RULE_VIEWERS),
        "targeting:catalogue": Entry(RULE_VIEWERS),
        "response:list": Entry(MEASURE_VIEWERS),
        "response:create": Entry(MEASURE_ORDERERS),
        "response:detail": Entry(XIAN_MEASURE_READERS, kwargs={"pk": world.measure.pk}),
        "response:read": Entry(XIAN_MEASURE_READERS, "post", kwargs={"pk": world.measure.pk}),
        "response:act": Entry(LIFTERS, "post", kwargs={"pk": world.measure.pk, "action": "lift"}),
        "credit:list": Entry(CREDIT_VIEWERS),
        "credit:enterprise": Entry(XIAN_CREDIT_READERS, kwargs={"pk": xian_ent.pk}),
        "credit:enterprise_act": Entry(
            CREDIT_MANAGERS,
            "post",
            kwargs={"pk": xian_ent.pk, "action": "override"},
            data={"grade": "dishonest", "until": "", "reason": "matrix"},
        ),
        "credit:lists": Entry(CREDIT_VIEWERS),
        "credit:propose_entry": Entry(
            CREDIT_MANAGERS,
            "post",
            data={"criterion": "1", "enterprise": str(xian_ent.pk), "reason": "m", "public_summary": "m"},
        ),
        "credit:entry": Entry(XIAN_ENTRY_READERS, kwargs={"pk": world.entry.pk}),
        "credit:entry_act": Entry(
            CREDIT_MANAGERS, "post", kwargs={"pk": world.entry.pk, "action": "revoke"}, data={"reason": "matrix"}
        ),
        "credit:apply_repair": Entry(REPAIR_APPLICANTS, "post", kwargs={"pk": world.entry.pk}, data={"statement": "m"}),
        "credit:repair_evidence": Entry(XIAN_CREDIT_READERS, kwargs={"pk": world.repair.pk}),
        "credit:portal_lists": Entry(PUBLIC),
        "enforcement:transfers": Entry(TRANSFER_LISTERS),
        "enforcement:transfer_new": Entry(TRANSFER_OPENERS),
        "enforcement:transfer": Entry(XIAN_TRANSFER_READERS, kwargs={"pk": world.transfer.pk}),
        "enforcement:transfer_act": Entry(
            {"partner_officer"}, "post", kwargs={"pk": world.transfer.pk, "action": "acknowledge"}, data={"note": "m"}
        ),
        "enforcement:evidence": Entry(XIAN_TRANSFER_READERS, kwargs={"pk": world.transfer.evidence.get().pk}),
        "enforcement:interviews": Entry(CASE_VIEWERS),
        "enforcement:interview_new": Entry(CASE_MANAGERS),
        "enforcement:interview": Entry(XIAN_CASE_READERS, kwargs={"pk": world.interview.pk}),
        # An empty closing note: refused by the form (400) for who may close, and the interview stays open.
        "enforcement:interview_act": Entry(
            CASE_MANAGERS, "post", kwargs={"pk": world.interview.pk, "action": "close"}, data={"conclusion": ""}
        ),
        "enforcement:supervision": Entry(CASE_VIEWERS),
        "enforcement:supervision_new": Entry(CASE_MANAGERS),
        "enforcement:supervised": Entry(SUPERVISION_READERS, kwargs={"pk": world.supervised.pk}),
        "enforcement:supervised_act": Entry(
            CASE_MANAGERS, "post", kwargs={"pk": world.supervised.pk, "action": "progress"}, data={"text": ""}
        ),
        "enforcement:penalties": Entry(CASE_VIEWERS),
        "enforcement:penalty_new": Entry(CASE_MANAGERS),
        "enforcement:penalty": Entry(XIAN_CASE_READERS, kwargs={"pk": world.penalty.pk}),
        "enforcement:penalty_act": Entry(
            CASE_MANAGERS, "post", kwargs={"pk": world.penalty.pk, "action": "publish"}, data={"public_summary": ""}
        ),
        "enforcement:campaigns": Entry(CASE_VIEWERS),
        "insight:dashboard": Entry(DASHBOARD_READERS),
        "insight:csv": Entry(DASHBOARD_READERS, kwargs={"key": "on_time"}),
        "insight:drill": Entry(DASHBOARD_READERS, kwargs={"key": "on_time"}),
        "insight:performance": Entry(WARNING_OFFICERS),  # authorities reading warnings and measures
        "insight:reports": Entry(WARNING_OFFICERS),
        "insight:report_publish": Entry(REPORT_PUBLISHERS, "post", kwargs={"pk": world.report_to_publish.pk}),
        "insight:portal_reports": Entry(PUBLIC),
        "insight:report_file": Entry(WARNING_OFFICERS, kwargs={"pk": world.report.pk, "fmt": "pdf"}),
        "tbt:list": Entry(TBT_READERS),
        "tbt:create": Entry(TBT_MANAGERS),
        "tbt:import": Entry(TBT_MANAGERS),
        "tbt:detail": Entry(TBT_READERS, kwargs={"pk": world.tbt.pk}),
        "tbt:act": Entry(TBT_MANAGERS, "post", kwargs={"pk": world.tbt.pk, "action": "alert"}),
        # The enterprise's own draft: only the enterprise may record it (an authority gets 404: not its comment).
        "tbt:comment_act": Entry(
            {"enterprise_user"},
            "post",
            kwargs={"pk": world.tbt_comment.pk, "action": "edit"},
            data={"text": "矩阵意见"},
        ),  # fmt: skip
        "trace:public": Entry(PUBLIC),
        "trace:link": Entry(PUBLIC, kwargs={"gtin": "06901234000016", "key": "10", "item": "PAP2409017"}),
        "trace:chain": Entry(TRACE_READERS),
        "trace:captures": Entry(TRACE_READERS),
        "archive:records": Entry(ARCHIVE_VIEWERS),
        "archive:record": Entry(ARCHIVE_VIEWERS, kwargs={"pk": world.archived.pk}),
        "archive:record_act": Entry(
            ARCHIVE_MANAGERS, "post", kwargs={"pk": world.archived.pk, "action": "hold"}, data={"reason": ""}
        ),
        "archive:package": Entry(ARCHIVE_MANAGERS, "post", kwargs={"pk": world.archived.pk}),
        "archive:reviews": Entry(ARCHIVE_VIEWERS),
        "archive:review": Entry(ARCHIVE_VIEWERS, kwargs={"pk": world.disposal_review.pk}),
        "archive:review_act": Entry(
            ARCHIVE_MANAGERS, "post", kwargs={"pk": world.disposal_review.pk, "action": "reject"}, data={"note": ""}
        ),
        "enforcement:campaign_new": Entry(CASE_MANAGERS),
        "enforcement:campaign": Entry(CAMPAIGN_READERS, kwargs={"pk": world.campaign.pk}),
        "enforcement:campaign_act": Entry(
            CASE_MANAGERS, "post", kwargs={"pk": world.campaign.pk, "action": "report"}, data={"inspections": ""}
        ),
        "enforcement:benchmarks": Entry(CASE_VIEWERS),
        "enforcement:benchmark_new": Entry(CASE_MANAGERS),
        "enforcement:benchmark": Entry(XIAN_CASE_READERS, kwargs={"pk": world.benchmark.pk}),
        "enforcement:benchmark_act": Entry(
            CASE_MANAGERS, "post", kwargs={"pk": world.benchmark.pk, "action": "withdraw"}, data={"reason": ""}
        ),
        "enforcement:publicity_new": Entry(CASE_MANAGERS),
        "enforcement:portal_penalties": Entry(PUBLIC),
        "enforcement:portal_quality": Entry(PUBLIC),
        "monitoring:signals": Entry(SIGNAL_ANALYSTS),
        "monitoring:signal": Entry(SIGNAL_ANALYSTS, kwargs={"pk": world.signal.pk}),
        # An empty reason: the form refuses it (400) for those who may decide, and nothing changes for anyone.
        "monitoring:signal_act": Entry(
            SIGNAL_ANALYSTS, "post", kwargs={"pk": world.signal.pk, "action": "dismiss"}, data={"reason": ""}
        ),
        "monitoring:plans": Entry(PLAN_VIEWERS),
        "monitoring:plan_new": Entry(PLAN_MANAGERS),
        "monitoring:plan": Entry(PLAN_VIEWERS, kwargs={"pk": world.plan.pk}),
        "monitoring:plan_adjust": Entry(OFFICE_PLAN_MANAGERS, kwargs={"pk": world.plan.pk}),
        "monitoring:plan_act": Entry(OFFICE_PLAN_MANAGERS, "post", kwargs={"pk": world.plan.pk, "action": "task"}),
        "monitoring:propose": Entry(XIAN_ASSESSMENT_READERS, "post", kwargs={"assessment_pk": world.assessment.pk}),
        "monitoring:points": Entry(PLAN_VIEWERS),
        "monitoring:samples": Entry(SAMPLE_LISTERS),
        "monitoring:sample_new": Entry(SAMPLE_SUBMITTERS),
        "monitoring:sample": Entry(XIAN_SAMPLE_READERS, kwargs={"pk": world.sample.pk}),
        "monitoring:sample_act": Entry(PLAN_MANAGERS, "post", kwargs={"pk": world.sample.pk, "action": "approve"}),
        "monitoring:draws": Entry(SPOT_CHECK_MANAGERS),
        "monitoring:draw_new": Entry(SPOT_CHECK_MANAGERS),
        "monitoring:my_checks": Entry(INSPECTORS),
        "monitoring:external_checks": Entry(SPOT_CHECK_MANAGERS),
        "monitoring:draw": Entry(OFFICE_DRAW_READERS, kwargs={"pk": world.draw.pk}),
        "monitoring:draw_act": Entry(OFFICE_DRAW_READERS, "post", kwargs={"pk": world.draw.pk, "action": "publish"}),
        "monitoring:check_record": Entry(CHECK_RECORDERS, "post", kwargs={"pk": world.check.pk}),
        "monitoring:portal_draws": Entry(PUBLIC),
        "monitoring:portal_draw": Entry(PUBLIC, kwargs={"pk": world.draw.pk}),
        "monitoring:portal_snapshot": Entry(PUBLIC, kwargs={"pk": world.draw.pk}),
        "monitoring:portal_results": Entry(PUBLIC),
        "response:public_recalls": Entry(PUBLIC),
        "response:public_recall": Entry(PUBLIC, kwargs={"pk": world.recall.pk}),
        "response:recalls": Entry(RECALL_LISTERS),
        "response:emergency": Entry(MEASURE_VIEWERS),
        "response:emergency_plan_create": Entry(MEASURE_ORDERERS),
        # The Xi'an airport port's plan and activation: the authorities of Xi'an and the port itself.
        "response:emergency_plan": Entry(XIAN_PORT_READERS, kwargs={"pk": world.emergency_plan.pk}),
        "response:emergency_activation": Entry(XIAN_PORT_READERS, kwargs={"pk": world.activation.pk}),
        "response:recall_create": Entry(RECALL_SUPERVISORS),
        "response:recall": Entry(XIAN_RECALL_READERS, kwargs={"pk": world.recall.pk}),
        "response:recall_act": Entry(RECALL_SUPERVISORS, "post", kwargs={"pk": world.recall.pk, "action": "enforce"}),
        "response:concerns": Entry({"system_admin", "enterprise_user"}),  # holders of the enterprise permission
        "response:obligations": Entry(OBLIGATION_LISTERS),
        "response:obligation_create": Entry(MEASURE_ORDERERS, kwargs={}, data={"warning": world.warning.pk}),
        "response:obligation": Entry(XIAN_OBLIGATION_READERS, kwargs={"pk": world.obligation.pk}),
        # Only the enterprise itself reports; the others are refused (403) or do not see it (404).
        "response:obligation_act": Entry(
            {"enterprise_user"}, "post", kwargs={"pk": world.obligation.pk, "action": "consumers"}
        ),
        "response:consumers_proof": Entry(XIAN_OBLIGATION_READERS, kwargs={"pk": world.obligation.pk}),
        "response:obligation_file": Entry(
            XIAN_OBLIGATION_READERS, kwargs={"pk": world.obligation.pk, "report_id": world.obligation_file.pk}
        ),
        "response:evidence": Entry(
            XIAN_MEASURE_READERS, kwargs={"pk": world.measure.pk, "note_id": world.measure_note.pk}
        ),
        "api-1:openapi-json": Entry(PUBLIC),
        "api-1:openapi-view": Entry(PUBLIC),
    }


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else None, prefix + str(p.pattern)


def key(name, route):
    return name or f"route:{route}"


def all_url_keys():
    return {key(name, route) for name, route in walk(get_resolver().url_patterns)}


def api_paths():
    """URL names of ninja's path patterns; their operations are covered by the API matrix."""
    return {
        name
        for name, route in walk(get_resolver().url_patterns)
        if route.startswith("api/v1/") and "openapi" not in (name or "")
    }


# ----- admin: every admin URL, allowed to system administrators only --------------------------------------


def admin_urls(world):
    from riskgate.core.admin import admin_site

    samples = {m: m.objects.order_by("pk").first() for m in admin_site._registry}
    urls = []
    for name, route in walk(get_resolver().url_patterns):
        if not route.startswith("admin/"):
            continue
        kwargs = {}
        if name == "admin:view_on_site":
            from django.contrib.contenttypes.models import ContentType

            ct = ContentType.objects.get_for_model(Organisation).pk
            urls.append((name, reverse(name, kwargs={"content_type_id": ct, "object_id": world.org("gacc").pk})))
            continue
        for converter in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route):
            converter = converter[0] or converter[1]
            if converter == "app_label":
                kwargs["app_label"] = "accounts"
            elif converter in ("object_id", "id"):
                model = next(m for m in samples if route.startswith(f"admin/{m._meta.app_label}/{m._meta.model_name}/"))
                kwargs[converter] = str(samples[model].pk)
            elif converter == "url":
                kwargs["url"] = "nothing"
        if name:
            url = reverse(name, kwargs=kwargs)
        else:  # Django's unnamed admin redirects: build the path from the route
            url = "/" + re.sub(r"<path:object_id>", kwargs.get("object_id", ""), route).replace(
                "(?P<url>.*)$", "nothing/"
            )
        urls.append((key(name, route), url))
    return urls


# ----- API matrix --------------------------------------------------------------------------------------


def api_matrix(world) -> dict[tuple[str, str], Entry]:
    return {
        ("get", "/api/v1/me"): Entry(SIGNED_IN),
        ("get", "/api/v1/regions"): Entry(PUBLIC),
        ("get", "/api/v1/audit/events"): Entry(AUDITORS),
        ("get", "/api/v1/organisations"): Entry(ORG_VIEWERS),
        ("get", "/api/v1/organisations/{org_id}"): Entry(
            XIAN_ENTERPRISE_READERS, kwargs={"org_id": world.org("ent-xian-trading").pk}
        ),
        ("post", "/api/v1/organisations/enterprises"): Entry(ENTERPRISE_CREATORS, "post"),
        ("get", "/api/v1/intake/information"): Entry(INTAKE_VIEWERS),
        ("get", "/api/v1/intake/information/{info_id}"): Entry(
            XIAN_ITEM_READERS, kwargs={"info_id": world.xian_item.pk}
        ),
        ("post", "/api/v1/intake/information"): Entry(INTAKE_CREATORS, "post"),
        ("post", "/api/v1/intake/batches"): Entry(INTAKE_CREATORS, "post"),
        ("get", "/api/v1/intake/links"): Entry(INTAKE_VIEWERS),
        ("post", "/api/v1/intake/links/{link_id}/confirm"): Entry(
            XIAN_ITEM_READERS, "post", kwargs={"link_id": world.proposal_a.pk}
        ),
        ("post", "/api/v1/intake/links/{link_id}/dismiss"): Entry(
            XIAN_ITEM_READERS, "post", kwargs={"link_id": world.proposal_b.pk}
        ),
        ("get", "/api/v1/intake/cases/{case_id}"): Entry(XIAN_ITEM_READERS, kwargs={"case_id": world.case.pk}),
        ("get", "/api/v1/public/warnings"): Entry(PUBLIC),
        ("post", "/api/v1/epcis/capture"): Entry(TRACE_CAPTURERS, "post", data=MATRIX_EPCIS),
        ("post", "/api/v1/epcis/events"): Entry(
            TRACE_CAPTURERS,
            "post",
            data={**MATRIX_EPCIS["epcisBody"]["eventList"][0], "@context": MATRIX_EPCIS["@context"]},
        ),
        ("get", "/api/v1/epcis/capture/{capture_id}"): Entry(TRACE_READERS, kwargs={"capture_id": world.capture.pk}),
        ("get", "/api/v1/epcis/events"): Entry(TRACE_READERS),
        ("get", "/api/v1/epcis/events/{event_id}"): Entry(TRACE_READERS, kwargs={"event_id": world.trace_event_id}),
        ("get", "/api/v1/trace/chain"): Entry(TRACE_READERS),
        ("get", "/api/v1/public/trace"): Entry(PUBLIC),
        ("get", "/api/v1/public/warnings/{warning_id}"): Entry(PUBLIC, kwargs={"warning_id": world.warning.lineage_id}),
        ("get", "/api/v1/assessments"): Entry(ASSESSMENT_VIEWERS),
        ("get", "/api/v1/assessments/{assessment_id}"): Entry(
            XIAN_ASSESSMENT_READERS, kwargs={"assessment_id": world.assessment.pk}
        ),
        ("post", "/api/v1/assessments"): Entry(ASSESSMENT_REQUESTERS, "post"),
        # Only a seated expert votes and only an assigned assessor asks for more time: no demo role is either here.
        ("post", "/api/v1/assessments/{assessment_id}/vote"): Entry(
            set(), kwargs={"assessment_id": world.assessment.pk}
        ),
        ("post", "/api/v1/assessments/{assessment_id}/extension"): Entry(
            set(), kwargs={"assessment_id": world.assessment.pk}
        ),
        ("post", "/api/v1/assessments/{assessment_id}/extension/decision"): Entry(
            XIAN_ASSESSMENT_READERS, kwargs={"assessment_id": world.assessment.pk}
        ),
        ("post", "/api/v1/assessments/{assessment_id}/decision"): Entry(
            XIAN_ASSESSMENT_READERS, kwargs={"assessment_id": world.assessment.pk}
        ),
        ("post", "/api/v1/screening/declarations"): Entry(SCREENERS, "post"),
        ("post", "/api/v1/screening/batches"): Entry(SCREENERS, "post"),
        ("get", "/api/v1/control-rules"): Entry(RULE_VIEWERS),
        ("get", "/api/v1/control-rules/{rule_id}"): Entry(XIAN_RULE_READERS, kwargs={"rule_id": world.rule.pk}),
        ("post", "/api/v1/control-rules"): Entry(
            RULE_MANAGERS, "post", data={"criteria": {"hs_prefixes": ["9503"], "action": "inspect"}}
        ),
        ("post", "/api/v1/control-rules/{rule_id}/change"): Entry(
            RULE_MANAGERS,
            "post",
            kwargs={"rule_id": world.rule.pk},
            data={"criteria": {"action": "hold"}, "reason": "matrix"},
        ),
        ("post", "/api/v1/control-rules/{rule_id}/retire"): Entry(
            RULE_MANAGERS, "post", kwargs={"rule_id": world.rule.pk}, data={"reason": "matrix"}
        ),
        ("get", "/api/v1/inspection-tasks"): Entry(TASK_VIEWERS),
        ("get", "/api/v1/inspection-tasks/{task_id}"): Entry(AIRPORT_TASK_READERS, kwargs={"task_id": world.task.pk}),
        ("post", "/api/v1/inspection-tasks/{task_id}/outcome"): Entry(
            TASK_RECORDERS, "post", kwargs={"task_id": world.task.pk}, data={"outcome": "conforming"}
        ),
        ("get", "/api/v1/supervision-policy"): Entry(RULE_VIEWERS),
        ("post", "/api/v1/supervision-policy"): Entry(
            POLICY_MANAGERS, "post", data={"changes": {"random_rate": 0.5}, "reason": "matrix"}
        ),
        ("post", "/api/v1/enterprises/{organisation_id}/credit-grade"): Entry(
            CREDIT_MANAGERS,
            "post",
            kwargs={"organisation_id": world.org("ent-xian-trading").pk},
            data={"grade": "dishonest", "reason": "matrix"},
        ),
        ("get", "/api/v1/credit/enterprises/{organisation_id}"): Entry(
            XIAN_CREDIT_READERS, kwargs={"organisation_id": world.org("ent-xian-trading").pk}
        ),
        ("post", "/api/v1/credit/enterprises/{organisation_id}/events"): Entry(
            CREDIT_MANAGERS,
            "post",
            kwargs={"organisation_id": world.org("ent-xian-trading").pk},
            data={"kind": "award", "source": "矩阵-1", "occurred_on": "2026-12-01", "detail": "matrix"},
        ),
        ("post", "/api/v1/credit/overrides/{override_id}/decision"): Entry(
            CREDIT_MANAGERS, "post", kwargs={"override_id": world.override.pk}, data={"approve": True, "note": "m"}
        ),
        ("get", "/api/v1/credit/sharing/packages"): Entry({"partner_officer"}),  # with its sharing scope
        ("get", "/api/v1/credit/sharing/public-key"): Entry({"system_admin", "partner_officer"}),
        ("get", "/api/v1/measure-kinds"): Entry(MEASURE_VIEWERS),
        ("get", "/api/v1/measures"): Entry(MEASURE_VIEWERS),
        ("get", "/api/v1/measures/{measure_id}"): Entry(XIAN_MEASURE_READERS, kwargs={"measure_id": world.measure.pk}),
        ("post", "/api/v1/measures"): Entry(
            MEASURE_ORDERERS,
            "post",
            data={
                "kind": "stop-sale",
                "warning_id": world.warning.pk,
                "target_kind": "product",
                "target": "矩阵",
                "instructions": "停止销售",
                "lead_unit_id": world.org("xianyang-customs").pk,
                "deadline": "2030-01-01T00:00:00Z",
            },
        ),
        ("post", "/api/v1/measures/{measure_id}/progress"): Entry(
            MEASURE_EXECUTORS, "post", kwargs={"measure_id": world.measure.pk}, data={"text": "矩阵进展"}
        ),
        ("post", "/api/v1/measures/{measure_id}/quantities"): Entry(
            MEASURE_EXECUTORS,
            "post",
            kwargs={"measure_id": world.measure.pk},
            data={"kind": "seized", "amount": "1", "unit": "件"},
        ),
        ("post", "/api/v1/measures/{measure_id}/lift"): Entry(
            LIFTERS, "post", kwargs={"measure_id": world.measure.pk}, data={"reason": "矩阵", "evaluation": "矩阵"}
        ),
        ("get", "/api/v1/screening/decisions/{decision_id}/explanation"): Entry(
            SCREENERS, kwargs={"decision_id": world.task.decision_id}
        ),
        ("get", "/api/v1/obligations"): Entry(OBLIGATION_LISTERS),
        ("get", "/api/v1/obligations/{obligation_id}"): Entry(
            XIAN_OBLIGATION_READERS, kwargs={"obligation_id": world.obligation.pk}
        ),
        ("get", "/api/v1/monitoring/samples"): Entry(SAMPLE_LISTERS),
        ("get", "/api/v1/monitoring/samples/{sample_id}"): Entry(
            XIAN_SAMPLE_READERS, kwargs={"sample_id": world.sample.pk}
        ),
        # The point stores a record (201); the administrator, at no monitoring point, is refused with 400.
        ("post", "/api/v1/monitoring/samples"): Entry(
            SAMPLE_SUBMITTERS,
            "post",
            data={
                "sample_number": "MATRIX-API",
                "product_name": "矩阵样品",
                "sampled_on": "2026-01-05",
                "results": [{"item": "铅", "value": "0.1", "unit": "mg/kg", "limit": "0.2"}],
            },
        ),
        ("get", "/api/v1/recalls"): Entry(RECALL_LISTERS),
        ("get", "/api/v1/recalls/{recall_id}"): Entry(XIAN_RECALL_READERS, kwargs={"recall_id": world.recall.pk}),
        ("post", "/api/v1/recalls/{recall_id}/progress"): Entry(
            RECALL_SUPERVISORS | {"enterprise_user"},
            "post",
            kwargs={"recall_id": world.recall.pk},
            data={"as_of": timezone.localdate().isoformat(), "units_corrected": 3, "note": "矩阵"},
        ),
    }


def enterprise_payload(world):
    return {
        "name": "矩阵测试企业有限公司",
        "code": f"matrix-{fresh_uscc()[-6:].lower()}",
        "uscc": fresh_uscc(),
        "parent_id": world.org("xianyang-customs").pk,
        "enterprise_types": ["importer"],
    }


def assessment_payload(world, path):
    if path.endswith("/vote"):
        return {"approve": True}
    if path.endswith("/extension"):
        return {"new_due_at": "2099-01-01T00:00:00Z", "reason": "matrix"}
    if path.endswith("/extension/decision"):
        return {"grant": True}
    if path.endswith("/decision"):
        return {"decision": "confirm"}
    return {
        "title": "矩阵测试研判",
        "information": [world.xian_item.pk],
        "hazard_type": "physical",
        "assignee_kind": "institution",
        "institution_id": world.org("caiq").pk,
        "lead_id": world.other_assessor.pk,
    }


SCREENING_ITEM = {
    "declaration_id": "MATRIX-1",
    "item_no": 1,
    "direction": "import",
    "hs_code": "85076000",
    "origin_country": "CN",
    "port": "CNSHA",
    "value": 10,
    "declared_at": "2026-11-30T00:00:00Z",
}
INFORMATION_PAYLOAD = {
    "source_type": "consumer_complaint",
    "title": "矩阵测试：电热毯过热",
    "hazard_types": ["physical"],
}


def is_allowed(response) -> bool:
    if response.status_code in (401, 403, 404):
        return False
    if 300 <= response.status_code < 400:
        location = response.headers.get("Location", "")
        return "/accounts/login/" not in location and "/admin/login/" not in location
    assert response.status_code < 500, f"server error {response.status_code}"
    return True


@pytest.fixture
def matrix_world(world):
    from riskgate.accounts import services
    from riskgate.intake import services as intake

    services.issue_token(
        world.user("admin"), name="matrix", organisation=world.org("gacc"), permissions=[], expires_at=None
    )
    world.xian_item = intake.create_information(
        world.user("xian"),
        data={
            "source_type": "consumer_complaint",
            "channel": "hotline",
            "title": "矩阵测试：充电宝起火",
            "hazard_types": ["physical"],
        },
    )
    world.xian_item2, world.xian_item3 = (
        intake.create_information(
            world.user("xian"),
            data={"source_type": "media", "channel": "hotline", "title": title, "hazard_types": ["physical"]},
        )
        for title in ("矩阵测试：同款充电宝起火（媒体）", "矩阵测试：同款充电宝鼓包（投诉）")
    )
    from riskgate.intake.models import LinkProposal, RiskCase

    world.case = RiskCase.objects.create(title="矩阵测试案件", organisation=world.org("xian-customs"))
    RiskInformation.objects.filter(pk__in=[world.xian_item2.pk, world.xian_item3.pk]).update(case=world.case)
    world.proposal_a = LinkProposal.objects.create(
        first=world.xian_item, second=world.xian_item2, score=0.9, reasons={"text": 0.9}
    )
    world.proposal_b = LinkProposal.objects.create(
        first=world.xian_item, second=world.xian_item3, score=0.8, reasons={"text": 0.8}
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    from riskgate.intake.evidence import attach

    photo = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    world.xian_evidence = attach(world.xian_item, [photo], actor=world.user("xian"))[0]
    from django.core.files.base import ContentFile

    from riskgate.intake.models import ImportJob

    world.import_job = ImportJob(
        source="partner",
        original_name="p.csv",
        organisation=world.org("gacc-warning-office"),
        created_by=world.user("warning"),
    )
    world.import_job.file.save("p.csv", ContentFile(b"external_id,title,hazard_types\n"), save=True)
    world.import_job.rejections.save("r.csv", ContentFile(b"line,kind,reason\n"), save=True)
    from riskgate.core import exports

    world.export_job = exports.start(world.user("xian"), "intake.information", "csv", "q=矩阵")
    exports.run(world.export_job.pk)
    from riskgate.monitoring.models import Signal
    from tests.monitoring.factories import SPIKE, profile

    chosen = profile(world)
    world.signal = Signal.objects.create(
        profile=chosen,
        series_key="product_category=Nuts|hazard_type=chemical|origin_country=TR",
        series={"product_category": "Nuts", "hazard_type": "chemical", "origin_country": "TR"},
        week=SPIKE,
        observed=9,
        expected=1.2,
        upperbound=5.0,
        method=chosen.method,
        parameters=chosen.given(),
        information_ids=[world.xian_item.pk],
        organisation=chosen.organisation,
    )
    _matrix_assessment(world)
    _matrix_monitoring(world)
    from django.core.files.uploadedfile import SimpleUploadedFile as Upload
    from django.utils import timezone

    from riskgate.credit import services as credit
    from riskgate.credit.models import ListCriterion, ShareScope

    xian_ent = world.org("ent-xian-trading")
    credit.record_event(
        enterprise=xian_ent, kind="penalty_serious", source="document:m", detail="m", occurred_at=timezone.now()
    )
    black = ListCriterion.objects.get(code="black-serious-violation")
    ShareScope.objects.create(organisation=world.org("sn-market-regulation"), lists=["black"])
    world.entry = credit.propose(world.user("warning"), xian_ent, black, reason="m", public_summary="m")
    credit.decide(world.user("xian"), world.entry, approve=True, note="m")
    world.repair = credit.apply_repair(
        world.user("enterprise"), world.entry, statement="m", evidence=Upload("m.pdf", b"%PDF-1.4 m")
    )
    from riskgate.enforcement import services as enforcement

    world.transfer = enforcement.open_transfer(
        world.user("xian"),
        {"kind": "administrative", "receiving": world.org("sn-market-regulation"), "title": "m", "facts": "m"},
    )
    enforcement.add_evidence(world.user("xian"), world.transfer, upload=Upload("e.pdf", b"%PDF-1.4 e"), description="m")
    enforcement.send(world.user("xian"), world.transfer)
    _matrix_cases(world)
    _matrix_archive(world)
    world.override = credit.propose_override(
        world.user("warning"), world.org("ent-xian-trading"), "advanced", reason="m"
    )
    return world


def _matrix_cases(world):
    """The Xi'an bureau's interview and penalty of the Xi'an enterprise and its benchmark; the office's supervised case
    handled by Xi'an Customs and the office's campaign."""

    from riskgate.enforcement import services as enforcement

    today = timezone.localdate()
    xian, xian_ent = world.user("xian"), world.org("ent-xian-trading")
    world.interview = enforcement.schedule_interview(
        xian,
        {"subject": "enterprise", "enterprise": xian_ent, "reason": "m", "scheduled_at": timezone.now(), "place": "m"},
    )
    enforcement.record_minutes(xian, world.interview, {"held_at": timezone.now(), "attendees": "m", "minutes": "m"})
    world.supervised = enforcement.open_supervision(
        world.user("warning"),
        {"supervised": world.org("xian-customs"), "title": "m", "facts": "m", "deadline": today + dt.timedelta(days=9)},
    )
    world.penalty = enforcement.record_penalty(
        xian,
        {"enterprise": xian_ent, "document_number": "矩阵-1", "decided_on": today, "facts": "m", "legal_basis": "m",
         "penalties": ["warning"]},
    )  # fmt: skip
    world.campaign = enforcement.open_campaign(
        world.user("warning"),
        {"name": "m", "commodities": ["food"], "starts_on": today, "ends_on": today, "target_cases": 1},
    )
    world.benchmark = enforcement.award_benchmark(
        xian,
        {"enterprise": xian_ent, "title": "m", "citation": "m", "awarded_on": today,
         "valid_until": today + dt.timedelta(days=9)},
    )  # fmt: skip


def _matrix_archive(world):
    """The Xi'an penalty case archived (ordinary, three years), and a draft disposal review listing it as due."""

    from django.utils import timezone

    from riskgate.archive import services as archive
    from riskgate.archive.models import ArchivedRecord

    archive.run_retention()
    world.archived = ArchivedRecord.objects.get(reference=world.penalty.reference)
    (world.disposal_review,) = archive.draft_reviews(timezone.localdate() + dt.timedelta(days=4 * 366))
    from riskgate.insight import services as insight

    # Two reports of earlier weeks, unpublished: one to read, one to publish.
    world.report = insight.generate("weekly", timezone.localdate() - dt.timedelta(days=14))
    world.report_to_publish = insight.generate("weekly", timezone.localdate() - dt.timedelta(days=21))


def _matrix_monitoring(world):
    """The office's plan (quotas for Xi'an Customs and the Xi'an point), an approved record of the point naming the
    Xi'an enterprise, and the office's draw with every inspector drawn for each enterprise."""
    from decimal import Decimal

    from riskgate.monitoring.services import plans, samples, spotchecks

    today = timezone.localdate()
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    world.plan = plans.create_plan(
        world.user("warning"),
        data={"title": "矩阵计划", "period_start": start, "period_end": end, "scope": "import",
              "organisation": world.org("gacc-warning-office")},
        quotas=[(world.org("xian-customs"), 5), (world.org("xian-monitoring-point"), 5)],
    )  # fmt: skip
    world.sample, _ = samples.submit(
        world.user("point"),
        data={"sample_number": "MATRIX-1", "product_name": "矩阵样品", "sampled_on": today},
        results=[{"item": "铅", "value": Decimal("0.1"), "unit": "mg/kg", "limit": Decimal("0.2")}],
        enterprise=world.org("ent-xian-trading"),
    )
    samples.approve(world.user("xian"), world.sample)
    world.draw = spotchecks.draw_checks(
        world.user("warning"), title="矩阵抽查", kind="routine", period_start=start, period_end=end, criteria={},
        count=2, per_check=3, seed="ab" * 16,
    )  # fmt: skip
    world.check = world.draw.checks.order_by("position").first()


def _matrix_warning(world):
    """A published public warning (emergency path: no assessment needed), approved by a second officer."""
    from riskgate.accounts.models import Role, User
    from riskgate.warnings import services as warnings

    drafter = world.user("warning")
    notice = warnings.draft_emergency(
        drafter,
        data={
            "level": "III",
            "kinds": ["public_announcement", "agency_notice"],
            "regions": ["610000"],
            "hazard_type": "physical",
            "title": "矩阵测试预警",
            "summary": "s",
            "items": "i",
            "measures": "m",
        },
        reason="matrix",
    )
    warnings.submit_for_review(drafter, notice)
    approver = User.objects.create(
        username="warning-matrix", role=Role.objects.get(code="warning_officer"), organisation=drafter.organisation
    )
    warnings.approve(approver, notice)
    notice = warnings.publish(approver, notice)
    world.inbox_item = notice.recipients.get(organisation__code="xianyang-customs")
    from riskgate.warnings.services import reassessment

    world.reassessment = reassessment.request(world.user("port"), world.inbox_item, change="矩阵", evidence="矩阵")
    return notice


def _matrix_assessment(world):
    """An assessment requested by Xi'an Customs and assigned to another assessor than the demo one."""
    from django.core.files.base import ContentFile

    from riskgate.accounts.models import Role, User
    from riskgate.assessment import services as assessment
    from riskgate.assessment.models import Appraisal
    from riskgate.intake import services as intake

    xian = world.user("xian")
    info = intake.create_information(
        xian,
        data={"source_type": "media", "channel": "hotline", "title": "矩阵测试：研判", "hazard_types": ["physical"]},
    )
    intake.transition(xian, info, to_status="under_verification")
    intake.transition(xian, info, to_status="verified")
    world.other_assessor = User.objects.create(
        username="assessor-matrix", role=Role.objects.get(code="assessor"), organisation=world.org("caiq")
    )
    world.assessment = assessment.request_assessment(
        xian,
        title="矩阵测试研判",
        hazard_type="physical",
        assignee_kind="institution",
        institution=world.org("caiq"),
        lead=world.other_assessor,
        information_ids=[info.pk],
    )
    assessment.start(world.other_assessor, world.assessment)
    world.lab_task = assessment.add_lab_task(
        world.other_assessor,
        world.assessment,
        laboratory=world.org("xian-tech-centre"),
        samples="s",
        test_items="t",
        method="m",
    )
    world.lab_task.report_file.save("report.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    world.warning = _matrix_warning(world)
    from riskgate.warnings.services.delivery import subscribe

    world.subscription = subscribe(email="matrix@example.com")
    from django.core.files.uploadedfile import SimpleUploadedFile

    _matrix_targeting(world)
    world.course = assessment.add_course(
        world.user("warning"),
        {"title": "矩阵测试：培训", "kind": "training", "held_on": timezone.localdate(), "hours": 4},
    )
    assessment.draft_appraisals(world.user("warning"), timezone.localdate().year)
    world.appraisal = Appraisal.objects.filter(expert__isnull=False).first()
    world.finding = assessment.add_finding(
        world.other_assessor,
        world.assessment,
        kind="site_visit",
        summary="矩阵测试：现场核查",
        file=SimpleUploadedFile("site.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png"),
    )


def _matrix_targeting(world):
    """A control rule of Xi'an Customs and the task its hit opened at the Xi'an airport port."""
    from riskgate.targeting import live
    from riskgate.targeting import services as targeting
    from riskgate.targeting.models import PortOffice
    from riskgate.targeting.services import screening

    PortOffice.objects.create(code="CNXIY", organisation=world.org("xian-airport-port"))
    world.rule = targeting.issue(world.user("xian"), {"hs_prefixes": ["8507"], "action": "inspect"}, reason="m")
    live.reset()
    screening.screen(world.user("port"), [{**SCREENING_ITEM, "port": "CNXIY"}], one_declaration=True)
    world.task = world.rule.tasks.get()
    _matrix_measure(world)


def _matrix_measure(world):
    """A seizure decided by Xi'an Customs on the matrix warning, led by Xianyang Customs with the market
    regulator cooperating, with a progress note and its evidence file."""

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from riskgate.response.models import MeasureKind
    from riskgate.response.services import measures as response

    world.measure = response.order_measure(
        world.user("xian"),
        kind=MeasureKind.objects.get(code="seal-seize"),
        warning=world.warning,
        target_kind="batch",
        target="矩阵批次",
        instructions="查封",
        lead_unit=world.org("xianyang-customs"),
        cooperating_units=[world.org("sn-market-regulation")],
        deadline=timezone.now() + dt.timedelta(days=5),
    )
    from riskgate.response.models import PartyReport
    from riskgate.response.services import obligations

    world.obligation = obligations.impose(
        world.user("xian"),
        warning=world.warning,
        enterprise=world.org("ent-xian-trading"),
        institution=world.org("caiq"),
        requirements="矩阵",
        report_due=timezone.now() + dt.timedelta(days=5),
    )
    world.obligation.consumers_proof.save("p.pdf", SimpleUploadedFile("p.pdf", b"%PDF-1.4 matrix"), save=True)
    world.obligation_file = PartyReport.objects.create(
        obligation=world.obligation,
        kind="lifting",
        text="矩阵",
        submitted_by=world.user("enterprise"),
        file_name="r.pdf",
        evaluation_report=SimpleUploadedFile("r.pdf", b"%PDF-1.4 matrix"),
    )
    from riskgate.response.services import recalls

    world.recall = recalls.open_recall(
        world.user("xian"),
        {
            "kind": "voluntary",
            "enterprise": world.org("ent-xian-trading"),
            "product": "矩阵产品",
            "defect": "d",
            "affected_units": 10,
            "affected_range": "r",
            "remedies": ["repair"],
            "communication_plan": "c",
            "started_on": timezone.localdate(),
        },
    )
    recalls.publish(world.user("xian"), world.recall)
    from riskgate.response.services import emergency

    world.emergency_plan = emergency.create_plan(world.user("xian"), {
        "organisation": world.org("xian-airport-port"), "commodity_class": "dangerous_goods", "title": "矩阵预案",
        "scope": "s", "procedures": "p", "steps": "2 | xian-airport-port | 封存",
    })  # fmt: skip
    # The matrix warning was published ahead of confirmation in an emergency: a plan may be activated on it.
    world.activation = emergency.activate(
        world.user("xian"), world.emergency_plan, warning=world.warning, reason="矩阵"
    )
    from riskgate.tbt import services as tbt
    from riskgate.trace import services as trace

    world.tbt = tbt.register(world.user("warning"), {
        "kind": "tbt", "symbol": "G/TBT/N/MTX/1", "member": "US", "title": "矩阵通报", "products": "玩具",
        "hs_codes": "9503", "comment_deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    })  # fmt: skip
    world.tbt_comment = tbt.draft_comment(world.user("enterprise"), world.tbt, "矩阵草稿")
    captured = trace.capture(world.user("enterprise"), MATRIX_EPCIS)
    world.capture, world.trace_event_id = captured.capture, captured.event_ids[0]
    world.measure_note = response.report_progress(
        world.user("port"),
        world.measure,
        text="已查封",
        evidence=SimpleUploadedFile("seal.pdf", b"%PDF-1.4 matrix", content_type="application/pdf"),
    )


def test_every_url_pattern_is_in_the_matrix(matrix_world):
    covered = set(ui_matrix(matrix_world)) | api_paths() | {k for k, _ in admin_urls(matrix_world)}
    missing = all_url_keys() - covered
    assert not missing, f"URL patterns without an access-matrix entry: {sorted(missing)}"


def test_every_api_operation_is_in_the_matrix(matrix_world):
    schema = api.get_openapi_schema()
    operations = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert operations == set(api_matrix(matrix_world)), "API operations and the access matrix differ"


@pytest.mark.parametrize("role", ROLES)
def test_ui_access_matrix(matrix_world, role):
    failures = []
    for name, entry in ui_matrix(matrix_world).items():
        client = matrix_world.client_for(role)
        url = reverse(name, kwargs=entry.kwargs)
        response = getattr(client, entry.method)(url, entry.data or {})
        if entry.allowed is PUBLIC:
            # Public pages make no access decision: never refused, though they may send you to sign in.
            ok = response.status_code not in (401, 403) and response.status_code < 500
        else:
            ok = is_allowed(response) == (role in entry.allowed)
        if not ok:
            failures.append(
                f"{entry.method.upper()} {url}: {response.status_code} {response.headers.get('Location', '')}"
            )
    assert not failures, f"role {role}: " + "; ".join(failures)


# Admin pages that differ from "system administrators only": tokens are issued on their own pages (the
# admin is read-only for them) and no admin field uses autocomplete, so these are denied to everyone.
ADMIN_EXCEPTIONS = {
    "admin:accounts_apitoken_add": set(),
    "admin:accounts_apitoken_delete": set(),
    "admin:autocomplete": set(),
    "admin:assessment_gradingpolicy_delete": set(),  # a policy that graded assessments is deactivated, not deleted
    "admin:response_measurekind_delete": set(),  # a measure kind in use is deactivated, not deleted
    "admin:credit_eventtype_delete": set(),  # modules record events of every type: a type is changed, not deleted
    "admin:credit_listcriterion_delete": set(),  # list entries cite their criterion: it is deactivated
    "admin:response_responselimit_delete": set(),  # a window is changed, not deleted (its default would return)
    "admin:insight_indexinput_add": set(),  # the index's inputs are the measured ones: none is added
    "admin:insight_indexinput_delete": set(),  # an input is switched off by its weight, not deleted
    "admin:logout": PUBLIC,
    "route:admin/(?P<url>.*)$": set(),  # the catch-all answers unknown admin paths with 404, to everyone
}


@pytest.mark.parametrize("role", ROLES)
def test_admin_access_matrix(matrix_world, role):
    failures = []
    for name, url in admin_urls(matrix_world):
        client = matrix_world.client_for(role)
        response = client.post(url) if name == "admin:logout" else client.get(url)
        allowed = ADMIN_EXCEPTIONS.get(name, ADMINS)
        if allowed is PUBLIC:
            ok = response.status_code not in (401, 403) and response.status_code < 500
        else:
            ok = is_allowed(response) == (role in allowed)
        if not ok:
            failures.append(f"{name} {url}: {response.status_code}")
    assert not failures, f"role {role}: " + "; ".join(failures)


def stored() -> tuple:
    """What a denied write must leave as it was."""
    from riskgate.credit.models import GradeChange
    from riskgate.response.models import MeasureOrder, ProgressNote, Quantity, RecallProgress
    from riskgate.targeting.models import ControlRule, InspectionTask, SupervisionPolicy
    from riskgate.trace.models import TraceEvent

    return (
        Organisation.objects.count(),
        RiskInformation.objects.count(),
        ScreeningDecision.objects.count(),
        ControlRule.objects.count(),
        InspectionTask.objects.filter(status="done").count(),
        SupervisionPolicy.objects.count(),
        GradeChange.objects.count(),
        MeasureOrder.objects.count(),
        MeasureOrder.objects.filter(status="lifted").count(),
        ProgressNote.objects.count(),
        Quantity.objects.count(),
        RecallProgress.objects.count(),
        TraceEvent.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_api_access_matrix(matrix_world, role):
    failures = []
    for (method, path), entry in api_matrix(matrix_world).items():
        client = matrix_world.client_for(role)
        url = path.format(**entry.kwargs)
        before = stored()
        if method == "post":
            if entry.data is not None:
                payload = entry.data
            elif path.endswith("/batches") and "screening" not in path:
                payload = {
                    "items": [{"external_id": f"matrix-{role}", "title": "矩阵批量测试", "hazard_types": "other"}]
                }
            elif path.startswith("/api/v1/assessments"):
                payload = assessment_payload(matrix_world, path)
            elif path.startswith("/api/v1/screening"):
                payload = {"items": [SCREENING_ITEM]}
            else:
                payload = INFORMATION_PAYLOAD if "intake" in path else enterprise_payload(matrix_world)
            response = client.post(url, payload, content_type="application/json")
        else:
            response = client.get(url)
        if is_allowed(response) != (role in entry.allowed):
            failures.append(f"{method.upper()} {url}: {response.status_code} {response.content[:200]!r}")
        if method == "post" and role not in entry.allowed:
            assert stored() == before, f"a denied write stored something: {method.upper()} {url}"
        if not is_allowed(response):
            body = response.json()
            assert set(body) == {"code", "message", "errors"}, body
    assert not failures, f"role {role}: " + "; ".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_enterprise_of_another_jurisdiction_is_hidden(matrix_world, role):
    """Confidential-resource denial: the Harbin enterprise is invisible to Xi'an, ports, partners, enterprises."""
    harbin = matrix_world.org("ent-harbin-timber")
    client = matrix_world.client_for(role)
    ui = client.get(reverse("accounts:organisation_detail", kwargs={"pk": harbin.pk}))
    api_response = client.get(f"/api/v1/organisations/{harbin.pk}")
    expected = role in HARBIN_ENTERPRISE_READERS
    assert is_allowed(ui) == expected
    assert is_allowed(api_response) == expected
    if not expected and role != "anonymous":
        assert ui.status_code in (403, 404) and api_response.status_code in (403, 404)
        assert harbin.uscc not in ui.content.decode() and harbin.uscc not in api_response.content.decode()


# ----- ids named in API bodies (issue 24 item 1) ----------------------------------------------------------
# Every id a body names is resolved through the caller's scope: one out of scope gets exactly the answer an
# absent id gets (422 on that field), nothing is stored, and the answer does not tell the two apart.

ABSENT = 2**52


def _harbin_warning(world):
    from riskgate.warnings import services as warnings

    return warnings.draft_emergency(
        world.user("harbin"),
        data={
            "level": "III",
            "kinds": ["agency_notice"],
            "regions": ["230000"],
            "hazard_type": "physical",
            "title": "哈尔滨草稿预警",
            "summary": "s",
            "items": "i",
            "measures": "m",
        },
        reason="matrix",
    )


def _named_cases(world):
    """(caller, path, payload, field, out-of-scope id): each body names one object the caller may not choose."""
    order = {
        "kind": "stop-sale",
        "warning_id": world.warning.pk,
        "target_kind": "enterprise",
        "target": "矩阵",
        "target_enterprise_id": world.org("ent-xian-trading").pk,
        "instructions": "停止销售",
        "lead_unit_id": world.org("xianyang-customs").pk,
        "deadline": "2030-01-01T00:00:00Z",
    }
    rule = {"criteria": {"hs_prefixes": ["9503"], "action": "inspect"}}
    harbin_warning = _harbin_warning(world)
    request = assessment_payload(world, "/api/v1/assessments")
    return [
        ("xian", "/api/v1/measures", order, "target_enterprise_id", world.org("ent-harbin-timber").pk),
        ("xian", "/api/v1/measures", order, "lead_unit_id", world.org("harbin-customs").pk),
        ("xian", "/api/v1/measures", order, "cooperating_unit_ids", [world.org("suifenhe-customs").pk]),
        ("xian", "/api/v1/measures", order, "warning_id", harbin_warning.pk),
        ("harbin", "/api/v1/measures", order, "assessment_id", world.assessment.pk),
        ("xian", "/api/v1/control-rules", rule, "executing_ids", [world.org("harbin-customs").pk]),
        ("xian", "/api/v1/control-rules", rule, "warning_id", harbin_warning.pk),
        ("xian", "/api/v1/assessments", request, "institution_id", world.org("xian-customs").pk),
        ("xian", "/api/v1/assessments", request, "lead_id", world.user("enterprise").pk),
        ("xian", "/api/v1/assessments", request, "member_ids", [world.user("enterprise").pk]),
    ]


def test_ids_out_of_scope_are_answered_like_absent_ids(matrix_world):
    from riskgate.assessment.models import Assessment

    failures = []
    for caller, path, payload, name, foreign in _named_cases(matrix_world):
        client = matrix_world.client_for(caller)
        absent = [ABSENT] if isinstance(foreign, list) else ABSENT
        answers = []
        for value in (foreign, absent):
            before = (*stored(), Assessment.objects.count())
            response = client.post(path, {**payload, name: value}, content_type="application/json")
            assert (*stored(), Assessment.objects.count()) == before, f"{caller} {path} {name}: something stored"
            answers.append((response.status_code, response.json()))
        (status, body), (absent_status, absent_body) = answers
        if status != 422 or (status, body) != (absent_status, absent_body) or name not in str(body["errors"]):
            failures.append(f"{caller} {path} {name}={foreign}: {status} {body} vs absent {absent_status}")
    assert not failures, "\n".join(failures)


def test_service_refuses_an_enterprise_of_another_jurisdiction(matrix_world):
    """The root of item 1: the service itself, whatever its caller, refuses a Harbin enterprise for Xi'an."""

    from django.core.exceptions import ValidationError

    from riskgate.response.models import MeasureKind
    from riskgate.response.services import measures

    with pytest.raises(ValidationError) as refused:
        measures.order_measure(
            matrix_world.user("xian"),
            kind=MeasureKind.objects.get(code="stop-sale"),
            warning=matrix_world.warning,
            target_kind="enterprise",
            target="矩阵",
            target_enterprise=matrix_world.org("ent-harbin-timber"),
            instructions="停止",
            lead_unit=matrix_world.org("xianyang-customs"),
            deadline=timezone.now() + dt.timedelta(days=3),
        )
    assert "target_enterprise" in refused.value.message_dict


HARBIN_CASE_TITLE_READERS = {"system_admin", "warning_officer"}


@pytest.mark.parametrize("role", ROLES)
def test_a_case_shows_another_jurisdictions_title_only_to_who_sees_it(matrix_world, role):
    """Issue 24 item 2: a case whose oldest item is Harbin's, joined with a Xi'an item."""
    from riskgate.intake import linking
    from riskgate.intake import services as intake
    from riskgate.intake.models import LinkProposal

    harbin_item = intake.create_information(
        matrix_world.user("harbin"),
        data={
            "source_type": "media",
            "channel": "hotline",
            "title": "哈尔滨报关单2301999 机密标题",
            "hazard_types": ["physical"],
        },
    )
    RiskInformation.objects.filter(pk=harbin_item.pk).update(notified_on="2026-01-01")
    first, second = sorted((harbin_item, matrix_world.xian_item), key=lambda i: i.pk)
    case = linking.confirm(
        matrix_world.user("warning"), LinkProposal.objects.create(first=first, second=second, score=0.9, reasons={})
    )
    assert case.title == harbin_item.title
    client = matrix_world.client_for(role)
    for response in (
        client.get(reverse("intake:case", kwargs={"pk": case.pk})),
        client.get(f"/api/v1/intake/cases/{case.pk}"),
    ):
        body = response.content.decode()
        assert ("2301999" in body) == (role in HARBIN_CASE_TITLE_READERS), (role, response.status_code)
        if role in XIAN_ITEM_READERS:
            assert response.status_code == 200


EXECUTED_RULE_READERS = {"system_admin", "warning_officer", "bureau_officer", "port_officer"}
UNEXECUTED_RULE_READERS = {"system_admin", "warning_officer", "bureau_officer"}


@pytest.mark.parametrize("role", ROLES)
def test_executing_units_read_the_rules_they_execute(matrix_world, role):
    """Issue 24 item 16: a rule executed by Xianyang Customs is read there; one executed by Baoji Customs is not."""
    from riskgate.targeting import services as targeting

    xian = matrix_world.user("xian")
    executed = targeting.issue(
        xian, {"hs_prefixes": ["9503"], "action": "inspect"}, executing=[matrix_world.org("xianyang-customs")]
    )
    elsewhere = targeting.issue(
        xian, {"hs_prefixes": ["9504"], "action": "inspect"}, executing=[matrix_world.org("baoji-customs")]
    )
    client = matrix_world.client_for(role)
    for rule, readers in ((executed, EXECUTED_RULE_READERS), (elsewhere, UNEXECUTED_RULE_READERS)):
        page = client.get(reverse("targeting:rule", kwargs={"pk": rule.pk}))
        api_response = client.get(f"/api/v1/control-rules/{rule.pk}")
        assert is_allowed(page) == is_allowed(api_response) == (role in readers), (role, rule.reference)
    if role == "port_officer":  # reads it, may not change it
        page = client.get(reverse("targeting:rule", kwargs={"pk": executed.pk})).content.decode()
        assert "调整（生成新版本）" not in page


# Who handles a Xi'an report's whistleblower reward (issue 25 item 7): intake:reward:manage, in the own jurisdiction.
REWARD_HANDLERS = {"system_admin", "warning_officer", "bureau_officer"}


@pytest.mark.parametrize("role", ROLES)
def test_a_reward_decision_shows_through_the_receipt_and_the_reporter_stays_masked(matrix_world, role):
    """A Xi'an public report found true, its reward proposed by the bureau and approved by the warning office:
    the reporter sees the decision with the receipt code; the reward card is for the jurisdiction's handlers; the
    reporter's identity is on no page but the reporter section of those holding intake:reporter:view."""
    from riskgate.intake import rewards
    from riskgate.intake import services as intake
    from tests.intake.test_channels import report

    response = report(
        ip="10.7.7.7", title="矩阵：举报奖励", name="赵举报", phone="13700007777", email="zhao@example.org"
    )
    receipt = response.context["receipt"]
    info = RiskInformation.objects.get(receipt=receipt.number)
    xian = matrix_world.user("xian")
    intake.transition(xian, info, to_status="under_verification")
    intake.transition(xian, info, to_status="verified")
    reward = rewards.propose(xian, info, amount="600", eligibility="举报属实")
    rewards.decide(matrix_world.user("warning"), reward, approve=True, note="同意")
    identity = ("赵举报", "13700007777", "zhao@example.org")
    client = matrix_world.client_for(role)
    status = client.post("/report/status/", {"number": receipt.number, "secret": receipt.secret}).content.decode()
    assert "已批准，待发放" in status and "600.00" in status, role
    assert not any(fragment in status for fragment in identity), role
    page = client.get(reverse("intake:detail", kwargs={"pk": info.pk}))
    body = page.content.decode() if page.status_code == 200 else ""
    assert ('id="h-reward"' in body) == (role in REWARD_HANDLERS), role
    card = body.split('id="h-reward"')[1].split("</section>")[0] if 'id="h-reward"' in body else ""
    assert not any(fragment in card for fragment in identity), role
    assert any(fragment in body for fragment in identity) == (role in REPORTER_READERS), role
    api = client.get(f"/api/v1/intake/information/{info.pk}").content.decode()
    assert not any(fragment in api for fragment in identity), role


# Who reads a reporter's name, phone and e-mail: the permission, in scope (issue 24 item 4); who reads an item's
# internal history (officers' names, internal reasons): whoever reads the item itself, never from a shared copy.
REPORTER_READERS = {"system_admin", "warning_officer"}
SHARED_ITEM_READERS = XIAN_ITEM_READERS | {"partner_officer"}


@pytest.mark.parametrize("role", ROLES)
def test_reporter_data_and_internal_history_per_role(matrix_world, role):
    """Issue 24 item 4: a verified Xi'an complaint shared with the Shaanxi market regulator (the demo scope)."""
    from riskgate.intake import services as intake
    from riskgate.intake.models import Status

    xian = matrix_world.user("xian")
    info = intake.create_information(
        xian,
        data={
            "source_type": "consumer_complaint",
            "channel": "hotline",
            "title": "矩阵：举报人",
            "hazard_types": ["physical"],
        },
        reporter={"name": "王小明", "phone": "13800138000", "email": "wxm@example.cn"},
    )
    intake.transition(xian, info, to_status="under_verification", reason="矩阵内部核实理由")
    RiskInformation.objects.filter(pk=info.pk).update(status=Status.VERIFIED)
    client = matrix_world.client_for(role)
    page = client.get(reverse("intake:detail", kwargs={"pk": info.pk}))
    api_response = client.get(f"/api/v1/intake/information/{info.pk}")
    assert is_allowed(page) == (role in SHARED_ITEM_READERS), role
    body = page.content.decode()
    if role in SHARED_ITEM_READERS:
        reporter = body.split('id="h-reporter"')[1].split("</section>")[0]
        for fragment in ("王小明", "13800138000", "wxm@example.cn"):
            assert (fragment in reporter) == (role in REPORTER_READERS), (role, fragment)
        if role not in REPORTER_READERS:
            for fragment in ("王", "138", "example.cn", "*"):
                assert fragment not in reporter, (role, fragment)  # no initial, length or domain either
        assert ("矩阵内部核实理由" in body) == (role in XIAN_ITEM_READERS), role
        assert ('id="h-history"' in body) == (role in XIAN_ITEM_READERS), role
    for fragment in ("王小明", "13800138000", "example.cn", "矩阵内部核实理由"):
        assert fragment not in api_response.content.decode(), (role, fragment)  # the API never carries them


@pytest.mark.parametrize("role", ROLES)
def test_an_assessment_notice_reaches_no_role_that_does_not_take_part(
    matrix_world, role, django_capture_on_commit_callbacks
):
    """Issue 24 item 3: an assessment of CAIQ led by someone else: its title reaches only roles that may open it
    (by jurisdiction or audit), never the CAIQ assessor and expert who do not take part, on the home page or in
    e-mail."""
    from django.core import mail

    from riskgate.accounts.models import Role, User
    from riskgate.assessment import services as assessment
    from riskgate.intake import services as intake

    xian = matrix_world.user("xian")
    info = intake.create_information(
        xian, data={"source_type": "media", "channel": "hotline", "title": "矩阵通知", "hazard_types": ["physical"]}
    )
    intake.transition(xian, info, to_status="under_verification")
    intake.transition(xian, info, to_status="verified")
    lead = User.objects.create(
        username="matrix-lead", role=Role.objects.get(code="assessor"), organisation=matrix_world.org("caiq")
    )
    User.objects.exclude(pk=lead.pk).update(email="someone@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = assessment.request_assessment(
            xian,
            title="矩阵通知：不应外泄的研判标题",
            hazard_type="physical",
            assignee_kind="institution",
            institution=matrix_world.org("caiq"),
            lead=lead,
            information_ids=[info.pk],
        )
    client = matrix_world.client_for(role)
    home = client.get(reverse("site:home")).content.decode()
    may_open = is_allowed(client.get(reverse("assessment:detail", kwargs={"pk": case.pk})))
    assert may_open == (role in XIAN_ASSESSMENT_READERS), role
    notes = home.split('aria-labelledby="h-notes"')[1].split("</section>")[0] if "h-notes" in home else ""
    if not may_open:
        assert "不应外泄的研判标题" not in notes, role
        if role != "auditor":  # the auditor's audit-trail panel names every audited object, by design
            assert "不应外泄的研判标题" not in home, role
    assert not [m for m in mail.outbox if "不应外泄的研判标题" in m.subject + m.body], role
