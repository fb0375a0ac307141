"""The measures catalogue a fresh installation starts with (Reg. Art.22; Plan §四, R-RR-1); afterwards it is data
kept in the admin. Used by the data migration and by tests that rebuild the database."""

# code, name, English name, mandatory, binds, closing evidence, creates control rules, rule action, quantities
CATALOGUE = [
    (
        "conditional-restriction",
        "有条件地限制进出口",
        "Conditional restriction of import/export",
        True,
        "goods",
        "符合所附条件的证明（检测报告、合格评定证书）",
        True,
        "hold",
        ["restricted"],
    ),
    ("ban", "禁止进出口", "Ban on import/export", True, "goods", "口岸拦截记录", True, "reject", []),
    ("seal-seize", "查封、扣押", "Seal up and seize", True, "goods", "查封扣押决定书和清单", False, "", ["seized"]),
    ("stop-sale", "停止销售和使用", "Stop sale and use", True, "goods", "下架和停止使用的记录", False, "", ["stopped"]),
    ("return-shipment", "退运", "Return shipment", True, "goods", "退运报关单和出境证明", True, "reject", ["returned"]),
    (
        "supervised-destruction",
        "监督销毁",
        "Supervised destruction",
        True,
        "goods",
        "销毁记录和影像",
        False,
        "",
        ["destroyed"],
    ),
    (
        "notify-departments",
        "通报有关部门和机构",
        "Notify other departments",
        False,
        "agencies",
        "通报回执",
        False,
        "",
        [],
    ),
    (
        "act-against-violators",
        "处置违法生产经营企业（查封原辅料、工具设备、场所）",
        "Act against violating enterprises (seal materials, tools, premises)",
        True,
        "enterprise",
        "查封决定书和现场记录",
        False,
        "",
        ["seized"],
    ),
    (
        "investigate-same-products",
        "调查特定时间段同类产品、相关行业或关联区域的质量安全状况",
        "Investigate the same products, industry or region over a period",
        False,
        "region",
        "调查报告",
        False,
        "",
        [],
    ),
    (
        "stricter-inspection",
        "对有关生产经营者加严检验监管",
        "Stricter inspection of the party",
        True,
        "enterprise",
        "加严期间的查验记录",
        True,
        "inspect",
        [],
    ),
    (
        "ordered-recall",
        "责令召回",
        "Ordered recall",
        True,
        "enterprise",
        "召回计划、进度报告和召回总结",
        False,
        "",
        ["recalled"],
    ),
    ("credit-downgrade", "信用降级", "Credit downgrade", True, "enterprise", "信用等级调整记录", False, "", []),
    (
        "traceability-investigation",
        "追溯调查",
        "Traceability investigation",
        False,
        "goods",
        "追溯调查报告（流向和数量）",
        True,
        "inspect",
        [],
    ),
    (
        "tightened-supervision",
        "加强监管",
        "Tightened supervision",
        True,
        "enterprise",
        "监管记录",
        True,
        "document_check",
        [],
    ),
    (
        "exit-quality-guarantee",
        "不合格货物调离口岸质量担保",
        "Quality guarantee for moving goods out of the port",
        True,
        "goods",
        "担保文书和后续检验结果",
        False,
        "",
        [],
    ),
]


# Kinds that close only with their evidence (Art.22): what they require is recorded in a file with the report
# that they are implemented, and they are lifted only after it.
EVIDENCE_REQUIRED = {"act-against-violators", "exit-quality-guarantee"}


def require_evidence(MeasureKind) -> None:
    """The shipped kinds that need their evidence (migration; an administrator may change it afterwards)."""
    MeasureKind.objects.filter(code__in=EVIDENCE_REQUIRED).update(evidence_required=True)


def ensure_catalogue(MeasureKind) -> int:
    """Create the missing kinds (existing ones keep whatever an administrator made of them)."""
    created = 0
    for order, (code, name, name_en, mandatory, binds, evidence, rules, action, quantities) in enumerate(CATALOGUE):
        _, was_created = MeasureKind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "mandatory": mandatory,
                "binds": binds,
                "closing_evidence": evidence,
                "creates_control_rules": rules,
                "rule_action": action,
                "quantity_kinds": quantities,
                "order": order,
            },
        )
        created += was_created
        if was_created and code in EVIDENCE_REQUIRED and _has_evidence_flag(MeasureKind):
            MeasureKind.objects.filter(code=code).update(evidence_required=True)
    return created


def _has_evidence_flag(MeasureKind) -> bool:
    """The model has the flag (the migration that seeds the catalogue runs before the one that adds it)."""
    return any(f.name == "evidence_required" for f in MeasureKind._meta.get_fields())
