"""A monitored world for tests: a detection profile of the warning office and a history of RASFF-like
notifications with a burst in its last week."""

import datetime as dt

import numpy as np

from riskgate.intake.models import RiskInformation
from riskgate.monitoring.demo import IMPROVED_FARRINGTON
from riskgate.monitoring.models import DetectionProfile

FIRST = dt.date(2021, 1, 4)  # a Monday
WEEKS = 4 * 52 + 10
SPIKE = FIRST + dt.timedelta(weeks=WEEKS - 1)  # the last week
SERIES = {"product_category": "Nuts, nut products and seeds", "hazard_type": "chemical", "origin_country": "TR"}


def profile(world, **changes) -> DetectionProfile:
    values = {
        "code": "rasff-test",
        "name": "RASFF 测试方案",
        "name_en": "RASFF test profile",
        "dimensions": ["product_category", "hazard_type", "origin_country"],
        "source_systems": ["RASFF"],
        "method": "farringtonFlexible",
        "parameters": IMPROVED_FARRINGTON,
        "min_cases": 10,
        "organisation": world.org("gacc-warning-office"),
    }
    values.update(changes)
    made = DetectionProfile(**values)
    made.full_clean()
    made.save()
    return made


def history(world, spike: int = 14, seed: int = 3, category: str = SERIES["product_category"]) -> list[int]:
    """Weekly notifications of aflatoxins in Turkish nuts, Poisson(1.5) a week for four years, `spike` in the last
    week; the category's spelling changes in the last year, as RASFF's does. Returns the last week's ids."""
    rng = np.random.default_rng(seed)
    counts = list(rng.poisson(1.5, WEEKS - 1)) + [spike]
    office = world.org("gacc-warning-office")
    rows = []
    for week, count in enumerate(counts):
        monday = FIRST + dt.timedelta(weeks=week)
        spelled = category if week < WEEKS - 52 else category.lower()
        for n in range(int(count)):
            rows.append(
                RiskInformation(
                    source_type="foreign_government",
                    channel="foreign_notification",
                    external_system="RASFF",
                    external_id=f"T{week}-{n}",
                    title=f"Aflatoxins in hazelnuts from Turkey ({week}/{n})",
                    product_category=spelled,
                    hazard_types=["chemical"],
                    origin_countries=["TR"],
                    notified_on=monday + dt.timedelta(days=n % 5),
                    organisation=office,
                )
            )
    made = RiskInformation.objects.bulk_create(rows)
    return sorted(r.pk for r in made if r.notified_on >= SPIKE)
