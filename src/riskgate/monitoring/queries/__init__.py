"""Every read of the monitoring app, scoped to the principal: the signals (`signals`) and the monitoring
programme — plans, points, sampling, spot checks and the portal's aggregates (`programme`)."""

from . import programme
from .signals import (
    COUNTED_FIELDS,
    NOT_COUNTED,
    active_profiles,
    assessment_section,
    bound_text,
    counted_rows,
    label,
    pending_work,
    records,
    value_label,
    visible,
)

__all__ = [
    "COUNTED_FIELDS",
    "NOT_COUNTED",
    "active_profiles",
    "assessment_section",
    "bound_text",
    "counted_rows",
    "label",
    "pending_work",
    "programme",
    "records",
    "value_label",
    "visible",
]
