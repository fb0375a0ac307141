"""Subscriptions: confirmed e-mail and signed webhooks receive each published change of a matching public warning
once, failures are retried then given up and logged, a bulk publication becomes a digest, one click unsubscribes."""

import hashlib
import hmac
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from riskgate.warnings import services
from riskgate.warnings.models import Delivery, DeliveryStatus, Subscription
from riskgate.warnings.services import delivery
from tests.warnings.factories import published


class Receiver:
    """A webhook receiver on 127.0.0.1 that records every request and answers with `status`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                self.send_response(receiver.status)
                self.end_headers()

            def do_GET(self):  # noqa: N802 - what a followed redirect would send
                receiver.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": b""})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def verified(secret: str, request: dict) -> bool:
    fields = dict(part.split("=", 1) for part in request["headers"]["x-riskgate-signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def subscribe_and_confirm(receiver=None, **filters) -> Subscription:
    client = Client()
    response = client.post(
        "/warnings/subscribe/",
        {
            "email": "reader@example.com",
            "webhook_url": receiver.url if receiver else "",
            "language": "zh-hans",
            **filters,
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    link = re.search(r"/warnings/subscriptions/[\w-]+/", mail.outbox[-1].body).group(0)
    assert client.post(link + "confirm/").status_code == 302
    return Subscription.objects.get(email="reader@example.com")


def test_each_change_reaches_the_subscriber_once_signed(world, receiver, django_capture_on_commit_callbacks):
    client = Client()
    client.post("/warnings/subscribe/", {"email": "reader@example.com", "webhook_url": receiver.url, "language": "en"})
    pending = Subscription.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        published(world)  # not confirmed yet: nothing is sent
    assert not receiver.requests and not Delivery.objects.exists()
    link = re.search(r"/warnings/subscriptions/[\w-]+/", mail.outbox[0].body).group(0)
    client.post(link + "confirm/")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        v1, approver = published(world, {"title": "第二条预警"})
    assert len(receiver.requests) == 1 and len(mail.outbox) == 1
    request = receiver.requests[0]
    assert request["headers"]["x-riskgate-event"] == "warning.alert" and verified(pending.secret, request)
    body = json.loads(request["body"])
    assert body["warning"]["id"] == v1.lineage_id and body["warning"]["level"] == "II"
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert delivery.fan_out(v1.pk) == []  # a second fan-out of the same version sends nothing

    drafter = world.user("warning")
    with django_capture_on_commit_callbacks(execute=True):
        v2 = services.adjust(drafter, v1, reason="升级", data={"level": "I"})
        services.submit_for_review(drafter, v2)
        services.approve(approver, v2)
        v2 = services.publish(approver, v2)
        services.lift(approver, v2, reason="召回完成")
    events = [r["headers"]["x-riskgate-event"] for r in receiver.requests]
    assert events == ["warning.alert", "warning.update", "warning.cancel"]
    assert all(verified(pending.secret, r) for r in receiver.requests)
    page = client.get(link).content.decode()
    assert page.count("已发送") == 6  # three e-mails and three webhook calls in the delivery log


def test_filters_decide_what_a_subscriber_receives(world, django_capture_on_commit_callbacks):
    subscribe_and_confirm(levels=["I"], countries="DE")
    with django_capture_on_commit_callbacks(execute=True):
        published(world)  # level II from CN
    assert not Delivery.objects.exists()
    subscription = Subscription.objects.get()
    notice = published(world, {"origin_countries": ["DE"], "level": "I"})[0]
    assert subscription.matches(notice)


def test_failures_are_retried_then_given_up_and_refusals_not_retried(
    world, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe_and_confirm(receiver)
    receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        published(world)
    webhook = Delivery.objects.get(channel="webhook")
    assert len(receiver.requests) == 6 and webhook.attempts == 6  # the first try and five retries
    assert webhook.status == DeliveryStatus.GAVE_UP and "503" in webhook.last_error
    receiver.status = 410
    with django_capture_on_commit_callbacks(execute=True):
        published(world, {"title": "另一条"})
    refused = Delivery.objects.filter(channel="webhook").order_by("-id").first()
    assert refused.status == DeliveryStatus.GAVE_UP and refused.attempts == 1 and refused.response_code == 410
    assert subscription.deliveries.filter(channel="email", status=DeliveryStatus.SENT).count() == 2


@override_settings(RISKGATE_SUBSCRIPTION_HOURLY_LIMIT=2)
def test_a_bulk_publication_becomes_a_digest(world, receiver, django_capture_on_commit_callbacks):
    subscribe_and_confirm(receiver)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            published(world, {"title": f"批量预警 {n}"})
    assert len(mail.outbox) == 2 and len(receiver.requests) == 2
    assert Delivery.objects.filter(status=DeliveryStatus.DIGEST).count() == 4  # two e-mails, two webhook calls
    assert delivery.send_digests() == 1
    assert len(mail.outbox) == 3 and "批量预警 2" in mail.outbox[-1].body and "批量预警 3" in mail.outbox[-1].body
    digest = json.loads(receiver.requests[-1]["body"])
    assert digest["event"] == "warning.digest" and len(digest["warnings"]) == 2
    assert not Delivery.objects.filter(status=DeliveryStatus.DIGEST).exists()
    assert delivery.send_digests() == 0


def test_one_click_unsubscribe(world, django_capture_on_commit_callbacks):
    subscription = subscribe_and_confirm()
    response = Client(enforce_csrf_checks=True).post(
        f"/warnings/subscriptions/{subscription.token}/unsubscribe/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        published(world)
    assert not Delivery.objects.exists()
    assert Client().get("/warnings/subscriptions/not-a-token/").status_code == 404


@override_settings(RISKGATE_WEBHOOK_ALLOW_PRIVATE=False)
def test_webhooks_never_point_into_private_networks(db):
    for url in ("http://127.0.0.1:8000/hook", "http://10.1.2.3/x", "ftp://example.com/x"):
        with pytest.raises(ValidationError):
            delivery.check_webhook_url(url)
    response = Client().post("/warnings/subscribe/", {"email": "a@example.com", "webhook_url": "http://192.168.1.5/"})
    assert response.status_code == 400 and not Subscription.objects.exists()


class Redirector:
    """A receiver that answers every POST with a redirect to `target` (a local server standing for an address
    inside the agency's network)."""

    def __init__(self, target: str):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def test_a_redirect_is_not_followed_into_the_network(world, receiver, django_capture_on_commit_callbacks):
    """Issue 24 item 14: the receiver answers 302 to an internal server; the delivery gives up, nothing reaches it."""
    redirector = Redirector(receiver.url)
    try:
        subscription = subscribe_and_confirm()
        Subscription.objects.filter(pk=subscription.pk).update(webhook_url=redirector.url)
        with django_capture_on_commit_callbacks(execute=True):
            published(world)
        sent = Delivery.objects.get(channel="webhook")
        assert sent.status == DeliveryStatus.GAVE_UP and sent.response_code == 302
        assert "redirect not followed" in sent.last_error
        assert receiver.requests == [], "the internal server received nothing"
    finally:
        redirector.close()


@override_settings(RISKGATE_WEBHOOK_ALLOW_PRIVATE=False)
def test_delivery_connects_to_the_address_it_checked(monkeypatch):
    """Issue 24 item 14: the host is resolved once; a second answer (DNS rebinding to 127.0.0.1) is never used."""
    import socket

    from riskgate.warnings.services import webhook_http

    answers = iter(["93.184.216.34", "127.0.0.1"])
    lookups, connections = [], []

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    def create_connection(address, *args, **kwargs):
        connections.append(address)
        raise OSError("offline")

    monkeypatch.setattr(webhook_http.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(webhook_http.socket, "create_connection", create_connection)
    with pytest.raises(OSError):
        webhook_http.post("http://rebinding.example/hook", b"{}", {})
    assert lookups == ["rebinding.example"] and connections == [("93.184.216.34", 80)]
    answers = iter(["127.0.0.1"])
    with pytest.raises(ValidationError):
        webhook_http.post("http://rebinding.example/hook", b"{}", {})
    assert connections == [("93.184.216.34", 80)], "an internal answer is never connected to"
