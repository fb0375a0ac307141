"""Control rules (布控规则) as records: versioned, scoped to their issuing organisation, each version a rule of
the exchange format (docs/screening-format.md) whose id is its reference, so a stored screening decision names
the exact version that matched."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from riskgate.core.models import Numbered, Scoped, Versioned
from riskgate.credit.models import CreditGrade

from .engine.exchange import ACTIONS, RELEASE, RULE_CRITERIA, Rule, parse_rule

RELEASE_ACTION = RELEASE


class Direction(models.TextChoices):
    ANY = "any", _("进出口")
    IMPORT = "import", _("进口")
    EXPORT = "export", _("出口")


ACTION_LABELS = {
    "reject": _("拒绝入境/退运"),
    "hold": _("扣留"),
    "inspect": _("查验"),
    "sample": _("抽样送检"),
    "document_check": _("单证审核"),
}


class RuleStatus(models.TextChoices):
    ACTIVE = "active", _("生效中")
    SUPERSEDED = "superseded", _("已被新版本取代")
    RETIRED = "retired", _("已撤销")
    # Criteria used only to retro-screen the history (an investigation measure, Art.22): never screened live.
    INVESTIGATION = "investigation", _("仅用于追溯调查")


# The fields of a version that make the rule (everything else is its history).
CRITERIA = RULE_CRITERIA


class ControlRule(Versioned):
    """One version of one control rule (`CRnnnnnnnn-vN`); a change is a new version, the old one superseded."""

    REFERENCE_PREFIX = "CR"

    direction = models.CharField(_("进出口方向"), max_length=6, choices=Direction.choices, default=Direction.ANY)
    hs_prefixes = models.JSONField(_("HS 编码前缀"), default=list, blank=True)
    origin_countries = models.JSONField(_("原产国"), default=list, blank=True)
    enterprise_ids = models.JSONField(_("企业"), default=list, blank=True)
    ports = models.JSONField(_("口岸"), default=list, blank=True)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    min_value = models.FloatField(_("货值下限"), null=True, blank=True)
    max_value = models.FloatField(_("货值上限"), null=True, blank=True)
    valid_from = models.DateTimeField(_("生效时间"), null=True, blank=True)
    valid_to = models.DateTimeField(_("失效时间"), null=True, blank=True)
    action = models.CharField(_("处置要求"), max_length=16, choices=[(a, ACTION_LABELS[a]) for a in ACTIONS])
    sampling_rate = models.FloatField(_("抽样比例"), default=1.0)
    warning = models.ForeignKey(
        "riskwarnings.WarningNotice",
        verbose_name=_("来源预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="control_rules",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("下达机构"), on_delete=models.PROTECT, related_name="+"
    )
    executing = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("执行机构"), blank=True, related_name="control_rules_to_execute"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=RuleStatus.choices, default=RuleStatus.ACTIVE, db_index=True
    )
    reason = models.TextField(_("理由"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("下达时间"), auto_now_add=True)
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)

    scope_organisation_field = "organisation"

    class Meta:
        verbose_name = _("布控规则")
        verbose_name_plural = _("布控规则")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["lineage", "version"], name="one_rule_per_version")]

    def __str__(self) -> str:
        return self.reference

    def to_exchange(self) -> dict:
        """This version in the exchange format (criteria it does not set are left out)."""
        data = {"id": self.reference, "action": self.action, "direction": self.direction}
        for name in ("hs_prefixes", "origin_countries", "enterprise_ids", "ports", "keywords"):
            if getattr(self, name):
                data[name] = list(getattr(self, name))
        for name in ("min_value", "max_value"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        for name in ("valid_from", "valid_to"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name).isoformat()
        if self.action == "sample":
            data["sampling_rate"] = self.sampling_rate
        return data

    def engine_rule(self) -> Rule:
        return parse_rule(self.to_exchange())


class RuleSetState(models.Model):
    """One row: a number that grows with every change of the active rules, in the same transaction, so every
    worker notices a change by reading one integer (targeting.live)."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("布控规则集版本")

    def __str__(self) -> str:
        return str(self.version)


