"""The credit event types a fresh installation starts with (docs/decisions/0020-credit-grade.md); afterwards they
are data an administrator edits in the admin. Points move the internal score from its base of 70 (advanced from
85 with a certification, dishonest below 50); a half-life fades them; after `lasts` days they no longer count."""

# code, 中文名, English name, points, half-life (days, None: no fading), lasts (days, None: for ever),
# ceiling ("" none), certifies, cap (the most the type's events move the score together; None: no cap)
EVENT_TYPES = [
    ("customs_certified", "海关高级认证", "Customs advanced certification (AEO)", 20, None, 1095, "", True, None),
    ("quality_benchmark", "质量示范标杆", "Quality benchmark", 8, 730, 1095, "", False, 8),
    ("award", "表彰奖励", "Award or commendation", 5, 365, 1095, "", False, 10),
    ("recall_voluntary", "主动召回", "Voluntary recall", 4, 365, 1095, "", False, 12),
    ("mitigation_fulfilled", "按期完成风险消减", "Mitigation obligation fulfilled", 3, 365, 1095, "", False, 12),
    ("inspection_non_conforming", "口岸查验不合格", "Non-conforming at port inspection", -4, 180, 730, "", False, 20),
    ("monitoring_non_conforming", "风险监测不合格", "Non-conforming monitoring result", -4, 180, 730, "", False, 20),
    ("spot_check_non_conforming", "双随机抽查不合格", "Non-conforming spot check", -6, 180, 730, "", False, 24),
    ("commitment_unfulfilled", "约谈整改事项未完成", "Interview commitment unfulfilled", -6, 365, 1095, "", False, 18),
    ("mitigation_report_overdue", "逾期未提交消减报告", "Mitigation report overdue", -10, 365, 1095, "", False, 30),
    ("recall_inadequate", "召回不力", "Recall carried out inadequately", -10, 365, 1095, "", False, 30),
    ("penalty_general", "一般行政处罚", "Administrative penalty", -10, 365, 1095, "", False, 30),
    ("recall_concealed", "隐瞒缺陷", "Defect concealed", -30, 730, 1825, "regular", False, None),
    ("recall_refused", "拒不召回", "Recall refused", -30, 730, 1825, "dishonest", False, None),
    ("measure_credit_downgrade", "信用降级措施", "Credit downgrade measure", -40, 730, 1825, "", False, None),
    ("penalty_serious", "严重违法行政处罚", "Serious violation penalised", -40, 730, 1825, "dishonest", False, None),
]


def ensure_event_types(EventType) -> int:
    """Create the missing event types (existing ones keep what an administrator made of them)."""
    created = 0
    for code, name, name_en, points, half_life, lasts, ceiling, certifies, cap in EVENT_TYPES:
        _, was_created = EventType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "points": points,
                "half_life_days": half_life,
                "lasts_days": lasts,
                "ceiling": ceiling,
                "certifies": certifies,
                "cap": cap,
            },
        )
        created += was_created
    return created


# The list criteria a fresh installation starts with (plans §三 12: Chongqing's red and black lists); afterwards
# data in the admin. code, list, 中文名, English name, event kinds, at least, within days, grade, clean days,
# published for days
LIST_CRITERIA = [
    ("black-serious-violation", "black", "一年内受到严重违法行政处罚，或拒不召回、隐瞒缺陷",
     "Seriously penalised, or a recall refused or a defect concealed, within a year",
     ["penalty_serious", "recall_refused", "recall_concealed"], 1, 365, "", None, 1095),
    ("black-repeated-overdue", "black", "一年内两次以上逾期未提交风险消减报告",
     "Two or more mitigation reports overdue within a year",
     ["mitigation_report_overdue"], 2, 365, "", None, 730),
    ("red-exemplary", "red", "诚信典型：高级认证企业，三年内获认证或示范标杆，一年内无不利信用事件",
     "Exemplary: advanced certified, certified or a benchmark within three years, nothing unfavourable for a year",
     ["customs_certified", "quality_benchmark"], 1, 1095, "advanced", 365, 730),
]  # fmt: skip


def ensure_list_criteria(ListCriterion) -> int:
    created = 0
    for code, kind, name, name_en, kinds, count, within, grade, clean, duration in LIST_CRITERIA:
        _, was_created = ListCriterion.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name": name,
                "name_en": name_en,
                "event_kinds": kinds,
                "min_count": count,
                "within_days": within,
                "grade": grade,
                "clean_days": clean,
                "duration_days": duration,
            },
        )
        created += was_created
    return created
