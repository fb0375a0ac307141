"""The officer's list of risk information as a file (core.exports): the list's filters and order, the items in the
asker's jurisdiction, and never a reporter's personal data."""

from collections.abc import Iterable, Iterator

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


# The columns read for the file, as plain values: building a model object per row (with its description,
# source record and search tokens) made the export 20 times slower than the query (bench/exports).
FIELDS = (
    "id",
    "source_type",
    "channel",
    "status",
    "urgency",
    "title",
    "product_name",
    "brand",
    "model",
    "batch",
    "product_category",
    "hs_code_id",
    "origin_countries",
    "notifying_country",
    "hazard_types",
    "hazard_detail",
    "notified_on",
    "received_at",
    "organisation__name",
    "external_system",
    "external_id",
)


def _labels(field: str) -> dict:
    return {value: str(label) for value, label in RiskInformation._meta.get_field(field).choices}


def rows_of(values: Iterable[tuple]) -> Iterator[list]:
    """The file's rows from FIELDS' values, every code shown by its label in the active language."""
    sources, channels, statuses, urgencies = (_labels(f) for f in ("source_type", "channel", "status", "urgency"))
    hazards = {value: str(label) for value, label in HazardType.choices}
    zone = timezone.get_current_timezone()
    for (
        pk,
        source,
        channel,
        status,
        urgency,
        title,
        product,
        brand,
        model,
        batch,
        category,
        hs_code,
        origins,
        notifying,
        hazard_types,
        hazard_detail,
        notified_on,
        received_at,
        organisation,
        system,
        external_id,
    ) in values:
        yield [
            f"RI{pk:08d}",
            sources.get(source, source),
            channels.get(channel, channel),
            statuses.get(status, status),
            urgencies.get(urgency, urgency),
            title,
            product,
            brand,
            model,
            batch,
            category,
            hs_code or "",
            " ".join(origins or ()),
            notifying,
            " ".join(hazards.get(h, h) for h in hazard_types or ()),
            hazard_detail,
            notified_on.isoformat() if notified_on else "",
            received_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            organisation,
            f"{system} {external_id}".strip(),
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
    found = queries.information(principal, **form.criteria())
    return listing.ordered(found, listing.sorting(query, queries.LIST_COLUMNS, queries.LIST_ORDER))


def rows(principal: Principal, query: QueryDict):
    found = items(principal, query)
    return found.count(), rows_of(found.values_list(*FIELDS).iterator(chunk_size=2000))


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