class ScreeningDecision(Scoped):
    """One screened declaration item: what was declared, the decision, and the rule versions that matched — an
    append-only record, so any past decision can be explained (the matched versions never change)."""

    declaration_id = models.CharField(_("报关单号"), max_length=64, db_index=True)
    item_no = models.PositiveIntegerField(_("商品项号"))
    item = models.JSONField(_("申报内容"))  # the item as received, in the exchange format
    action = models.CharField(_("处置要求"), max_length=16)
    matched_rules = models.JSONField(_("命中规则"), default=list)  # references of the matched rule versions
    rule_set_version = models.PositiveBigIntegerField(_("规则集版本"))
    screened_at = models.DateTimeField(_("筛查时间"), auto_now_add=True, db_index=True)
    # Who asked: a person, or (the single window) an API token of an organisation.
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token = models.ForeignKey("accounts.ApiToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    random = models.BooleanField(_("随机布控"), default=False)
    factor = models.FloatField(_("差别化监管系数"), null=True, blank=True)  # the policy's factor for this item
    policy = models.ForeignKey(
        "SupervisionPolicy",
        verbose_name=_("差别化监管政策"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("筛查结果")
        verbose_name_plural = _("筛查结果")
        ordering = ["-screened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.declaration_id}/{self.item_no} {self.action}"


class PortOffice(models.Model):
    """Which organisation works a port code of the declarations (口岸/关区代码): inspection tasks of items declared
    there go to its queue. Reference data, kept in the admin."""

    code = models.CharField(_("口岸代码"), max_length=64, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("执行机构"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("口岸代码")
        verbose_name_plural = _("口岸代码")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class SupervisionPolicy(models.Model):
    """Differential supervision (差别化监管, R-USE-3) as data: one version is in force (the newest); every change is
    a new version, so a random selection can always be reproduced from the version that made it
    (engine/supervision.py; random key "random:SP<id>")."""

    grade_factors = models.JSONField(_("信用等级系数"), default=dict)
    default_grade = models.CharField(
        _("缺省信用等级"), max_length=12, choices=CreditGrade.choices, default=CreditGrade.REGULAR
    )
    commodity_factors = models.JSONField(_("商品系数（HS 前缀）"), default=dict, blank=True)
    record_tiers = models.JSONField(_("商品质量记录分档"), default=list, blank=True)  # [[non-conformity rate, factor]]
    record_window_days = models.PositiveIntegerField(_("质量记录统计天数"), default=365)
    record_min_inspections = models.PositiveIntegerField(_("质量记录最少查验数"), default=20)
    random_rate = models.FloatField(_("随机布控比例"), default=0.02)
    min_random_rate = models.FloatField(_("最低随机布控比例"), default=0.005)
    random_action = models.CharField(
        _("随机布控处置"), max_length=16, default="inspect", choices=[(a, ACTION_LABELS[a]) for a in ACTIONS]
    )
    reason = models.TextField(_("理由"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("生效时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("差别化监管政策")
        verbose_name_plural = _("差别化监管政策")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"SP{self.pk}"


class CommodityRecord(models.Model):
    """The inspection record of one HS heading (4 digits) over the policy's window: what the differential
    supervision factor of the commodity is computed from (supervision.refresh_records)."""

    hs_heading = models.CharField(_("HS 品目"), max_length=4, unique=True)
    inspections = models.PositiveIntegerField(_("查验数"), default=0)
    nonconformities = models.PositiveIntegerField(_("不合格数"), default=0)
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("商品质量记录")
        verbose_name_plural = _("商品质量记录")
        ordering = ["hs_heading"]

    def __str__(self) -> str:
        return self.hs_heading

    @property
    def rate(self) -> float:
        return self.nonconformities / self.inspections if self.inspections else 0.0


class TaskKind(models.TextChoices):
    SCREENING = "screening", _("布控查验")
    RANDOM = "random", _("随机布控")
    RETRO = "retro", _("追溯调查")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待处置")
    DONE = "done", _("已办结")


class Outcome(models.TextChoices):
    CONFORMING = "conforming", _("合格")
    NON_CONFORMING = "non_conforming", _("不合格")


class InspectionTask(Numbered, Scoped):
    """What a hit asks the port to do (查验任务): from a screening decision (a rule hit or a random selection), or
    a follow-up of a past item that a new rule would have matched (retro-screening)."""

    REFERENCE_PREFIX = "IT"

    kind = models.CharField(_("来源"), max_length=10, choices=TaskKind.choices, default=TaskKind.SCREENING)
    decision = models.ForeignKey(
        ScreeningDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    declaration_id = models.CharField(_("报关单号"), max_length=64, db_index=True)
    item_no = models.PositiveIntegerField(_("商品项号"))
    item = models.JSONField(_("申报内容"))
    hs_code = models.CharField(_("HS 编码"), max_length=10, db_index=True)  # of the item: commodity records count it
    # The item's enterprises as "|id|id|": what an enterprise's own results are found by (R-USE-1) on any database.
    enterprises = models.CharField(max_length=1000, blank=True, editable=False)
    action = models.CharField(_("处置要求"), max_length=16, choices=[(a, ACTION_LABELS[a]) for a in ACTIONS])
    rules = models.ManyToManyField(ControlRule, verbose_name=_("命中规则"), blank=True, related_name="tasks")
    found_by = models.ForeignKey(
        ControlRule,
        verbose_name=_("追溯规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("执行机构"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True
    )
    outcome = models.CharField(_("查验结果"), max_length=16, choices=Outcome.choices, blank=True)
    findings = models.TextField(_("查验发现"), blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    information = models.ForeignKey(
        "intake.RiskInformation",
        verbose_name=_("生成的风险信息"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("下达时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("查验任务")
        verbose_name_plural = _("查验任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["found_by", "declaration_id", "item_no"],
                condition=models.Q(kind="retro"),
                name="one_follow_up_per_item",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def direction_label(self) -> str:
        """The declared item's direction by its label (the item is stored as received, with the code)."""
        code = (self.item or {}).get("direction", "")
        return Direction(code).label if code in Direction.values else code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("targeting:task", kwargs={"pk": self.pk})


def enterprise_key(enterprise_ids) -> str:
    return "|" + "|".join(enterprise_ids) + "|" if enterprise_ids else ""


class LabResult(models.Model):
    """One test of an inspection's sample: what was measured against which limit."""

    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="lab_results")
    test_item = models.CharField(_("检测项目"), max_length=200)
    result = models.CharField(_("检测结果"), max_length=100)
    unit = models.CharField(pgettext_lazy("measure", "单位"), max_length=40, blank=True)
    limit = models.CharField(_("限量/标准要求"), max_length=200, blank=True)
    conforms = models.BooleanField(_("符合"))
    # The institution that tested (a registered laboratory; a third party only within its acceptance scope,
    # decision 0029); none: the port's own test.
    institution = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("检测机构"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("实验室检测结果")
        verbose_name_plural = _("实验室检测结果")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.test_item


class RetroStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RetroScreening(models.Model):
    """One retro-screening (追溯调查) of a rule version over the declaration history, and what it found."""

    rule = models.OneToOneField(ControlRule, on_delete=models.PROTECT, related_name="retro")
    status = models.CharField(_("状态"), max_length=8, choices=RetroStatus.choices, default=RetroStatus.QUEUED)
    # The period of the history screened (an investigation's period); empty: all of it.
    since = models.DateTimeField(_("追溯自"), null=True, blank=True)
    until = models.DateTimeField(_("追溯至"), null=True, blank=True)
    matches = models.PositiveIntegerField(_("命中的历史商品项"), default=0)
    tasks_opened = models.PositiveIntegerField(_("生成的追溯任务"), default=0)
    history_until = models.DateTimeField(_("历史数据截至"), null=True, blank=True)
    seconds = models.FloatField(_("用时（秒）"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("追溯调查")
        verbose_name_plural = _("追溯调查")

    def __str__(self) -> str:
        return f"{self.rule.reference} {self.status}"


class HistoryExport(models.Model):
    """One file pair of the declaration history (Parquet, both projections): the screening decisions from
    `first_decision_id` to `last_decision_id`. The export appends small segments and merges them into parts; a
    merged segment is kept (superseded) for a grace period, so a retro-screening that listed it can still read it,
    and then removed. The rows not superseded are the history."""

    name = models.CharField(max_length=40, unique=True)
    first_decision_id = models.PositiveBigIntegerField()
    last_decision_id = models.PositiveBigIntegerField()
    items = models.PositiveIntegerField()
    exported_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)  # merged into a part at that time

    class Meta:
        verbose_name = _("报关历史数据分片")
        verbose_name_plural = _("报关历史数据分片")
        ordering = ["last_decision_id"]

    def __str__(self) -> str:
        return self.name


class CatalogueVersion(models.Model):
    """A version of the catalogue of commodities subject to legal inspection (法检目录) with the CCC-certified
    products among them (decision 0031): each adjustment is a new version, with its reason and, when an
    assessment led to it, that assessment. Screening checks declarations against the newest version."""

    number = models.PositiveIntegerField(_("版本"), unique=True)
    reason = models.TextField(_("调整理由"))
    basis = models.ForeignKey(
        "assessment.Assessment", verbose_name=_("依据的研判"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("调整时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("法检目录版本")
        verbose_name_plural = _("法检目录版本")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"


class CatalogueEntry(models.Model):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="entries")
    hs_prefix = models.CharField(_("HS 编码（前缀）"), max_length=10)
    name = models.CharField(_("商品名称"), max_length=200)
    legal_inspection = models.BooleanField(_("法定检验"), default=True)
    ccc = models.BooleanField(_("须 CCC 认证"), default=False)

    class Meta:
        verbose_name = _("法检目录条目")
        verbose_name_plural = _("法检目录条目")
        ordering = ["hs_prefix"]
        constraints = [models.UniqueConstraint(fields=["version", "hs_prefix"], name="one_entry_per_prefix")]

    def __str__(self) -> str:
        return f"{self.hs_prefix} {self.name}"
