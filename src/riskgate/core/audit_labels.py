"""What an audit action says to a reader: "预警 · 已发布" / "Warning · published" for `warning.published`.

An action is stored as `<subject>.<verb>` (the code stays in the record; it is what an auditor filters on). The
label is the subject's noun and the verb's phrase, each translated; a verb that has no phrase of its own but is a
status of the subject's model reads as that status. An unknown action keeps its code (new actions get a phrase
here: tests/site/test_page_language.py fails on a code shown as a label).
"""

import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+")

SUBJECTS = {
    "login": _("登录"),
    "logout": _("退出"),
    "totp": _("二次验证"),
    "user": _("用户"),
    "organisation": _("机构"),
    "api_token": _("API 令牌"),
    "audit": _("审计日志"),
    "intake": _("风险信息"),
    "reward": _("举报奖励"),
    "assessment": _("风险研判"),
    "warning": pgettext_lazy("audit subject", "风险预警"),
    "control_rule": _("布控规则"),
    "inspection_task": _("查验任务"),
    "supervision_policy": _("监管策略"),
    "measure": _("处置措施"),
    "obligation": _("整改义务"),
    "recall": pgettext_lazy("audit subject", "召回"),
    "monitoring": _("风险监测"),
    "credit": _("质量信用"),
    "credit_event": _("信用事件"),
    "credit_override": _("信用等级人工调整"),
    "credit_list": _("信用名单"),
    "credit_repair": _("信用修复"),
    "credit_share": _("信用共享"),
    "case_transfer": _("案件移送"),
    "interview": _("约谈"),
    "supervised_case": _("挂牌督办"),
    "penalty_case": _("行政处罚案件"),
    "campaign": _("专项打假行动"),
    "benchmark": _("质量示范标杆"),
    "publicity_event": _("质量宣传活动"),
    "archive": _("档案"),
    "report": _("统计报告"),
    "trace": _("追溯数据"),
    "tbt": _("技术性贸易措施通报"),
    "emergency_plan": _("口岸应急预案"),
    "emergency_material": _("应急物资"),
    "emergency": _("应急响应"),
    "catalogue": _("法检目录"),
}

