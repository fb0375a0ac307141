"""How the rapid-response services audit their writes: one event per change, in the case's jurisdiction."""

from riskgate.core import audit
from riskgate.core.principal import Principal


def record(principal: Principal, obj, action: str, changes: dict | None = None, reason: str = "") -> None:
    """One audit event of a case (`action` like "recall.published"), in the case's jurisdiction."""
    audit.record(
        actor=principal,
        action=action,
        obj=obj,
        object_repr=obj.reference,
        changes=changes or {},
        reason=reason,
        organisation_id=obj.organisation_id,
    )
