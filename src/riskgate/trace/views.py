"""Pages of traceability: the public trace query (a phone page that reads the code a camera sees, or a GS1 Digital
Link opened from the product's QR code), a trade item's chain for officers and enterprises, and the enterprise's
captures with a browser upload of an EPCIS document."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from riskgate.core.access import permission_required
from riskgate.core.countries import country_name
from riskgate.core.permissions import Permission

from . import epcis, queries, services
from .forms import CaptureUploadForm, TraceQueryForm


def _public(request, gtin: str, item: str, form):
    found = queries.public_trace(gtin, item) if gtin else None
    origin = country_name(found.origin_country, get_language()) if found and found.origin_country else ""
    response = render(request, "trace/public.html", {"form": form, "found": found, "origin_name": origin})
    response["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"  # the code reader's camera
    return response


def public_query(request):
    """Anyone: the trace query by a scanned or typed code."""
    if not request.GET:
        return _public(request, "", "", TraceQueryForm())
    form = TraceQueryForm(request.GET)
    if not form.is_valid():
        response = _public(request, "", "", form)
        response.status_code = 400
        return response
    return _public(request, form.cleaned_data["gtin"], form.cleaned_data["item"], form)


def digital_link(request, gtin: str, key: str, item: str):
    """A GS1 Digital Link (…/01/<GTIN>/10/<lot> or /21/<serial>) read from the product's QR code."""
    form = TraceQueryForm({"gtin": gtin, "item": item})
    if not form.is_valid():
        response = _public(request, "", "", form)
        response.status_code = 400
        return response
    return _public(request, form.cleaned_data["gtin"], form.cleaned_data["item"], form)


@permission_required(Permission.TRACE_EVENT_VIEW)
def chain(request):
    """Officers (their jurisdiction's enterprises) and enterprises (their own events): a trade item's chain."""
    form = TraceQueryForm(request.GET or None)
    found = None
    if request.GET and form.is_valid():
        found = queries.chain(request.user, form.cleaned_data["gtin"], form.cleaned_data["item"])
    return render(
        request, "trace/chain.html", {"form": form, "found": found}, status=400 if request.GET and form.errors else 200
    )


@permission_required(Permission.TRACE_EVENT_VIEW)
@require_http_methods(["GET", "POST"])
def captures(request):
    """The captures in the reader's scope; an enterprise uploads an EPCIS document here."""
    may_capture = request.user.has_permission(Permission.TRACE_EVENT_CAPTURE)
    form = CaptureUploadForm(request.POST or None, request.FILES or None) if may_capture else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                document = services.parse(form.cleaned_data["document"])
                captured = services.capture(request.user, document, body=form.cleaned_data["document"])
            except ValidationError as exc:
                problems = exc.message_dict if hasattr(exc, "error_dict") else {"/": exc.messages}
                for where, errors in problems.items():
                    for error in errors:
                        form.add_error(None, f"{where}: {error}")
                status = 400
            else:
                messages.success(
                    request,
                    _("已保存 %(n)d 个事件（%(ref)s），跳过重复提交的 %(s)d 个。")
                    % {"n": captured.capture.events, "ref": captured.capture.reference, "s": captured.capture.skipped},
                )
                form = CaptureUploadForm()
        else:
            status = 400
    page = Paginator(queries.captures(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "trace/captures.html",
        {"form": form, "page": page, "limit": epcis.MAX_EVENTS},
        status=status,
    )