VERBS = {
    "created": pgettext_lazy("audit", "创建"),
    "changed": pgettext_lazy("audit", "修改"),
    "deleted": pgettext_lazy("audit", "删除"),
    "succeeded": pgettext_lazy("audit", "成功"),
    "failed": pgettext_lazy("audit", "失败"),
    "locked": pgettext_lazy("audit", "账户锁定"),
    "throttled": pgettext_lazy("audit", "请求过多被限制"),
    "totp_failed": pgettext_lazy("audit", "二次验证失败"),
    "enrolment_started": pgettext_lazy("audit", "开始绑定"),
    "enabled": pgettext_lazy("audit", "启用"),
    "confirmation_failed": pgettext_lazy("audit", "确认失败"),
    "password_set": pgettext_lazy("audit", "设置密码"),
    "credit_grade_changed": pgettext_lazy("audit", "信用等级变更"),
    "issued": pgettext_lazy("audit", "签发"),
    "captured": pgettext_lazy("audit", "报送"),
    "registered": pgettext_lazy("audit", "登记"),
    "acceptance_added": pgettext_lazy("audit", "增加采信范围"),
    "acceptance_changed": pgettext_lazy("audit", "调整采信范围"),
    "violation_recorded": pgettext_lazy("audit", "登记违规"),
    "drill_recorded": pgettext_lazy("audit", "登记演练"),
    "activated": pgettext_lazy("audit", "启动"),
    "task_reported": pgettext_lazy("audit", "报告任务进展"),
    "alerted": pgettext_lazy("audit", "向出口企业发送预警"),
    "comment_drafted": pgettext_lazy("audit", "起草评议"),
    "comment_changed": pgettext_lazy("audit", "修改评议"),
    "comment_recorded": pgettext_lazy("audit", "提交评议"),
    "revoked": pgettext_lazy("audit", "吊销"),
    "viewed": pgettext_lazy("audit", "查看"),
    "exported": pgettext_lazy("audit", "导出"),
    "verified": pgettext_lazy("audit", "校验"),
    "imported": pgettext_lazy("audit", "导入完成"),
    "import_started": pgettext_lazy("audit", "开始导入"),
    "public_report": pgettext_lazy("audit", "公众举报"),
    "enterprise_report": pgettext_lazy("audit", "企业报告"),
    "escalated": pgettext_lazy("audit", "上报"),
    "evidence_added": pgettext_lazy("audit", "添加证据"),
    "evidence_viewed": pgettext_lazy("audit", "查看证据"),
    "translated": pgettext_lazy("audit", "填写中文译文"),
    "linked": pgettext_lazy("audit", "确认关联"),
    "unlinked": pgettext_lazy("audit", "取消关联"),
    "link_dismissed": pgettext_lazy("audit", "驳回关联建议"),
    "cases_merged": pgettext_lazy("audit", "合并案件"),
    "case_item_added": pgettext_lazy("audit", "案件添加信息"),
    "sharing_scope_created": pgettext_lazy("audit", "设立共享范围"),
    "requested": pgettext_lazy("audit", "提出请求"),
    "started": pgettext_lazy("audit", "开始"),
    "submitted": pgettext_lazy("audit", "提交"),
    "returned": pgettext_lazy("audit", "退回"),
    "amended": pgettext_lazy("audit", "修订"),
    "superseded": pgettext_lazy("audit", "被新版本取代"),
    "sent_to_panel": pgettext_lazy("audit", "提交专家组"),
    "withdrawn_from_panel": pgettext_lazy("audit", "撤回专家组"),
    "accepted": pgettext_lazy("audit", "接受"),
    "confirmed": pgettext_lazy("audit", "确认"),
    "report_saved": pgettext_lazy("audit", "保存报告"),
    "report_downloaded": pgettext_lazy("audit", "下载报告"),
    "reminded": pgettext_lazy("audit", "发送提醒"),
    "reassessment_requested": pgettext_lazy("audit", "申请重新研判"),
    "reassessment_decided": pgettext_lazy("audit", "重新研判申请已决定"),
    "level_overridden": pgettext_lazy("audit", "调整建议等级"),
    "lab_task_added": pgettext_lazy("audit", "添加实验室检测"),
    "lab_results_recorded": pgettext_lazy("audit", "记录检测结果"),
    "finding_added": pgettext_lazy("audit", "添加调查发现"),
    "file_viewed": pgettext_lazy("audit", "查看文件"),
    "extension_requested": pgettext_lazy("audit", "申请延期"),
    "extension_granted": pgettext_lazy("audit", "批准延期"),
    "extension_refused": pgettext_lazy("audit", "拒绝延期"),
    "expert_registered": pgettext_lazy("audit", "登记专家"),
    "expert_seated": pgettext_lazy("audit", "专家入席"),
    "expert_unseated": pgettext_lazy("audit", "专家退席"),
    "seat_refused": pgettext_lazy("audit", "拒绝入席"),
    "course_added": pgettext_lazy("audit", "登记培训或考试"),
    "training_recorded": pgettext_lazy("audit", "登记培训记录"),
    "appraisals_drafted": pgettext_lazy("audit", "生成年度考核"),
    "appraisal_decided": pgettext_lazy("audit", "确定考核结果"),
    "conflict_declared": pgettext_lazy("audit", "声明利益冲突"),
    "body_registered": pgettext_lazy("audit", "登记技术机构"),
    "scenario_added": pgettext_lazy("audit", "添加伤害情景"),
    "scenario_removed": pgettext_lazy("audit", "删除伤害情景"),
    "panel_approve": pgettext_lazy("audit", "专家表态同意"),
    "panel_dissent": pgettext_lazy("audit", "专家表态不同意"),
    "drafted": pgettext_lazy("audit", "起草"),
    "drafted_emergency": pgettext_lazy("audit", "紧急起草"),
    "edited": pgettext_lazy("audit", "编辑"),
    "sent_back": pgettext_lazy("audit", "退回修改"),
    "approved": pgettext_lazy("audit", "批准"),
    "published": pgettext_lazy("audit", "发布"),
    "adjusted": pgettext_lazy("audit", "调整"),
    "lifted": pgettext_lazy("audit", "解除"),
    "delivered": pgettext_lazy("audit", "送达"),
    "read": pgettext_lazy("audit", "阅读"),
    "acknowledged": pgettext_lazy("audit", "签收"),
    "evaluated": pgettext_lazy("audit", "评价"),
    "subscribed": pgettext_lazy("audit", "订阅"),
    "subscription_confirmed": pgettext_lazy("audit", "确认订阅"),
    "unsubscribed": pgettext_lazy("audit", "退订"),
    "publication_overdue": pgettext_lazy("audit", "发布超时"),
    "answer_overdue": pgettext_lazy("audit", "答复超时"),
    "confirmed_on_assessment": pgettext_lazy("audit", "依研判确认"),
    "emergency_assessment_linked": pgettext_lazy("audit", "关联事后研判"),
    "retired": pgettext_lazy("audit", "停用"),
    "completed": pgettext_lazy("audit", "完成"),
    "ordered": pgettext_lazy("audit", "下达"),
    "progress": pgettext_lazy("audit", "报告进展"),
    "implemented": pgettext_lazy("audit", "落实"),
    "checked": pgettext_lazy("audit", "核查"),
    "continued": pgettext_lazy("audit", "继续实施"),
    "imposed": pgettext_lazy("audit", "责令"),
    "opened": pgettext_lazy("audit", "启动"),
    "plan_submitted": pgettext_lazy("audit", "提交召回计划"),
    "adjustment_drafted": pgettext_lazy("audit", "起草调整"),
    "stalled": pgettext_lazy("audit", "进展停滞"),
    "overdue": pgettext_lazy("audit", "超期"),
    "proposed": pgettext_lazy("audit", "提出"),
    "refused": pgettext_lazy("audit", "拒绝"),
    "paid": pgettext_lazy("audit", "发放"),
    "investigation_opened": pgettext_lazy("audit", "立案调查"),
    "signal_raised": pgettext_lazy("audit", "产生监测信号"),
    "signal_confirmed": pgettext_lazy("audit", "确认监测信号"),
    "signal_dismissed": pgettext_lazy("audit", "排除监测信号"),
    "plan_created": pgettext_lazy("audit", "制定监测计划"),
    "plan_adjusted": pgettext_lazy("audit", "调整监测计划"),
    "plan_change_proposed": pgettext_lazy("audit", "提出计划调整建议"),
    "plan_change_decided": pgettext_lazy("audit", "决定计划调整建议"),
    "task_assigned": pgettext_lazy("audit", "下达抽样任务"),
    "sample_submitted": pgettext_lazy("audit", "报送监测数据"),
    "sample_approved": pgettext_lazy("audit", "审核监测数据"),
    "spot_check_drawn": pgettext_lazy("audit", "双随机抽取"),
    "spot_check_published": pgettext_lazy("audit", "公开双随机抽查"),
    "spot_check_recorded": pgettext_lazy("audit", "登记抽查结果"),
    "external_check_recorded": pgettext_lazy("audit", "登记其他部门检查"),
    "point_registered": pgettext_lazy("audit", "登记监测点"),
    "tie_declared": pgettext_lazy("audit", "登记回避关系"),
    "rejected": pgettext_lazy("audit", "未通过"),
    "ended": pgettext_lazy("audit", "结束"),
    "recorded": pgettext_lazy("audit", "记录"),
    "withdrawn": pgettext_lazy("audit", "撤回"),
    "applied": pgettext_lazy("audit", "申请"),
    "removed": pgettext_lazy("audit", "移出"),
    "grades_recomputed": pgettext_lazy("audit", "重算信用等级"),
    "pulled": pgettext_lazy("audit", "获取共享数据包"),
    "sent": pgettext_lazy("audit", "移送"),
    "concluded": pgettext_lazy("audit", "反馈处理结果"),
    "minutes_recorded": pgettext_lazy("audit", "记录约谈纪要"),
    "commitment_added": pgettext_lazy("audit", "确定整改事项"),
    "commitment_fulfilled": pgettext_lazy("audit", "确认整改完成"),
    "closed": pgettext_lazy("audit", "办结"),
    "exposed": pgettext_lazy("audit", "作为典型案例曝光"),
    "commitment_overdue": pgettext_lazy("audit", "整改事项逾期"),
    "archived": pgettext_lazy("audit", "归档"),
    "reopened": pgettext_lazy("audit", "移出（原记录重新办理）"),
    "classified": pgettext_lazy("audit", "定级"),
    "hold_placed": pgettext_lazy("audit", "诉讼保全"),
    "hold_released": pgettext_lazy("audit", "解除诉讼保全"),
    "disposed": pgettext_lazy("audit", "销毁（留存销毁记录）"),
    "review_drafted": pgettext_lazy("audit", "生成销毁清册"),
    "review_submitted": pgettext_lazy("audit", "提交销毁清册"),
    "review_approved": pgettext_lazy("audit", "批准销毁"),
    "review_rejected": pgettext_lazy("audit", "不批准销毁"),
    "generated": pgettext_lazy("audit", "生成"),
}


