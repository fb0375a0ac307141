"""Every read of the monitoring app: the signals a principal may see (scoped), the analyst's pending work, and —
for the scheduler's detection job, which reads for the system and not for a person — the rows risk information is
counted from."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from riskgate.core.countries import country_name
from riskgate.core.models import Region
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.text import local
from riskgate.core.vocabulary import HazardType
from riskgate.core.work import WorkGroup, WorkItem, group, present
from riskgate.intake.models import RiskInformation
from riskgate.intake.models import Status as InformationStatus

from ..models import DetectionProfile, Dimension, Signal, SignalStatus

# Rejected and merged items are not counted: a duplicate must not make a signal.
NOT_COUNTED = [InformationStatus.REJECTED, InformationStatus.MERGED]
COUNTED_FIELDS = (
    "pk",
    "notified_on",
    "received_at",
    "product_category",
    "hazard_types",
    "origin_countries",
    "hs_code_id",
    "declared_hs_code",
    "external_system",
    "source_type",
    "organisation__region_id",
)


def visible(principal: Principal) -> QuerySet:
    return Signal.objects.visible_to(principal)


def active_profiles() -> QuerySet:
    return DetectionProfile.objects.filter(active=True).select_related("organisation")


def counted_rows(profile: DetectionProfile, until: dt.date):
    """The scheduler's read: (pk, notified_on, received_at, …) of every counted item up to `until` (a date),
    restricted to the profile's source systems."""
    dated = Q(notified_on__lte=until) | Q(notified_on__isnull=True, received_at__date__lte=until)
    items = RiskInformation.objects.exclude(status__in=NOT_COUNTED).filter(dated)
    if profile.source_systems:
        items = items.filter(external_system__in=profile.source_systems)
    return items.values_list(*COUNTED_FIELDS).iterator(chunk_size=5000)


def records(principal: Principal, signal: Signal) -> QuerySet:
    """The signal's risk information that the principal may read, newest first."""
    return (
        RiskInformation.objects.visible_to(principal)
        .filter(pk__in=signal.information_ids)
        .order_by("-notified_on", "-pk")
    )


def _item(signal: Signal) -> WorkItem:
    return WorkItem(
        title=f"{signal.reference} {label(signal)}",
        url=reverse("monitoring:signal", args=[signal.pk]),
        since=signal.created_at,
        detail=_("第 %(week)s 周 %(observed)s 条，阈值 %(bound)s")
        % {"week": signal.week.isoformat(), "observed": signal.observed, "bound": bound_text(signal.upperbound)},
    )


def pending_work(user) -> list[WorkGroup]:
    """The analyst's open signals, oldest first."""
    if not user.has_permission(Permission.MONITORING_SIGNAL_DECIDE):
        return []
    open_ = visible(user).filter(status=SignalStatus.OPEN).select_related("profile").order_by("created_at", "pk")
    listed = reverse("monitoring:signals")
    return present(group("monitoring.signals", gettext_lazy("待研判的监测信号"), open_, listed, _item))


def bound_text(value) -> str:
    return "—" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def value_label(dimension: str, value: str) -> str:
    """A dimension's value as a reader reads it: the hazard type's label, the country's name in the page's
    language; other values (product categories as the source names them, HS chapters) as they are."""
    if dimension == Dimension.HAZARD_TYPE and value in HazardType.values:
        return str(HazardType(value).label)
    if dimension == Dimension.ORIGIN_COUNTRY:
        name = country_name(value, get_language() or "zh-hans")
        return f"{name} ({value})" if name and name != value else value
    if dimension == Dimension.HS_CHAPTER:
        return _("HS %(chapter)s 章") % {"chapter": value}
    if dimension == Dimension.HS_HEADING:
        return _("HS %(heading)s 品目") % {"heading": value}
    if dimension == Dimension.REGION:
        region = Region.objects.filter(code=value).only("name", "name_en").first()
        return local(region) if region is not None else value
    return value


def label(signal: Signal) -> str:
    """The series in words: "Nuts, nut products and seeds · 化学 · 土耳其 (TR)"."""
    # In the profile's order: PostgreSQL's jsonb does not keep the keys' order.
    order = [d for d in signal.profile.dimensions if d in signal.series]
    order += [d for d in signal.series if d not in order]
    return " · ".join(value_label(d, str(signal.series[d])) for d in order)


def assessment_section(user, assessment) -> dict | None:
    """The section of an assessment's page naming the monitoring signals it was requested on (to those who may
    read the signals): the series, the week, the count against its expected value and threshold."""
    signals = visible(user).filter(assessment__lineage_id=assessment.lineage_id).order_by("week", "pk")
    rows = [(signal, label(signal), bound_text(signal.expected), bound_text(signal.upperbound)) for signal in signals]
    return {"signals": rows} if rows else None
