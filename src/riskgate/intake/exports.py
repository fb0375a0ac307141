"""The officer's list of risk information as a file (core.exports): the list's filters and order, the items in the
asker's jurisdiction, and never a reporter's personal data."""

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.core import listing
from riskgate.core.exports import ExportKind, register
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.vocabulary import HazardType

from . import queries
from .forms import InformationFilterForm
from .models import RiskInformation

COLUMNS = [
    _("编号"),
    _("信息来源"),
    _("渠道"),
    _("状态"),
    _("紧急程度"),
    _("标题"),
    _("产品名称"),
    _("品牌"),
    _("型号"),
    _("批次"),
    _("产品类别"),
    _("HS 编码"),
    _("原产国"),
    _("通报国"),
    _("危害类型"),
    _("危害详情"),
    _("通报日期"),
    _("接收时间"),
    _("负责机构"),
    _("外部编号"),
]


def row(info: RiskInformation) -> list:
    return [
        info.reference,
        info.get_source_type_display(),
        info.get_channel_display(),
        info.get_status_display(),
        info.get_urgency_display(),
        info.title,
        info.product_name,
        info.brand,
        info.model,
        info.batch,
        info.product_category,
        info.hs_code_id or "",
        " ".join(info.origin_countries),
        info.notifying_country,
        " ".join(str(HazardType(h).label) for h in info.hazard_types),
        info.hazard_detail,
        info.notified_on.isoformat() if info.notified_on else "",
        timezone.localtime(info.received_at).strftime("%Y-%m-%d %H:%M"),
        info.organisation.name,
        f"{info.external_system} {info.external_id}".strip(),
    ]


def items(principal: Principal, query: QueryDict):
    """The list's items as the principal sees them, in the list's order; filters it refuses are an error (an
    export of everything instead of what was asked for is worse than none)."""
    form = InformationFilterForm(query or None, principal=principal)
    if query and not form.is_valid():
        raise ValidationError(
            [
                f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
                for name, errors in form.errors.items()
            ]
        )
    found = queries.information(principal, **form.criteria()).select_related("organisation")
    return listing.ordered(found, listing.sorting(query, queries.LIST_COLUMNS, queries.LIST_ORDER))


def rows(principal: Principal, query: QueryDict):
    found = items(principal, query)
    return found.count(), (row(info) for info in found.iterator(chunk_size=2000))


register(
    ExportKind(
        name="intake.information",
        label=_("风险信息"),
        permission=Permission.INTAKE_INFORMATION_EXPORT,
        audit_action="intake.exported",
        filename="risk-information",
        header=lambda: [str(c) for c in COLUMNS],
        rows=rows,
        check=lambda principal, query: items(principal, query),
        back="intake:list",
    )
)
