"""Reads of credit: an enterprise's grade, the grades the border applies, and what changed last."""

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce

from riskgate.accounts.models import Organisation, OrganisationKind

from .models import CreditGrade, CreditRecord, GradeChange


def grade_of(enterprise) -> str:
    """The enterprise's current grade (regular without a record)."""
    record = CreditRecord.objects.filter(enterprise=enterprise).values_list("grade", flat=True).first()
    return record or CreditGrade.REGULAR


def grade_label(grade: str) -> str:
    return str(CreditGrade(grade).label)


def graded(enterprises: QuerySet) -> list:
    """The enterprises, each with `credit_grade` (its value) and `credit_grade_label` set."""
    rows = list(enterprises)
    grades = dict(
        CreditRecord.objects.filter(enterprise__in=[e.pk for e in rows]).values_list("enterprise_id", "grade")
    )
    for enterprise in rows:
        enterprise.credit_grade = grades.get(enterprise.pk, CreditGrade.REGULAR)
        enterprise.credit_grade_label = grade_label(enterprise.credit_grade)
    return rows


def grades_other_than(default: str) -> list[tuple[str, str, str]]:
    """(USCC, customs code, grade) of every enterprise whose grade is not `default`: what the screening engine
    needs to apply grades (an enterprise without a record has the regular grade)."""
    return list(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
        .annotate(grade=Coalesce(F("credit_record__grade"), Value(CreditGrade.REGULAR.value)))
        .exclude(grade=default)
        .values_list("uscc", "customs_code", "grade")
    )


def version() -> int:
    """A number that changes whenever a grade changes (the last change's id): readers that cache grades, such as
    the screening engine of each worker, compare it to know when to read them again."""
    return GradeChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