def action_label(action: str) -> str:
    """The reader's words for an action code, in the active language; the code itself when it is unknown."""
    subject, _dot, verb = action.partition(".")
    noun = SUBJECTS.get(subject)
    if noun is None:
        return action
    if not verb:
        return str(noun)
    phrase = VERBS.get(verb) or status_label(subject, verb)
    return f"{noun} · {phrase}" if phrase else action


def verb_label(verb: str) -> str:
    """One step's phrase ("批准" for `approved`); the code when it has none."""
    return str(VERBS.get(verb, verb))


ACTORS = {"system": _("系统"), "anonymous": _("匿名访客")}


def actor_label(actor_repr: str) -> str:
    return str(ACTORS.get(actor_repr, actor_repr))


def status_label(subject: str, value: str):
    """A verb named after a status the subject moved to (`intake.verified`) reads as that status."""
    models = {
        "intake": ("intake", "RiskInformation"),
        "assessment": ("assessment", "Assessment"),
        "warning": ("warnings", "WarningNotice"),
        "measure": ("response", "MeasureOrder"),
        "obligation": ("response", "Obligation"),
        "recall": ("response", "Recall"),
        "reward": ("intake", "Reward"),
    }
    if subject not in models:
        return None
    try:
        field = apps.get_model(*models[subject])._meta.get_field("status")
    except (LookupError, FieldDoesNotExist):
        return None
    return dict(field.flatchoices).get(value)


