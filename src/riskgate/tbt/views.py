"""Pages of technical trade measures: the registry (officers and exporters), a notification with its impact on
exporters, its alerts and comments, registering and importing notifications, and the comment actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from riskgate.core.access import MAX_ID, permission_required
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors
from riskgate.core.permissions import Permission

from . import queries, services
from .forms import CommentForm, ImportForm, NotificationForm
from .models import Status


@permission_required(Permission.TBT_NOTIFICATION_VIEW)
def notification_list(request):
    rows = queries.notifications(request.user)
    mine = request.GET.get("mine") == "1" and not request.user.has_permission(Permission.TBT_NOTIFICATION_MANAGE)
    if mine:
        rows = queries.concerning(request.user)
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        rows = rows.filter(symbol__icontains=q) | rows.filter(title__icontains=q) | rows.filter(products__icontains=q)
    hs = (request.GET.get("hs") or "").strip()[:10]
    if hs.isdigit():
        rows = rows.filter(hs_codes__icontains=f'"{hs[:4]}')
    status = request.GET.get("status")
    if status in Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-distributed_on", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "tbt/list.html",
        {
            "page": page,
            "q": q,
            "hs": hs,
            "status": status,
            "statuses": Status.choices,
            "mine": mine,
            "manages": request.user.has_permission(Permission.TBT_NOTIFICATION_MANAGE),
        },  # fmt: skip
    )


def _detail(request, notification, *, comment_form=None, status=200):
    user = request.user
    manages = user.has_permission(Permission.TBT_NOTIFICATION_MANAGE)
    context = {
        "n": notification,
        "manages": manages,
        "impact": queries.impact(user, notification) if manages else None,
        "alerts": queries.alerts_of(user, notification),
        "comments": queries.comments_of(user, notification),
        "may_comment": user.has_permission(Permission.TBT_COMMENT_WRITE) and notification.open_for_comments,
        "comment_form": comment_form or CommentForm(),
    }
    return render(request, "tbt/detail.html", context, status=status)


@permission_required(Permission.TBT_NOTIFICATION_VIEW)
def notification_detail(request, pk: int):
    return _detail(request, queries.notification_or_404(request.user, pk))


@permission_required(Permission.TBT_NOTIFICATION_MANAGE)
@require_http_methods(["GET", "POST"])
def notification_create(request):
    form = NotificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notification = services.register(request.user, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("通报已登记。"))
            return redirect(notification.get_absolute_url())
    return render(request, "tbt/form.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(Permission.TBT_NOTIFICATION_MANAGE)
@require_http_methods(["GET", "POST"])
def notification_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = services.read_file(upload.read(), upload.name)
            done = services.import_notifications(request.user, rows)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已导入：新增 %(c)d 条，更新 %(u)d 条，未变 %(n)d 条。")
                % {"c": done.created, "u": done.updated, "n": done.unchanged},
            )
            return redirect("tbt:list")
    return render(request, "tbt/import.html", {"form": form}, status=400 if form.errors else 200)


def _alert(request, notification, data):
    made = services.alert_exporters(request.user, notification)
    messages.success(request, _("已向 %d 家出口企业发送预警。") % len(made))


def _manages(request, notification) -> bool:
    return request.user.has_permission(Permission.TBT_NOTIFICATION_MANAGE)


def _draft(request, notification, data):
    services.draft_comment(request.user, notification, data["text"])


ACTIONS = {
    "alert": Action(_alert, allowed=_manages),
    "comment": Action(_draft, gettext_lazy("评议意见已保存为草稿。"), form=lambda data, files: CommentForm(data)),
}


@permission_required(Permission.TBT_NOTIFICATION_VIEW)
@require_POST
def notification_act(request, pk: int, action: str):
    notification = queries.notification_or_404(request.user, pk)
    return dispatch(
        request,
        notification,
        action,
        ACTIONS,
        show=lambda n: redirect(n.get_absolute_url()),
        redisplay=lambda request, n, forms, status: _detail(
            request, n, comment_form=forms.get("comment"), status=status
        ),
    )


@permission_required(Permission.TBT_COMMENT_WRITE)
@require_POST
def comment_act(request, pk: int, action: str):
    comment = queries.comment_or_404(request.user, pk) if 0 < pk <= MAX_ID else None
    if comment is None or action not in ("record", "edit"):
        raise Http404
    try:
        if action == "record":
            services.record_comment(request.user, comment)
            messages.success(request, _("评议意见已提交。"))
        else:
            form = CommentForm(request.POST)
            if not form.is_valid():
                return _detail(request, comment.notification, comment_form=form, status=400)
            services.draft_comment(request.user, comment.notification, form.cleaned_data["text"], comment)
            messages.success(request, _("评议意见已保存为草稿。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(comment.notification.get_absolute_url())
