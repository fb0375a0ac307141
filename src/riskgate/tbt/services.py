"""Writes of technical trade measures: registering and importing notifications (a whole file or nothing; the same
file again changes nothing), alerting the exporters a notification concerns (once each), and drafting and
recording comments before the deadline. Every write is authorised and audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.countries import is_valid_code
from riskgate.core.jobs import enqueue_on_commit
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, require_person
from riskgate.core.text import validate_text

from . import queries
from .models import Alert, Comment, CommentStatus, Kind, Notification, Status

# The import format (decision 0028): one notification per CSV row or JSON object, with these keys.
FIELDS = [
    "symbol", "kind", "member", "title", "title_en", "products", "hs_codes", "objective", "distributed_on",
    "comment_deadline", "adoption_on", "in_force_on", "status", "url",
]  # fmt: skip
REQUIRED = ["symbol", "kind", "member", "title", "products"]
DATES = ["distributed_on", "comment_deadline", "adoption_on", "in_force_on"]
SYMBOL = re.compile(r"G/(TBT|SPS)/N/[A-Z]{3}/\d+(/(Add|Rev|Corr)\.\d+)*|[A-Z0-9][A-Za-z0-9 ./()_-]{2,59}")
MAX_ROWS = 5000


def clean(raw: dict) -> dict:
    """One notification's fields checked and converted, or ValidationError naming the field."""
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise field_error(unknown[0], _("未知的字段。"))
    data = {name: raw.get(name) for name in FIELDS}
    for name in FIELDS:
        if name != "hs_codes" and data[name] is not None and not isinstance(data[name], str):
            data[name] = str(data[name])
        if isinstance(data[name], str):
            data[name] = data[name].strip()
            validate_text(data[name])
    for name in REQUIRED:
        if not data[name]:
            raise field_error(name, _("请填写此项。"))
    if len(data["symbol"]) > 60 or not SYMBOL.fullmatch(data["symbol"]):
        raise field_error("symbol", _("文件编号格式不正确（如 G/TBT/N/TTO/121/Rev.1）。"))
    if data["kind"] not in Kind.values:
        raise field_error("kind", _("类型应为 tbt、sps 或 regulation。"))
    data["member"] = data["member"].upper()
    if data["member"] != "EU" and not is_valid_code(data["member"]):
        raise field_error("member", _("通报成员应为 ISO 3166 两位代码（欧盟为 EU）。"))
    codes = data["hs_codes"] or []
    if isinstance(codes, str):
        codes = [c for c in re.split(r"[;,\s]+", codes) if c]
    codes = [str(c).replace(".", "").strip() for c in codes]
    if not all(c.isdigit() and 2 <= len(c) <= 10 for c in codes):
        raise field_error("hs_codes", _("HS 编码应为 2–10 位数字，多个以分号分隔。"))
    data["hs_codes"] = sorted(set(codes))
    for name in DATES:
        value = data[name]
        if not value:
            data[name] = None
            continue
        try:
            data[name] = dt.date.fromisoformat(value) if isinstance(value, str) else value
        except ValueError:
            raise field_error(name, _("日期应为 YYYY-MM-DD。")) from None
    data["status"] = data["status"] or Status.OPEN
    if data["status"] not in Status.values:
        raise field_error("status", _("状态应为 open、closed、adopted 或 withdrawn。"))
    if data["url"]:
        try:
            URLValidator(schemes=["http", "https"])(data["url"])
        except ValidationError:
            raise field_error("url", _("原文链接应为 http(s) 网址。")) from None
    for name, limit in (("title", 500), ("title_en", 500), ("url", 500)):
        if data[name] and len(data[name]) > limit:
            raise field_error(name, _("过长：上限 %d 个字符。") % limit)
    for name in ("title_en", "objective", "url"):
        data[name] = data[name] or ""
    return data


def register(principal: Principal, raw: dict) -> Notification:
    require(principal, Permission.TBT_NOTIFICATION_MANAGE)
    data = clean(raw)
    with transaction.atomic():
        if Notification.objects.filter(symbol=data["symbol"]).exists():
            raise field_error("symbol", _("该文件编号已登记。"))
        notification = Notification.objects.create(**data, registered_by=require_person(principal))
        audit.record(
            actor=principal, action="tbt.registered", obj=notification, changes=audit.facts(symbol=notification.symbol)
        )
    return notification


@dataclass
class Imported:
    created: int
    updated: int
    unchanged: int