def object_label(object_type: str) -> str:
    """`app_label.model` as the model's name in the active language (the code when the model is gone)."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def change_rows(object_type: str, changes: dict) -> list[tuple[str, str, object, object]]:
    """(field label, field code, before, after) for an event's changes: each field by its verbose name and each
    choice value by its label, so that `target_kind: batch` reads "对象类型: 批次"."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        model = None
    rows = []
    for code, pair in (changes or {}).items():
        label, choices = format_html("<code>{}</code>", code), {}
        if model is not None:
            try:
                field = model._meta.get_field(code)
            except FieldDoesNotExist:
                field = None
            if field is not None:
                label = str(getattr(field, "verbose_name", code))
                choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, (list, tuple)) else (None, pair)
        rows.append((label, code, _shown(before, choices), _shown(after, choices)))
    return rows


def _shown(value, choices: dict):
    """A value by its label where the field has choices; a code-like value the field gives no label for (a kind
    recorded by a service) is marked as the code it is."""
    if isinstance(value, list):
        return format_html_join(", ", "{}", ((_shown(v, choices),) for v in value))
    if isinstance(value, str) and value in choices:
        return choices[value]
    if isinstance(value, str) and CODE.fullmatch(value):
        return format_html("<code>{}</code>", value)
    return value
