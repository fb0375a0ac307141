"""Sign-in (password, then TOTP where enrolled), enrolment, organisations, users and API tokens."""

import time

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from riskgate.core import audit, listing
from riskgate.core.access import login_required, permission_required
from riskgate.core.forms import add_service_errors
from riskgate.core.listing import by
from riskgate.core.permissions import Permission

from . import queries, services
from .forms import ApiTokenForm, EnterpriseForm, LoginForm, RevokeForm, TotpForm
from .models import OrganisationKind

PENDING_USER = "riskgate_pending_user"
PENDING_AT = "riskgate_pending_at"
PENDING_NEXT = "riskgate_pending_next"
PENDING_SECONDS = 300
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("site:home")


@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect("site:home")
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = services.check_password_login(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if result.user is None:
            error = result.error
        elif result.user.totp_enabled:
            request.session.cycle_key()
            request.session[PENDING_USER] = result.user.pk
            request.session[PENDING_AT] = int(time.time())
            request.session[PENDING_NEXT] = _safe_next(request)
            return redirect("accounts:login_totp")
        else:
            login(request, result.user, backend=BACKEND)
            services.record_login(result.user, second_factor=False)
            return redirect(_safe_next(request))
    status = 400 if error else 200
    return render(
        request, "accounts/login.html", {"form": form, "error": error, "next": _safe_next(request)}, status=status
    )


@require_http_methods(["GET", "POST"])
def login_totp(request):
    user_id, started = request.session.get(PENDING_USER), request.session.get(PENDING_AT, 0)
    if not user_id or time.time() - started > PENDING_SECONDS:
        request.session.pop(PENDING_USER, None)
        return redirect("accounts:login")
    user = queries.active_user(user_id)
    if user is None:
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if services.is_throttled(username=user.username, ip=audit.current_ip.get()):
            error = _("尝试次数过多，请稍后再试。")
        elif services.totp_verify(user, form.cleaned_data["code"]):
            target = request.session.get(PENDING_NEXT) or reverse("site:home")
            login(request, user, backend=BACKEND)
            services.record_login(user, second_factor=True)
            return redirect(target)
        else:
            services.record_totp_failure(user)
            error = _("动态口令不正确。")
    return render(request, "accounts/login_totp.html", {"form": form, "error": error}, status=400 if error else 200)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.record_logout(request.user)
    logout(request)
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request):
    user = request.user
    if user.totp_enabled:
        return render(request, "accounts/totp_setup.html", {"enabled": True})
    restart = request.method == "POST" and "restart" in request.POST
    if not user.totp_secret or restart:
        services.totp_begin(user)
    form = TotpForm(None if restart else (request.POST or None))
    if request.method == "POST" and not restart and form.is_valid():
        try:
            services.totp_confirm(user, form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, _("双因素认证已启用。"))
            return redirect("site:home")
    uri = services.totp_provisioning_uri(user)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4)
    return render(
        request,
        "accounts/totp_setup.html",
        {"form": form, "secret": user.totp_secret, "qr_svg": qr_svg, "required": user.totp_required},
    )


ORGANISATION_COLUMNS = {
    "name": by("name"),
    "kind": by("kind", "name"),
    "parent": by("parent__name", "name"),
    "region": by("region__code", "name"),
    "uscc": by("uscc"),
    "tree": by("path"),
}
USER_COLUMNS = {
    "username": by("username"),
    "name": by("full_name"),
    "organisation": by("organisation__path", "username"),
    "role": by("role__name", "username"),
    "active": by("is_active", "username", descending_first=True),
}


@permission_required(Permission.ORG_ORGANISATION_VIEW)
def organisation_list(request):
    kind, q = request.GET.get("kind", ""), request.GET.get("q", "").strip()
    orgs = queries.organisations(request.user, kind=kind, q=q).select_related("region", "parent")
    return render(
        request,
        "accounts/organisation_list.html",
        {
            **listing.page_of(request, orgs, ORGANISATION_COLUMNS, "tree"),
            "kinds": OrganisationKind.choices,
            "kind": kind,
            "q": q,
            "can_create": request.user.has_permission(Permission.ORG_ENTERPRISE_CREATE),
        },
    )


@permission_required(Permission.ORG_ORGANISATION_VIEW)
def organisation_detail(request, pk: int):
    org = queries.organisation_or_404(request.user, pk)
    if org.kind == OrganisationKind.ENTERPRISE:
        audit.record_read(actor=request.user, obj=org)
    children = queries.children(request.user, org)
    users = queries.members(org) if request.user.has_permission(Permission.ORG_USER_VIEW) else None
    return render(request, "accounts/organisation_detail.html", {"org": org, "children": children, "users": users})


@permission_required(Permission.ORG_ENTERPRISE_CREATE)
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None, principal=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_enterprise(request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("企业已登记。"))
            return redirect("accounts:organisation_detail", pk=org.pk)
    return render(request, "accounts/enterprise_form.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(Permission.ORG_USER_VIEW)
def user_list(request):
    users = queries.users(request.user).select_related("organisation", "role")
    return render(request, "accounts/user_list.html", listing.page_of(request, users, USER_COLUMNS, "organisation"))


@permission_required(Permission.API_TOKEN_MANAGE)
def token_list(request):
    tokens = queries.tokens(request.user)
    return render(request, "accounts/token_list.html", {"tokens": tokens})


@permission_required(Permission.API_TOKEN_MANAGE)
@require_http_methods(["GET", "POST"])
def token_create(request):
    form = ApiTokenForm(request.POST or None, principal=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = services.issue_token(
                request.user,
                name=data["name"],
                organisation=data["organisation"],
                permissions=data["permissions"],
                expires_at=data.get("expires_at"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "accounts/token_issued.html", {"token": issued.token, "secret": issued.secret})
    return render(request, "accounts/token_form.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(Permission.API_TOKEN_MANAGE)
@require_POST
def token_revoke(request, pk: int):
    token = queries.token_or_404(request.user, pk)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.revoke_token(request.user, token, reason=reason)
    messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:token_list")
