"""The vocabulary every domain shares: warning levels, hazard types, urgency (translated; the values are stored).

An enumeration lives here when more than one app stores or shows it; one app's own states stay in its models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningLevel(models.TextChoices):
    """预警等级, most severe first."""

    I = "I", _("I 级 特别严重（红色）")  # noqa: E741 - the level's official name
    II = "II", _("II 级 严重（橙色）")
    III = "III", _("III 级 较重（黄色）")
    IV = "IV", _("IV 级 一般（蓝色）")


LEVEL_COLOURS = {WarningLevel.I: "red", WarningLevel.II: "orange", WarningLevel.III: "yellow", WarningLevel.IV: "blue"}


class HazardType(models.TextChoices):
    """危害类型 of a risk."""

    HEALTH = "health", _("健康")
    PHYSICAL = "physical", _("物理")
    CHEMICAL = "chemical", _("化学")
    BIOLOGICAL = "biological", _("生物")
    ENVIRONMENTAL = "environmental", _("环境")
    FRAUD = "fraud", _("欺诈")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    """紧急程度 of risk information and assessments."""

    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