def read_file(content: bytes, name: str) -> list[dict]:
    """The rows of an import file: JSON (a list of objects) or CSV (UTF-8, header row), by its name."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("文件不是 UTF-8 编码。")) from None
    if name.lower().endswith(".json"):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("不是有效的 JSON（第 %(line)d 行第 %(col)d 列）。") % {"line": exc.lineno, "col": exc.colno}
            ) from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ValidationError(_("JSON 文件应为通报对象的列表。"))
        return rows
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in REQUIRED if f not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(_("CSV 缺少列：%s") % ", ".join(missing))
    return [{k: v for k, v in row.items() if k is not None} for row in reader]


def import_notifications(principal: Principal, rows: list[dict]) -> Imported:
    """Register or update notifications by their symbol, all rows or none (the first bad row is named)."""
    require(principal, Permission.TBT_NOTIFICATION_MANAGE)
    user = require_person(principal)
    if not rows:
        raise ValidationError(_("文件中没有通报。"))
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("一次至多导入 %d 条通报。") % MAX_ROWS)
    cleaned = []
    for number, raw in enumerate(rows, start=1):
        try:
            cleaned.append(clean(raw))
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise ValidationError(
                _("第 %(n)d 条（%(field)s）：%(message)s") % {"n": number, "field": field, "message": messages[0]}
            ) from None
    symbols = [row["symbol"] for row in cleaned]
    if len(set(symbols)) < len(symbols):
        raise ValidationError(_("文件中有重复的文件编号。"))
    created = updated = unchanged = 0
    with transaction.atomic():
        existing = queries.by_symbols(symbols)
        for data in cleaned:
            old = existing.get(data["symbol"])
            if old is None:
                Notification.objects.create(**data, registered_by=user)
                created += 1
            elif any(getattr(old, k) != v for k, v in data.items()):
                for key, value in data.items():
                    setattr(old, key, value)
                old.save()
                updated += 1
            else:
                unchanged += 1
        audit.record(
            actor=principal,
            action="tbt.imported",
            object_type="tbt.notification",
            object_repr=_("技术性贸易措施通报"),
            changes=audit.facts(created=created, updated=updated, unchanged=unchanged),
        )
    return Imported(created, updated, unchanged)


def alert_exporters(principal: Principal, notification: Notification) -> list[Alert]:
    """Alert every exporter the notification concerns that was not alerted yet; each gets one notification."""
    require(principal, Permission.TBT_NOTIFICATION_MANAGE)
    user = require_person(principal)
    exporters = queries.impact(principal, notification)
    with transaction.atomic():
        done = set(Alert.objects.filter(notification=notification).values_list("enterprise_id", flat=True))
        made = [
            Alert.objects.create(
                notification=notification,
                enterprise=e.enterprise,
                declarations=e.declarations,
                export_value=e.value,
                headings=e.headings,
                sent_by=user,
            )
            for e in exporters
            if e.enterprise.pk not in done
        ]
        for alert in made:
            audit.record(
                actor=principal, action="tbt.alerted", obj=alert, changes=audit.facts(enterprise=alert.enterprise_id)
            )
            enqueue_on_commit("riskgate.tbt.tasks.notify_alert", alert.pk)
    return made


def _may_comment(principal: Principal, notification: Notification) -> None:
    require(principal, Permission.TBT_COMMENT_WRITE)
    if not notification.open_for_comments:
        raise ValidationError(
            _("该通报的评议期已结束（截止 %s），不能再起草或提交评议。") % (notification.comment_deadline or "—")
        )


def draft_comment(
    principal: Principal, notification: Notification, text: str, comment: Comment | None = None
) -> Comment:
    _may_comment(principal, notification)
    author = require_person(principal)
    text = (text or "").strip()
    if not text:
        raise field_error("text", _("请填写评议意见。"))
    validate_text(text)
    with transaction.atomic():
        if comment is None:
            comment = Comment.objects.create(
                notification=notification, organisation=author.organisation, author=author, text=text
            )
            audit.record(actor=principal, action="tbt.comment_drafted", obj=comment)
        else:
            if comment.organisation_id != author.organisation_id:
                raise PermissionDenied
            if comment.status != CommentStatus.DRAFT:
                raise ValidationError(_("已提交的评议不能修改。"))
            before = audit.snapshot(comment, ["text"])
            comment.text = text
            comment.save(update_fields=["text", "updated_at"])
            audit.record(
                actor=principal,
                action="tbt.comment_changed",
                obj=comment,
                changes=audit.diff(before, audit.snapshot(comment, ["text"])),
            )
    return comment


def record_comment(principal: Principal, comment: Comment) -> Comment:
    """Record a drafted comment as submitted to the enquiry point (before the deadline; once)."""
    _may_comment(principal, comment.notification)
    person = require_person(principal)
    if comment.organisation_id != person.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status == CommentStatus.RECORDED:
            return locked
        locked.status = CommentStatus.RECORDED
        locked.recorded_at = timezone.now()
        locked.save(update_fields=["status", "recorded_at", "updated_at"])
        audit.record(actor=principal, action="tbt.comment_recorded", obj=locked)
    return locked
