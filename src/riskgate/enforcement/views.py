"""Pages of case transfers: the list (sent by the jurisdiction, or received by this unit), opening one, its
evidence and chain of custody, sealing and sending it, and the receiving unit's acknowledgement and outcome."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from riskgate.core import audit
from riskgate.core.access import any_permission_required, permission_required
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors
from riskgate.core.permissions import Permission as P

from . import queries, services
from .forms import AcknowledgeForm, EvidenceForm, OutcomeForm, TransferForm

EITHER = (P.ENFORCEMENT_TRANSFER_MANAGE, P.ENFORCEMENT_TRANSFER_RECEIVE)


@any_permission_required(*EITHER)
def transfer_list(request):
    return render(
        request,
        "enforcement/transfer_list.html",
        {
            "transfers": queries.transfers(request.user).order_by("-id")[:200],
            "can_open": request.user.has_permission(P.ENFORCEMENT_TRANSFER_MANAGE),
        },
    )


def _transfer_form(request, data=None):
    return TransferForm(
        data, receiving=queries.receiving_units(), enterprises=queries.enterprises(request.user).order_by("name")
    )


@permission_required(P.ENFORCEMENT_TRANSFER_MANAGE)
@require_http_methods(["GET", "POST"])
def transfer_new(request):
    form = _transfer_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.open_transfer(request.user, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已建立移送案件 %s，请收入证据后移送。") % transfer.reference)
            return redirect("enforcement:transfer", pk=transfer.pk)
    return render(request, "enforcement/transfer_form.html", {"form": form}, status=400 if form.errors else 200)


def _page(request, transfer, forms=None, status=200):
    forms = forms or {}
    sender = request.user.has_permission(P.ENFORCEMENT_TRANSFER_MANAGE) and not queries.is_receiver(
        request.user, transfer
    )
    receiver = queries.is_receiver(request.user, transfer) and request.user.has_permission(
        P.ENFORCEMENT_TRANSFER_RECEIVE
    )
    context = {
        "transfer": transfer,
        "evidence": transfer.evidence.select_related("added_by"),
        "custody": transfer.custody.select_related("actor", "organisation"),
        "problems": services.verify(transfer),
        "sender": sender,
        "receiver": receiver,
        "evidence_form": forms.get("evidence") or EvidenceForm(),
        "ack_form": forms.get("acknowledge") or AcknowledgeForm(),
        "outcome_form": forms.get("conclude") or OutcomeForm(),
    }
    return render(request, "enforcement/transfer_detail.html", context, status=status)


@any_permission_required(*EITHER)
def transfer_detail(request, pk: int):
    transfer = queries.transfer_or_none(request.user, pk)
    if transfer is None:
        raise Http404
    audit.record_read(actor=request.user, obj=transfer)
    return _page(request, transfer)


def _sender(request, transfer):
    return request.user.has_permission(P.ENFORCEMENT_TRANSFER_MANAGE)


def _receiver(request, transfer):
    return request.user.has_permission(P.ENFORCEMENT_TRANSFER_RECEIVE) and queries.is_receiver(request.user, transfer)


ACTIONS = {
    "evidence": Action(
        run=lambda request, t, data: services.add_evidence(
            request.user, t, upload=data["file"], description=data["description"]
        ),
        done=_("已收入证据。"),
        form=EvidenceForm,
        allowed=_sender,
    ),
    "send": Action(
        run=lambda request, t, data: services.send(request.user, t),
        done=_("证据已封存，%s 已移送。"),
        allowed=_sender,
    ),
    "acknowledge": Action(
        run=lambda request, t, data: services.acknowledge(request.user, t, note=data["note"]),
        done=_("已接收。"),
        form=AcknowledgeForm,
        allowed=_receiver,
    ),
    "conclude": Action(
        run=lambda request, t, data: services.conclude(request.user, t, outcome=data["outcome"]),
        done=_("已反馈处理结果。"),
        form=OutcomeForm,
        allowed=_receiver,
    ),
}


@require_POST
@any_permission_required(*EITHER)
def transfer_act(request, pk: int, action: str):
    transfer = queries.transfer_or_none(request.user, pk)
    if transfer is None:
        raise Http404
    return dispatch(
        request,
        transfer,
        action,
        ACTIONS,
        show=lambda t: redirect("enforcement:transfer", pk=t.pk),
        redisplay=lambda req, t, forms, status: _page(req, t, forms=forms, status=status),
    )


@any_permission_required(*EITHER)
def evidence_download(request, pk: int):
    evidence = queries.evidence_or_none(request.user, pk)
    if evidence is None:
        raise Http404
    services.downloaded(request.user, evidence)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)
