"""Subscriptions and their deliveries (R-WRN-4, issue 5 item 8): e-mail and HMAC-signed webhooks for every
published change of a public warning, through the job queue with retries and back-off, logged, throttled into a
digest when a bulk publication would flood a subscriber, and ended with one click.

Webhook requests are POSTs of JSON with the headers
`X-RiskGate-Event` (warning.alert / warning.update / warning.cancel / warning.digest), `X-RiskGate-Delivery`
(ids) and `X-RiskGate-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the subscription's
secret>`; a receiver recomputes the HMAC and rejects stale timestamps (docs/decisions/0010).
"""

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.jobs import enqueue_on_commit

from ..models import Change, Delivery, DeliveryStatus, Status, Subscription, WarningNotice, change_tag
from ..queries import forget_data_version
from ..schemas import PublicWarningOut
from . import webhook_http

EVENTS = {
    Change.NEW: "warning.alert",
    Change.ADJUSTED: "warning.update",
    Change.CONFIRMED: "warning.update",
    Change.LIFTED: "warning.cancel",
}
MAX_ATTEMPTS = 6


class DeliveryError(Exception):
    """A delivery that failed and may succeed later (network, 5xx, 429)."""


def _base() -> str:
    return getattr(settings, "RISKGATE_BASE_URL", "").rstrip("/")


def _throttle() -> int:
    return getattr(settings, "RISKGATE_SUBSCRIPTION_HOURLY_LIMIT", 10)


# ----- subscribing --------------------------------------------------------------------------------------------


def check_webhook_url(url: str) -> None:
    """Only http(s) to public addresses (no requests into the agency's own network), unless configured otherwise."""
    webhook_http.checked_address(url)


@transaction.atomic
def subscribe(
    *, email: str, webhook_url: str = "", levels=(), categories=(), countries=(), regions=(), language: str = "zh-hans"
) -> Subscription:
    """A new subscription, inactive until the address is confirmed through the link sent to it."""
    if webhook_url:
        check_webhook_url(webhook_url)
    subscription = Subscription(
        email=email,
        webhook_url=webhook_url,
        secret=secrets.token_hex(32),
        token=secrets.token_urlsafe(32),
        levels=list(levels),
        categories=list(categories),
        countries=[c.upper() for c in countries],
        regions=list(regions),
        language=language,
    )
    subscription.full_clean()
    subscription.save()
    audit.record(
        actor=None, action="warning.subscribed", obj=subscription, changes=audit.facts(webhook=bool(webhook_url))
    )
    link = _base() + reverse("warnings:subscription", args=[subscription.token])
    with translation.override(language):
        body = "\n\n".join(
            [_("请打开以下链接确认订阅风险预警（未确认不会发送）："), link, _("如非本人操作，请忽略本邮件。")]
        )
        subject = _("[RiskGate] 确认订阅风险预警")
    EmailMessage(subject, body, to=[subscription.email]).send()  # a failure leaves no subscription behind
    return subscription


def confirm(subscription: Subscription) -> Subscription:
    if subscription.confirmed_at is None and subscription.unsubscribed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
        audit.record(actor=None, action="warning.subscription_confirmed", obj=subscription)
    return subscription


def unsubscribe(subscription: Subscription) -> Subscription:
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
        subscription.deliveries.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.DIGEST]).delete()
        audit.record(actor=None, action="warning.unsubscribed", obj=subscription)
    return subscription


# ----- fan-out and delivery -----------------------------------------------------------------------------------


def fan_out_on_commit(notice: WarningNotice) -> None:
    """After a public version is published (or a lifting), queue its deliveries once the transaction commits, and
    let the public pages show it."""

    forget_data_version()
    transaction.on_commit(forget_data_version)
    if not notice.public:
        return
    enqueue_on_commit("riskgate.warnings.tasks.fan_out", notice.pk)


def fan_out(notice_id: int, now: dt.datetime | None = None) -> list[int]:
    """One delivery per matching subscription and channel (a second run adds none); the ids to send now. A
    subscriber who already received the hourly limit gets the rest in the next digest instead."""
    now = now or timezone.now()
    notice = WarningNotice.objects.filter(pk=notice_id, public=True).exclude(published_at=None).first()
    if notice is None or notice.status not in (Status.PUBLISHED, Status.LIFTED, Status.SUPERSEDED):
        return []
    to_send = []
    hour_ago = now - dt.timedelta(hours=1)
    sent_last_hour = dict(  # one query for every subscriber, not one each
        Delivery.objects.filter(created_at__gte=hour_ago, channel="email")
        .exclude(status=DeliveryStatus.DIGEST)
        .values_list("subscription_id")
        .annotate(n=Count("id"))
    )
    for subscription in Subscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True):
        if not subscription.matches(notice):
            continue
        throttled = sent_last_hour.get(subscription.pk, 0) >= _throttle()
        status = DeliveryStatus.DIGEST if throttled else DeliveryStatus.PENDING
        for channel in ["email", *(["webhook"] if subscription.webhook_url else [])]:
            try:
                with transaction.atomic():
                    delivery = Delivery.objects.create(
                        subscription=subscription, notice=notice, channel=channel, status=status, created_at=now
                    )
            except IntegrityError:
                continue  # already fanned out
            if status == DeliveryStatus.PENDING:
                to_send.append(delivery.pk)
    return to_send


