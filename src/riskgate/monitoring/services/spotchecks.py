"""Double-random spot checks (R-MON-4, 双随机、一公开): the draw from the pools of enterprises and inspectors, the
checks' results, publication, and other agencies' checks. The draw itself is `monitoring.draw` (no Django): the
service takes the snapshot of the pools, draws, and stores the snapshot, its hash, the seed and the selection."""

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, require_person
from riskgate.credit import services as credit
from riskgate.credit.models import CreditGrade

from .. import draw as drawing
from ..models import CheckOutcome, DrawKind, DrawStatus, ExternalCheck, SpotCheck, SpotCheckDraw
from ..queries import programme as queries


def _criteria(criteria: dict, kind: str) -> dict:
    clean = {
        "enterprise_types": sorted(set(criteria.get("enterprise_types") or [])),
        "credit_grades": sorted(set(criteria.get("credit_grades") or [])),
        "province": str(criteria.get("province") or "")[:6],
        "hs_codes": sorted({str(c).strip() for c in criteria.get("hs_codes") or [] if str(c).strip()}),
    }
    if bad := [g for g in clean["credit_grades"] if g not in CreditGrade.values]:
        raise field_error("credit_grades", _("未知的信用等级：%s") % "、".join(bad))
    if bad := [c for c in clean["hs_codes"] if not (c.isdigit() and 2 <= len(c) <= 10)]:
        raise field_error("hs_codes", _("HS 编码应为 2–10 位数字：%s") % "、".join(bad))
    if kind == DrawKind.SPECIAL and not clean["hs_codes"]:
        raise field_error("hs_codes", _("重点商品专项抽查请填写重点商品的 HS 编码。"))
    return clean


def snapshot_of(
    principal: Principal, *, title: str, kind: str, start: dt.date, end: dt.date, criteria: dict, count: int,
    per_check: int,
) -> tuple[dict, list[Organisation], list]:  # fmt: skip
    """The pools as they stand: the snapshot the draw is made from (public codes only), with the rows behind it."""
    enterprises = queries.enterprise_pool(principal, criteria, start, end)
    inspectors = queries.inspector_pool(principal)
    code_of = {e.pk: e.code for e in enterprises}
    snapshot = {
        "version": 1,
        "organisation": principal.organisation.code,
        "title": title,
        "kind": kind,
        "period": [start.isoformat(), end.isoformat()],
        "criteria": criteria,
        "count": count,
        "per_check": per_check,
        "enterprises": sorted(e.code for e in enterprises),
        "inspectors": sorted(queries.inspector_code(u.pk) for u in inspectors),
        "ties": sorted(
            [queries.inspector_code(i), code_of[e]] for i, e in queries.ties([u.pk for u in inspectors], list(code_of))
        ),
    }
    return snapshot, enterprises, inspectors


def draw_checks(
    principal: Principal,
    *,
    title: str,
    kind: str,
    period_start: dt.date,
    period_end: dt.date,
    criteria: dict,
    count: int,
    per_check: int = 2,
    seed: str = "",
) -> SpotCheckDraw:
    """Draw enterprises and inspectors; the seed is fresh from the operating system's generator unless given (a
    public lottery's number, say, as hexadecimal)."""
    require(principal, Permission.MONITORING_SPOTCHECK_MANAGE)
    user = require_person(principal)
    title = (title or "").strip()
    if not title:
        raise field_error("title", _("请填写抽查名称。"))
    if period_end < period_start:
        raise field_error("period_end", _("抽查期的结束日期不能早于开始日期。"))
    if count < 1 or per_check < 1:
        raise field_error("count", _("抽取企业数和每户检查人员数应为正整数。"))
    seed = (seed or "").strip().lower() or secrets.token_hex(32)
    if not all(c in "0123456789abcdef" for c in seed) or not 32 <= len(seed) <= 128 or len(seed) % 2:
        raise field_error("seed", _("随机种子应为 32–128 位十六进制数字（偶数位）；留空由系统生成。"))
    criteria = _criteria(criteria, kind)
    with transaction.atomic():
        snapshot, enterprises, inspectors = snapshot_of(
            principal, title=title, kind=kind, start=period_start, end=period_end, criteria=criteria, count=count,
            per_check=per_check,
        )  # fmt: skip
        if not enterprises:
            raise field_error("count", _("没有符合条件、且本期未被检查的企业。"))
        if len(inspectors) < per_check:
            raise field_error("per_check", _("辖区内执法检查人员不足 %d 名。") % per_check)
        result = drawing.draw(snapshot, seed)
        if not result.selection:
            raise field_error("per_check", _("每户企业都找不到足够的无利害关系的检查人员。"))
        draw = SpotCheckDraw.objects.create(
            organisation=principal.organisation,
            title=title,
            kind=kind,
            period_start=period_start,
            period_end=period_end,
            criteria=criteria,
            count=count,
            per_check=per_check,
            seed=seed,
            snapshot=snapshot,
            snapshot_sha256=drawing.snapshot_hash(snapshot),
            selection=result.as_dict(),
            drawn_by=user,
        )
        by_code = {e.code: e for e in enterprises}
        by_inspector = {queries.inspector_code(u.pk): u for u in inspectors}
        for position, chosen in enumerate(result.selection, start=1):
            check = SpotCheck.objects.create(draw=draw, position=position, enterprise=by_code[chosen["enterprise"]])
            check.inspectors.set([by_inspector[i] for i in chosen["inspectors"]])
        audit.record(
            actor=principal,
            action="monitoring.spot_check_drawn",
            obj=draw,
            changes={
                "seed": [None, seed],
                "snapshot_sha256": [None, draw.snapshot_sha256],
                "selection": [None, result.as_dict()],
            },
        )
    return draw


