"""All writes of warnings: the lifecycle of a warning notice (drafting, four eyes, publication, adjustment,
lifting, effect evaluation: lifecycle), its delivery to the organisations concerned (inbox), to subscribers
(delivery), and the publication time limits (deadlines). Callers use `services.<name>` for the lifecycle."""

from .lifecycle import (
    adjust,
    approve,
    authority_errors,
    confirm,
    current,
    draft_emergency,
    draft_from_assessment,
    evaluate,
    lift,
    lift_expired,
    publish,
    region_within,
    related_information_count,
    send_back,
    submit_for_review,
    update_draft,
)

__all__ = [
    "adjust",
    "approve",
    "authority_errors",
    "confirm",
    "current",
    "draft_emergency",
    "draft_from_assessment",
    "evaluate",
    "lift",
    "lift_expired",
    "publish",
    "region_within",
    "related_information_count",
    "send_back",
    "submit_for_review",
    "update_draft",
]
