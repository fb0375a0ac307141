"""Materialised counts behind the dashboards: risk information per month, owning unit and value of one dimension
(source, hazard type, product category, HS chapter, origin country), and per day and unit for the weekly series.
Refreshed incrementally (the months and days of the records changed since the last refresh) and rebuilt nightly;
the dashboards read these instead of grouping a million raw rows (decision 0024)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    SOURCE = "source", _("信息来源")
    HAZARD = "hazard", _("危害类型")
    CATEGORY = "category", _("产品类别")
    CHAPTER = "chapter", _("HS 章")
    COUNTRY = "country", _("原产国")


class MonthTally(models.Model):
    month = models.DateField()  # the first day of the month
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    value = models.CharField(max_length=200)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dimension", "month", "organisation", "value"], name="insight_month_once")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.organisation_id} {self.dimension}={self.value}: {self.count}"


class DayTally(models.Model):
    day = models.DateField()
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "organisation"], name="insight_day_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.organisation_id}: {self.count}"


class Refresh(models.Model):
    """How far the tallies are refreshed: records changed at or after `watermark` are not counted yet."""

    name = models.CharField(max_length=40, primary_key=True)
    watermark = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.watermark}"
