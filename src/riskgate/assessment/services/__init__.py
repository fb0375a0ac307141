"""All writes of risk assessment, by stage: each checks the actor's permission and part in the assessment,
validates, saves and audits in one transaction (Art.14–17). Views and the API call only these, as
`services.<name>`; the modules below hold them by section of the workflow."""

from .acceptance import record_violation, set_scope
from .common import is_authority, is_participant, notify, sync_participants
from .confirmation import decide, reassess
from .extensions import decide_extension, request_extension
from .investigation import add_finding, add_lab_task, passes, record_lab_results, store_upload
from .panel import declare_conflict, seat_expert, start, unseat_expert
from .report import (
    REQUIRED_FOR_PANEL,
    add_scenario,
    current_policy,
    estimate,
    parse_steps,
    remove_scenario,
    save_report,
    send_to_panel,
    submit,
    vote,
    withdraw_from_panel,
)
from .requests import due_rule, request_assessment
from .training import add_course, decide_appraisal, draft_appraisals, record_training

__all__ = [
    "record_violation",
    "set_scope",
    "add_course",
    "decide_appraisal",
    "draft_appraisals",
    "record_training",
    "REQUIRED_FOR_PANEL",
    "add_finding",
    "add_lab_task",
    "add_scenario",
    "current_policy",
    "decide",
    "decide_extension",
    "declare_conflict",
    "due_rule",
    "estimate",
    "is_authority",
    "is_participant",
    "notify",
    "parse_steps",
    "passes",
    "reassess",
    "record_lab_results",
    "remove_scenario",
    "request_assessment",
    "request_extension",
    "save_report",
    "seat_expert",
    "send_to_panel",
    "start",
    "store_upload",
    "submit",
    "sync_participants",
    "unseat_expert",
    "vote",
    "withdraw_from_panel",
]
