"""Control rules (布控规则) as records: versioned, scoped to their issuing organisation, each version a rule of
the exchange format (docs/screening-format.md) whose id is its reference, so a stored screening decision names
the exact version that matched."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from riskgate.core.scoping import ScopedQuerySet

from .engine.exchange import ACTIONS, Rule, parse_rule


class Direction(models.TextChoices):
    ANY = "any", _("进出口")
    IMPORT = "import", _("进口")
    EXPORT = "export", _("出口")


ACTION_LABELS = {"reject": _("拒绝入境/退运"), "hold": _("扣留"), "inspect": _("查验"), "sample": _("抽样送检"),
                 "document_check": _("单证审核")}  # fmt: skip


class RuleStatus(models.TextChoices):
    ACTIVE = "active", _("生效中")
    SUPERSEDED = "superseded", _("已被新版本取代")
    RETIRED = "retired", _("已撤销")


# The fields of a version that make the rule (everything else is its history).
CRITERIA = ("direction", "hs_prefixes", "origin_countries", "enterprise_ids", "ports", "keywords", "min_value",
            "max_value", "valid_from", "valid_to", "action", "sampling_rate")  # fmt: skip


class ControlRule(models.Model):
    """One version of one control rule (`CRnnnnnnnn-vN`); a change is a new version, the old one superseded."""

    lineage = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
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
        "riskwarnings.WarningNotice", verbose_name=_("来源预警"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="control_rules",
    )  # fmt: skip
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("下达机构"), on_delete=models.PROTECT, related_name="+"
    )
    executing = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("执行机构"), blank=True, related_name="control_rules_to_execute"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=RuleStatus.choices, default=RuleStatus.ACTIVE, db_index=True
    )
    reason = models.TextField(_("理由"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("下达时间"), auto_now_add=True)
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_organisation_field = "organisation"

    class Meta:
        verbose_name = _("布控规则")
        verbose_name_plural = _("布控规则")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["lineage", "version"], name="one_rule_per_version")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        root = self.lineage_id or self.pk
        return f"CR{root:08d}-v{self.version}" if root else "CR—"

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


class ScreeningDecision(models.Model):
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

    objects = ScopedQuerySet.as_manager()
    scope_organisation_field = "organisation"

    class Meta:
        verbose_name = _("筛查结果")
        verbose_name_plural = _("筛查结果")
        ordering = ["-screened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.declaration_id}/{self.item_no} {self.action}"
