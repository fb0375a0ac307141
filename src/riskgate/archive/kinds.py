"""What is archived: each kind of closed record (R-ARC-1, regulation Art.31), when it counts as closed, when it
closed, and which of its records are major or typical cases by their own facts.

The archive sits above every app whose records it keeps (floor 8), so it reads their models directly; nothing
below it knows it exists. A kind's `closed` filter is also how the disposal checks, just before deleting, that the
record was not reopened since it was archived.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from riskgate.assessment.models import Assessment
from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core.vocabulary import WarningLevel
from riskgate.enforcement.models import (
    Campaign,
    CaseTransfer,
    Interview,
    InterviewStatus,
    PenaltyCase,
    SupervisedCase,
    SupervisionStatus,
    TransferStatus,
)
from riskgate.intake.models import RiskInformation
from riskgate.intake.models import Status as InformationStatus
from riskgate.response.models import MeasureOrder, Obligation, Recall
from riskgate.warnings.models import Status as WarningStatus
from riskgate.warnings.models import WarningNotice


class Category(models.TextChoices):
    """档案类别: the kind of record an archived file keeps."""

    INFORMATION = "information", _("风险信息")
    ASSESSMENT = "assessment", _("风险研判")
    WARNING = "warning", _("风险预警")
    MEASURE = "measure", _("快速反应措施")
    OBLIGATION = "obligation", _("风险责任者义务")
    RECALL = "recall", _("缺陷产品召回")
    TRANSFER = "transfer", _("案件移送")
    INTERVIEW = "interview", _("约谈")
    SUPERVISED = "supervised", _("挂牌督办案件")
    PENALTY = "penalty", _("行政处罚案件")
    CAMPAIGN = "campaign", _("专项打假行动")


@dataclass(frozen=True)
class Kind:
    category: Category
    model: type[models.Model]
    closed: Q  # the record is closed (finished with) when this holds
    closed_at: Callable[[], models.Expression]  # when it closed, as an annotation
    title: Callable[[models.Model], str]
    url: str  # the live record's page (url name taking pk)
    lineage: bool = False  # a versioned record: archived by its latest version, disposed of with every version
    major: Q | None = None  # a major case by its own facts (重大案件)
    major_basis: Promise | None = None
    typical: Q | None = None  # a typical case by its own facts (典型案例)
    typical_basis: Promise | None = None


KINDS: dict[str, Kind] = {
    kind.category.value: kind
    for kind in (
        Kind(
            Category.INFORMATION,
            RiskInformation,
            Q(status__in=[InformationStatus.CLOSED, InformationStatus.REJECTED, InformationStatus.MERGED]),
            lambda: Coalesce("status_since", "updated_at"),
            lambda o: o.title,
            "intake:detail",
        ),
        Kind(
            Category.ASSESSMENT,
            Assessment,
            Q(status=AssessmentStatus.CONFIRMED),
            lambda: Coalesce("confirmed_at", "updated_at"),
            lambda o: o.title,
            "assessment:detail",
            lineage=True,
            major=Q(confirmed_level=WarningLevel.I),
            major_basis=_("研判确认为 I 级风险"),
        ),
        Kind(
            Category.WARNING,
            WarningNotice,
            Q(status=WarningStatus.LIFTED),
            lambda: Coalesce("ended_at", "updated_at"),
            lambda o: o.title,
            "warnings:manage",
            lineage=True,
            major=Q(level=WarningLevel.I),
            major_basis=_("I 级（红色）预警"),
        ),
        Kind(
            Category.MEASURE,
            MeasureOrder,
            Q(status="lifted"),
            lambda: Coalesce("lifted_at", "ordered_at"),
            lambda o: o.target or "",
            "response:detail",
        ),
        Kind(
            Category.OBLIGATION,
            Obligation,
            Q(status="lifted"),
            lambda: Coalesce("lifted_at", "created_at"),
            lambda o: "",
            "response:obligation",
        ),
        Kind(
            Category.RECALL,
            Recall,
            Q(status="completed"),
            lambda: Coalesce("completed_at", "created_at"),
            lambda o: o.product,
            "response:recall",
        ),
        Kind(
            Category.TRANSFER,
            CaseTransfer,
            Q(status=TransferStatus.CONCLUDED),
            lambda: Coalesce("concluded_at", "created_at"),
            lambda o: o.title,
            "enforcement:transfer",
            major=Q(),
            major_basis=_("移送涉嫌犯罪案件"),
        ),
        Kind(
            Category.INTERVIEW,
            Interview,
            Q(status=InterviewStatus.CLOSED),
            lambda: Coalesce("closed_at", "created_at"),
            lambda o: o.get_subject_display(),
            "enforcement:interview",
        ),
        Kind(
            Category.SUPERVISED,
            SupervisedCase,
            Q(status=SupervisionStatus.CLOSED),
            lambda: Coalesce("closed_at", "created_at"),
            lambda o: o.title,
            "enforcement:supervised",
            major=Q(),
            major_basis=_("挂牌督办的重大案件"),
        ),
        Kind(
            Category.PENALTY,
            PenaltyCase,
            Q(),  # a penalty case is recorded once decided: it is closed from the start
            lambda: models.F("created_at"),
            lambda o: o.exposure_title or o.document_number,
            "enforcement:penalty",
            major=Q(serious=True) | Q(market_exit=True),
            major_basis=_("严重违法或强制退出市场"),
            typical=Q(exposed_at__isnull=False),
            typical_basis=_("已作为典型案例曝光"),
        ),
        Kind(
            Category.CAMPAIGN,
            Campaign,
            Q(closed_at__isnull=False),
            lambda: models.F("closed_at"),
            lambda o: o.name,
            "enforcement:campaign",
        ),
    )
}


# Rows that PROTECT their record against a careless delete but are part of it, disposed of with it: an item's
# evidence, a recall's enforcement steps, a transfer's sealed evidence and custody, an interview's commitments, a
# supervised case's progress reports, a campaign's reports.
OWNED = {
    ("intake.evidence", "information"),
    ("response.recallenforcement", "recall"),
    ("enforcement.evidencefile", "transfer"),
    ("enforcement.custodyevent", "transfer"),
    ("enforcement.commitment", "interview"),
    ("enforcement.progressreport", "case"),
    ("enforcement.campaignreport", "campaign"),
}


def kind_of(category: str) -> Kind:
    return KINDS[category]


def kind_for_model(model: type[models.Model]) -> Kind | None:
    for kind in KINDS.values():
        if kind.model is model:
            return kind
    return None
