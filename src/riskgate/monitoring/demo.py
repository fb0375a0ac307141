"""The demo's monitoring: the improved Farrington method over the real RASFF history (2020–2024), per product
category × hazard type × origin country, judged for the last weeks of the history."""

import datetime as dt

# The configuration of Noufaily et al. (2013) as the reference's authors recommend it (Salmon et al. 2016), with
# three years of history: the RASFF files start in January 2020.
IMPROVED_FARRINGTON = {
    "b": "3",
    "w": "3",
    "noPeriods": "10",
    "weightsThreshold": "2.58",
    "pastWeeksNotIncluded": "26",
    "pThresholdTrend": "1",
    "thresholdMethod": "nbPlugin",
    "alpha": "0.005",
}
DEMO_WEEKS = 13  # the last quarter of the history


def load_demo_signals() -> int:
    from riskgate.intake.services import warning_office

    from .models import DetectionProfile, Signal
    from .services import detect, week_of

    office = warning_office()
    if office is None:
        return 0
    profile, _created = DetectionProfile.objects.get_or_create(
        code="rasff-category-hazard-origin",
        defaults={
            "name": "RASFF 通报：产品类别 × 危害类型 × 原产国",
            "name_en": "RASFF notifications: product category × hazard type × origin",
            "dimensions": ["product_category", "hazard_type", "origin_country"],
            "source_systems": ["RASFF"],
            "method": "farringtonFlexible",
            "parameters": IMPROVED_FARRINGTON,
            "min_cases": 20,
            "organisation": office,
        },
    )
    last = week_of(dt.date(2024, 12, 23))
    detect(profile, [last - dt.timedelta(weeks=n) for n in range(DEMO_WEEKS)])
    return Signal.objects.filter(profile=profile).count()