def payload(notice: WarningNotice) -> dict:
    data = PublicWarningOut.from_orm(notice).model_dump(mode="json")
    data["cap_url"] = _base() + data["cap_url"]
    data["url"] = _base() + reverse("warnings:public_version", args=[notice.lineage_id, notice.version])
    return data


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _post(subscription: Subscription, event: str, ids: list[int], document: dict) -> int:
    body = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "RiskGate-webhooks/1",
        "X-RiskGate-Event": event,
        "X-RiskGate-Delivery": ",".join(map(str, ids)),
        "X-RiskGate-Signature": sign(subscription.secret, body, int(time.time())),
    }
    try:
        code = webhook_http.post(subscription.webhook_url, body, headers)
    except ValidationError as exc:  # the address now resolves inside the network: never sent
        raise DeliveryError(" ".join(exc.messages)[:300]) from exc
    except OSError as exc:
        raise DeliveryError(str(exc)[:300]) from exc
    if code >= 500 or code == 429:
        raise DeliveryError(f"HTTP {code}")
    return code  # a 3xx is the receiver's answer: redirects are not followed (webhook_http)


def _email(subscription: Subscription, subject: str, text: str) -> None:
    manage = _base() + reverse("warnings:subscription", args=[subscription.token])
    one_click = _base() + reverse("warnings:unsubscribe", args=[subscription.token])
    with translation.override(subscription.language):
        footer = _("管理或退订：%s") % manage
    message = EmailMessage(
        subject,
        f"{text}\n\n--\n{footer}",
        to=[subscription.email],
        headers={"List-Unsubscribe": f"<{one_click}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    try:
        message.send()
    except OSError as exc:
        raise DeliveryError(str(exc)[:300]) from exc


def _text(notice: WarningNotice, language: str) -> tuple[str, str]:
    english = language == "en"
    title = notice.title_en if english and notice.title_en else notice.title
    summary = notice.summary_en if english and notice.summary_en else notice.summary
    with translation.override(language):
        change = change_tag(notice)
        link = _base() + reverse("warnings:public_version", args=[notice.lineage_id, notice.version])
        return f"[RiskGate] [{notice.level}] {change} {title}", f"{title}\n\n{summary}\n\n{notice.measures}\n\n{link}"


def deliver(delivery_id: int) -> str:
    """Send one delivery; raises DeliveryError on a failure worth retrying. Sending twice sends once."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("subscription", "notice").filter(pk=delivery_id).first()
        )
        if delivery is None or delivery.status in (DeliveryStatus.SENT, DeliveryStatus.GAVE_UP, DeliveryStatus.DIGEST):
            return delivery.status if delivery else "missing"
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    subscription, notice = delivery.subscription, delivery.notice
    if not subscription.active:
        Delivery.objects.filter(pk=delivery.pk).delete()
        return "unsubscribed"
    try:
        if delivery.channel == "webhook":
            document = {"delivery": delivery.pk, "event": EVENTS[notice.change], "warning": payload(notice)}
            code = _post(subscription, EVENTS[notice.change], [delivery.pk], document)
            if code >= 300:  # refused (or redirected) by the receiver, not a server error: retrying will not help
                error = f"HTTP {code}" + (" (redirect not followed)" if code < 400 else "")
                Delivery.objects.filter(pk=delivery.pk).update(
                    status=DeliveryStatus.GAVE_UP, response_code=code, last_error=error
                )
                return DeliveryStatus.GAVE_UP
            Delivery.objects.filter(pk=delivery.pk).update(response_code=code)
        else:
            _email(subscription, *_text(notice, subscription.language))
    except DeliveryError as exc:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if delivery.attempts < MAX_ATTEMPTS else DeliveryStatus.GAVE_UP,
            last_error=str(exc)[:300],
        )
        raise
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    return DeliveryStatus.SENT


def send_digests() -> int:
    """One message (e-mail, and one webhook call) per subscriber for the deliveries held back by the throttle."""
    sent = 0
    held = Delivery.objects.filter(status=DeliveryStatus.DIGEST).select_related("subscription", "notice")
    by_subscription: dict[int, list[Delivery]] = {}
    for delivery in held:
        by_subscription.setdefault(delivery.subscription_id, []).append(delivery)
    for deliveries in by_subscription.values():
        subscription = deliveries[0].subscription
        notices = sorted({d.notice for d in deliveries}, key=lambda n: n.published_at)
        try:
            if any(d.channel == "webhook" for d in deliveries):
                document = {"event": "warning.digest", "warnings": [payload(n) for n in notices]}
                ids = [d.pk for d in deliveries if d.channel == "webhook"]
                _post(subscription, "warning.digest", ids, document)
            with translation.override(subscription.language):
                subject = _("[RiskGate] %d 条风险预警汇总") % len(notices)
            _email(subscription, subject, "\n\n".join(_text(n, subscription.language)[1] for n in notices))
        except DeliveryError:
            continue  # the next run tries again
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), attempts=1
        )
        sent += 1
    return sent
