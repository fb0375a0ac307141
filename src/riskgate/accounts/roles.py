"""The default roles a fresh installation starts with; afterwards they are data an administrator edits."""

from riskgate.core.permissions import Permission as P
from riskgate.core.scoping import ScopeMode as S

ALL = [p.value for p in P]
INTAKE = [
    P.INTAKE_INFORMATION_VIEW,
    P.INTAKE_INFORMATION_CREATE,
    P.INTAKE_INFORMATION_PROCESS,
    P.INTAKE_INFORMATION_EXPORT,
    P.INTAKE_REWARD_MANAGE,
]
ASSESSMENT_AUTHORITY = [P.ASSESSMENT_VIEW, P.ASSESSMENT_REQUEST, P.ASSESSMENT_REGISTRY_VIEW,
                        P.ASSESSMENT_ACCEPTANCE_MANAGE]  # fmt: skip
WARNING_AUTHORITY = [P.WARNING_VIEW, P.WARNING_DRAFT, P.WARNING_APPROVE, P.WARNING_RECEIVE]
TARGETING_AUTHORITY = [P.TARGETING_RULE_VIEW, P.TARGETING_RULE_MANAGE, P.TARGETING_SCREEN, P.TARGETING_TASK_VIEW,
                       P.TARGETING_TASK_RECORD]  # fmt: skip
RESPONSE_AUTHORITY = [P.RESPONSE_MEASURE_VIEW, P.RESPONSE_MEASURE_ORDER, P.RESPONSE_MEASURE_EXECUTE,
                      P.RESPONSE_MEASURE_LIFT, P.RESPONSE_RECALL_MANAGE]  # fmt: skip
RESPONSE_EXECUTOR = [P.RESPONSE_MEASURE_VIEW, P.RESPONSE_MEASURE_EXECUTE]
MONITORING_AUTHORITY = [P.MONITORING_PLAN_VIEW, P.MONITORING_PLAN_MANAGE, P.MONITORING_SPOTCHECK_MANAGE]
CREDIT_AUTHORITY = [P.CREDIT_RECORD_VIEW, P.CREDIT_RECORD_MANAGE, P.ENFORCEMENT_TRANSFER_MANAGE, P.ENFORCEMENT_CASE_VIEW,
                    P.ENFORCEMENT_CASE_MANAGE]  # fmt: skip
ARCHIVE = [P.ARCHIVE_RECORD_VIEW, P.ARCHIVE_RECORD_MANAGE, P.ARCHIVE_DISPOSAL_APPROVE]
TBT_AUTHORITY = [P.TBT_NOTIFICATION_VIEW, P.TBT_NOTIFICATION_MANAGE, P.TBT_COMMENT_WRITE]
TRACE_ENTERPRISE = [P.TRACE_EVENT_VIEW, P.TRACE_EVENT_CAPTURE, P.API_TOKEN_MANAGE]
OFFICER = [
    P.ORG_ORGANISATION_VIEW,
    P.ORG_ENTERPRISE_CREATE,
    P.ORG_USER_VIEW,
    *INTAKE,
    *ASSESSMENT_AUTHORITY,
    *WARNING_AUTHORITY,
    *TARGETING_AUTHORITY,
    *RESPONSE_AUTHORITY,
    *MONITORING_AUTHORITY,
    *CREDIT_AUTHORITY,
    *ARCHIVE,
    P.TRACE_EVENT_VIEW,
    *TBT_AUTHORITY,
]
AUTHORITY_KINDS = ["national_authority", "warning_office", "direct_bureau", "inspection_body", "port"]

