"""Navigation by permission: only built features appear, and only to those who may use them."""

from django.utils.translation import gettext_lazy as _

from .addresses import address
from .permissions import Permission

NAVIGATION = [
    ("core:home", _("首页"), None),
    ("intake:list", _("风险信息"), Permission.INTAKE_INFORMATION_VIEW),
    ("intake:links", _("关联建议"), Permission.INTAKE_INFORMATION_PROCESS),
    ("assessment:list", _("风险研判"), Permission.ASSESSMENT_VIEW),
    ("assessment:registry", _("机构与专家库"), Permission.ASSESSMENT_REGISTRY_VIEW),
    ("warnings:manage_list", _("预警管理"), Permission.WARNING_VIEW),
    ("warnings:inbox", _("预警收件箱"), Permission.WARNING_RECEIVE),
    ("targeting:rules", _("口岸布控"), Permission.TARGETING_RULE_VIEW),
    ("targeting:tasks", _("查验任务"), Permission.TARGETING_TASK_VIEW),
    ("response:list", _("快速反应"), Permission.RESPONSE_MEASURE_VIEW),
    ("response:recalls", _("缺陷召回"), (Permission.RESPONSE_MEASURE_VIEW, Permission.RESPONSE_OBLIGATION_FULFIL)),
    ("response:concerns", _("与本企业相关"), Permission.RESPONSE_OBLIGATION_FULFIL),
    (
        "response:obligations",
        _("消减义务"),
        (Permission.RESPONSE_OBLIGATION_FULFIL, Permission.RESPONSE_OBLIGATION_EVALUATE),
    ),
    ("intake:enterprise_reports", _("风险报告"), Permission.INTAKE_ENTERPRISE_REPORT),
    ("accounts:organisation_list", _("组织机构"), Permission.ORG_ORGANISATION_VIEW),
    ("accounts:user_list", _("用户"), Permission.ORG_USER_VIEW),
    ("core:audit_list", _("审计日志"), Permission.AUDIT_EVENT_VIEW),
    ("accounts:token_list", _("接口令牌"), Permission.API_TOKEN_MANAGE),
    ("admin:index", _("基础数据管理"), Permission.REF_DATA_MANAGE),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # The public side: reporting needs no account.
        current = getattr(getattr(request, "resolver_match", None), "view_name", "")
        return {
            "nav_items": [
                {"url": address(name), "label": label, "active": current == name}
                for name, label in (
                    ("warnings:portal", _("风险预警")),
                    ("response:public_recalls", _("召回公告")),
                    ("intake:public_report", _("举报风险")),
                )
            ]
        }
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    items = [
        {"url": address(name), "label": label, "active": current == name}
        for name, label, permission in NAVIGATION
        if permission is None
        or any(user.has_permission(p) for p in (permission if isinstance(permission, tuple) else (permission,)))
    ]
    return {"nav_items": items}
