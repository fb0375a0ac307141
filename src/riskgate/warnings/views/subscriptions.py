"""Public pages of subscriptions: subscribe, the subscription's own page (its link is its key: confirm, the
webhook secret, the delivery log), and one-click unsubscribe (also as the List-Unsubscribe-Post target)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from riskgate.core import audit, ratelimit
from riskgate.core.forms import add_service_errors

from .. import queries
from ..forms import SubscribeForm
from ..models import Subscription
from ..services import delivery


def _by_token(token: str) -> Subscription:
    subscription = queries.subscription(token)
    if subscription is None:
        raise Http404
    return subscription


@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        limit = getattr(settings, "PUBLIC_REPORTS_PER_HOUR", 5)
        if not ratelimit.hit("subscribe", audit.current_ip.get(), limit=limit, window_seconds=3600):
            return render(request, "warnings/subscribe.html", {"form": form, "throttled": True}, status=429)
        try:
            delivery.subscribe(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "warnings/subscribe_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "warnings/subscribe.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET"])
def subscription(request, token: str):
    subscription = _by_token(token)
    deliveries = subscription.deliveries.select_related("notice")[:50]
    return render(request, "warnings/subscription.html", {"s": subscription, "deliveries": deliveries})


@require_POST
def confirm(request, token: str):
    delivery.confirm(_by_token(token))
    return redirect("warnings:subscription", token=token)


@csrf_exempt  # the token in the address is the credential; mail clients POST here for one-click unsubscribe
@require_POST
def unsubscribe(request, token: str):
    delivery.unsubscribe(_by_token(token))
    if request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse(status=204)
    return redirect("warnings:subscription", token=token)