DEFAULT_ROLES = [
    # code, 中文名, English name, scope, permissions, organisation kinds that may hold it
    ("system_admin", "系统管理员", "System administrator", S.ALL, ALL, ["national_authority", "warning_office"]),
    ("warning_officer", "预警办公室人员", "Warning-office officer", S.SUBTREE, [*OFFICER, P.INTAKE_IMPORT_RUN, P.INTAKE_REPORTER_VIEW, P.TARGETING_POLICY_MANAGE, P.MONITORING_SIGNAL_VIEW, P.MONITORING_SIGNAL_DECIDE], ["warning_office", "national_authority"]),
    ("bureau_officer", "直属海关人员", "Bureau officer", S.SUBTREE, [*OFFICER, P.MONITORING_SPOTCHECK_INSPECT], ["direct_bureau"]),
    ("port_officer", "口岸查验人员", "Port inspection officer", S.SUBTREE, [P.ORG_ORGANISATION_VIEW, P.INTAKE_INFORMATION_VIEW, P.INTAKE_INFORMATION_CREATE, P.WARNING_RECEIVE, P.TARGETING_RULE_VIEW, P.TARGETING_SCREEN, P.TARGETING_TASK_VIEW, P.TARGETING_TASK_RECORD, *RESPONSE_EXECUTOR, P.MONITORING_SPOTCHECK_INSPECT, P.CREDIT_RECORD_VIEW, P.TRACE_EVENT_VIEW, P.TBT_NOTIFICATION_VIEW], ["inspection_body", "port"]),
    ("assessor", "技术机构评估人员", "Technical-institution assessor", S.ASSIGNED,
     [P.ASSESSMENT_VIEW, P.ASSESSMENT_CONDUCT, P.ASSESSMENT_REGISTRY_VIEW, P.RESPONSE_OBLIGATION_EVALUATE], ["technical_institution", "laboratory"]),
    ("expert", "专家", "Expert", S.ASSIGNED, [P.ASSESSMENT_VIEW, P.ASSESSMENT_VOTE], []),
    ("partner_officer", "协作部门人员", "Partner-agency officer", S.OWN_ORGANISATION, [P.ORG_ORGANISATION_VIEW, P.INTAKE_INFORMATION_VIEW, P.INTAKE_INFORMATION_CREATE, P.WARNING_RECEIVE, *RESPONSE_EXECUTOR, P.CREDIT_SHARE_PULL, P.ENFORCEMENT_TRANSFER_RECEIVE], ["partner_agency"]),
    ("auditor", "审计人员", "Auditor", S.ALL,
     [P.AUDIT_EVENT_VIEW, P.AUDIT_EVENT_EXPORT, P.AUDIT_CHAIN_VERIFY, P.ORG_ORGANISATION_VIEW, P.ORG_USER_VIEW,
      P.ARCHIVE_RECORD_VIEW],
     AUTHORITY_KINDS),
    ("enterprise_user", "企业用户", "Enterprise user", S.OWN_ORGANISATION, [P.ORG_ORGANISATION_VIEW, P.INTAKE_ENTERPRISE_REPORT, P.WARNING_RECEIVE, P.RESPONSE_OBLIGATION_FULFIL, P.MONITORING_RESULT_OWN, P.CREDIT_RECORD_VIEW, P.CREDIT_REPAIR_APPLY, P.ENFORCEMENT_CASE_VIEW, *TRACE_ENTERPRISE, P.TBT_NOTIFICATION_VIEW, P.TBT_COMMENT_WRITE], ["enterprise"]),
    ("monitoring_staff", "监测点/实验室人员", "Monitoring point or laboratory staff", S.OWN_ORGANISATION, [P.MONITORING_SAMPLE_SUBMIT], ["monitoring_point", "laboratory"]),
]  # fmt: skip


def grant_to_default_roles(Role, permissions: set[str]) -> None:
    """Give existing default roles the new permissions their default definition now holds (never removes)."""
    for code, _name, _name_en, _scope, defaults, _kinds in DEFAULT_ROLES:
        new = {str(p) for p in defaults} & set(permissions)
        role = Role.objects.filter(code=code).first()
        if role and not new <= set(role.permissions):
            role.permissions = sorted(set(role.permissions) | new)
            role.save(update_fields=["permissions"])


def ensure_default_roles(Role) -> int:
    """Create the missing default roles; existing roles keep whatever an administrator made of them."""
    created = 0
    for code, name, name_en, scope, permissions, kinds in DEFAULT_ROLES:
        _, was_created = Role.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "scope_mode": str(scope),
                "permissions": sorted(str(p) for p in permissions),
                "allowed_organisation_kinds": kinds,
            },
        )
        created += was_created
    return created