def _managed(principal: Principal, draw: SpotCheckDraw) -> SpotCheckDraw:
    locked = queries.draws(principal).select_for_update().filter(pk=draw.pk).first()
    if locked is None:
        raise PermissionDenied
    return locked


def publish(principal: Principal, draw: SpotCheckDraw) -> SpotCheckDraw:
    """Publish the draw on the portal: seed, snapshot and its hash, the selection, and the results as recorded."""
    require(principal, Permission.MONITORING_SPOTCHECK_MANAGE)
    require_person(principal)
    with transaction.atomic():
        draw = _managed(principal, draw)
        if draw.status == DrawStatus.PUBLISHED:
            raise ValidationError(_("该抽查已公开。"))
        draw.status, draw.published_at = DrawStatus.PUBLISHED, timezone.now()
        draw.save(update_fields=["status", "published_at", "updated_at"])
        audit.record(
            actor=principal,
            action="monitoring.spot_check_published",
            obj=draw,
            changes={"status": [DrawStatus.DRAWN, DrawStatus.PUBLISHED]},
        )
    return draw


def record_result(
    principal: Principal, check: SpotCheck, *, outcome: str, findings: str = "", checked_on: dt.date
) -> SpotCheck:
    """The result of one check, recorded by one of its inspectors or by the organising authority."""
    user = require_person(principal)
    if outcome not in CheckOutcome.values:
        raise field_error("outcome", _("请选择检查结果。"))
    with transaction.atomic():
        locked = SpotCheck.objects.select_for_update().filter(pk=check.pk).first()
        if locked is None or queries.check_in_scope(principal, locked.pk) is None:
            raise PermissionDenied
        draw = locked.draw
        if not draw.period_start <= checked_on <= max(draw.period_end, timezone.localdate()):
            raise field_error("checked_on", _("检查日期应在抽查期开始之后。"))
        before = audit.snapshot(locked, ["outcome", "findings", "checked_on"])
        locked.outcome, locked.findings, locked.checked_on = outcome, (findings or "").strip(), checked_on
        locked.recorded_by = user
        locked.save()
        # A problem found is a fact for the enterprise's credit record; a corrected result withdraws it.
        source = f"spot-check:{draw.reference}:{locked.pk}"
        if outcome == CheckOutcome.NONCONFORMING:
            credit.record_event(
                enterprise=locked.enterprise,
                kind="spot_check_non_conforming",
                source=source,
                detail=locked.findings[:2000],
                occurred_at=timezone.make_aware(dt.datetime.combine(checked_on, dt.time(12))),
            )
        else:
            credit.withdraw_event(
                enterprise=locked.enterprise, kind="spot_check_non_conforming", source=source, reason=outcome
            )
        audit.record(
            actor=principal,
            action="monitoring.spot_check_recorded",
            obj=draw,
            changes=audit.diff(before, audit.snapshot(locked, ["outcome", "findings", "checked_on"])),
            reason=locked.enterprise.code,
        )
    return locked


def record_external(
    principal: Principal,
    *,
    agency: Organisation,
    enterprise: Organisation,
    checked_on: dt.date,
    outcome: str,
    summary: str = "",
) -> ExternalCheck:
    """Another agency's check of an enterprise in the jurisdiction; draws of that period leave the enterprise out."""
    require(principal, Permission.MONITORING_SPOTCHECK_MANAGE)
    user = require_person(principal)
    if not queries.enterprises(principal).filter(pk=enterprise.pk).exists():
        raise field_error("enterprise", _("企业必须在您的辖区之内。"))
    if not queries.partner_agencies().filter(pk=agency.pk).exists():
        raise field_error("agency", _("请选择登记的协作部门。"))
    with transaction.atomic():
        row = ExternalCheck(
            organisation=principal.organisation,
            agency=agency,
            enterprise=enterprise,
            checked_on=checked_on,
            outcome=outcome,
            summary=(summary or "").strip(),
            created_by=user,
        )
        row.full_clean()
        row.save()
        audit.record(
            actor=principal,
            action="monitoring.external_check_recorded",
            obj=row,
            changes={"agency": [None, agency.code], "enterprise": [None, enterprise.code], "outcome": [None, outcome]},
        )
    return row
