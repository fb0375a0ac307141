"""The one enumeration of permissions, as "scope:resource:action" strings.

The scope is the domain area a permission belongs to; which roles hold which permission is data
(accounts.Role.permissions) that a system administrator changes in the admin.
"""

from enum import StrEnum

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class Permission(StrEnum):
    # Organisations and people
    ORG_ORGANISATION_VIEW = "org:organisation:view"
    ORG_ENTERPRISE_CREATE = "org:enterprise:create"
    ORG_ORGANISATION_MANAGE = "org:organisation:manage"
    ORG_USER_VIEW = "org:user:view"
    ORG_USER_MANAGE = "org:user:manage"
    ORG_ROLE_MANAGE = "org:role:manage"
    # System-to-system clients
    API_TOKEN_MANAGE = "api:token:manage"
    # Audit trail
    AUDIT_EVENT_VIEW = "audit:event:view"
    AUDIT_EVENT_EXPORT = "audit:event:export"
    AUDIT_CHAIN_VERIFY = "audit:chain:verify"
    # Reference data (regions, HS codes) through the Django admin
    REF_DATA_MANAGE = "ref:data:manage"
    # Risk information intake
    INTAKE_INFORMATION_VIEW = "intake:information:view"
    INTAKE_INFORMATION_CREATE = "intake:information:create"
    INTAKE_INFORMATION_PROCESS = "intake:information:process"
    INTAKE_INFORMATION_EXPORT = "intake:information:export"
    INTAKE_REPORTER_VIEW = "intake:reporter:view"
    INTAKE_REWARD_MANAGE = "intake:reward:manage"
    INTAKE_IMPORT_RUN = "intake:import:run"
    INTAKE_ENTERPRISE_REPORT = "intake:enterprise_report:submit"
    # Risk assessment
    ASSESSMENT_VIEW = "assessment:assessment:view"
    ASSESSMENT_REQUEST = "assessment:assessment:request"
    ASSESSMENT_CONDUCT = "assessment:assessment:conduct"
    ASSESSMENT_VOTE = "assessment:report:vote"
    ASSESSMENT_REGISTRY_VIEW = "assessment:registry:view"
    ASSESSMENT_ACCEPTANCE_MANAGE = "assessment:acceptance:manage"
    # Risk warnings
    WARNING_VIEW = "warning:notice:view"
    WARNING_DRAFT = "warning:notice:draft"
    WARNING_APPROVE = "warning:notice:approve"
    WARNING_RECEIVE = "warning:notice:receive"
    # Port control
    TARGETING_RULE_VIEW = "targeting:rule:view"
    TARGETING_RULE_MANAGE = "targeting:rule:manage"
    TARGETING_SCREEN = "targeting:declaration:screen"
    TARGETING_TASK_VIEW = "targeting:task:view"
    TARGETING_TASK_RECORD = "targeting:task:record"
    TARGETING_POLICY_MANAGE = "targeting:policy:manage"
    # Rapid response
    RESPONSE_MEASURE_VIEW = "response:measure:view"
    RESPONSE_MEASURE_ORDER = "response:measure:order"
    RESPONSE_MEASURE_EXECUTE = "response:measure:execute"
    RESPONSE_MEASURE_LIFT = "response:measure:lift"
    RESPONSE_OBLIGATION_FULFIL = "response:obligation:fulfil"
    RESPONSE_OBLIGATION_EVALUATE = "response:obligation:evaluate"
    RESPONSE_RECALL_MANAGE = "response:recall:manage"
    # Risk monitoring
    MONITORING_SIGNAL_VIEW = "monitoring:signal:view"
    MONITORING_SIGNAL_DECIDE = "monitoring:signal:decide"
    MONITORING_PLAN_VIEW = "monitoring:plan:view"
    MONITORING_PLAN_MANAGE = "monitoring:plan:manage"
    MONITORING_SAMPLE_SUBMIT = "monitoring:sample:submit"
    MONITORING_RESULT_OWN = "monitoring:result:own"
    MONITORING_SPOTCHECK_MANAGE = "monitoring:spotcheck:manage"
    MONITORING_SPOTCHECK_INSPECT = "monitoring:spotcheck:inspect"
    # Quality credit
    CREDIT_RECORD_VIEW = "credit:record:view"
    CREDIT_RECORD_MANAGE = "credit:record:manage"
    CREDIT_REPAIR_APPLY = "credit:repair:apply"
    CREDIT_SHARE_PULL = "credit:share:pull"
    # Enforcement
    ENFORCEMENT_TRANSFER_MANAGE = "enforcement:transfer:manage"
    ENFORCEMENT_TRANSFER_RECEIVE = "enforcement:transfer:receive"
    ENFORCEMENT_CASE_VIEW = "enforcement:case:view"
    ENFORCEMENT_CASE_MANAGE = "enforcement:case:manage"
    # Archive
    ARCHIVE_RECORD_VIEW = "archive:record:view"
    ARCHIVE_RECORD_MANAGE = "archive:record:manage"
    ARCHIVE_DISPOSAL_APPROVE = "archive:disposal:approve"
    # Traceability
    TRACE_EVENT_VIEW = "trace:event:view"
    TRACE_EVENT_CAPTURE = "trace:event:capture"
    # Technical trade measures
    TBT_NOTIFICATION_VIEW = "tbt:notification:view"
    TBT_NOTIFICATION_MANAGE = "tbt:notification:manage"
    TBT_COMMENT_WRITE = "tbt:comment:write"

    @property
    def label(self) -> str:
        return str(PERMISSION_LABELS[self])


PERMISSION_LABELS = {
    Permission.ORG_ORGANISATION_VIEW: _("查看辖区内的组织机构"),
    Permission.ORG_ENTERPRISE_CREATE: _("登记辖区内的企业"),
    Permission.ORG_ORGANISATION_MANAGE: _("管理组织机构"),
    Permission.ORG_USER_VIEW: _("查看辖区内的用户"),
    Permission.ORG_USER_MANAGE: _("管理用户"),
    Permission.ORG_ROLE_MANAGE: _("管理角色与权限"),
    Permission.API_TOKEN_MANAGE: _("管理系统接口令牌"),
    Permission.AUDIT_EVENT_VIEW: _("查看审计日志"),
    Permission.AUDIT_EVENT_EXPORT: _("导出审计日志"),
    Permission.AUDIT_CHAIN_VERIFY: _("校验审计日志链"),
    Permission.REF_DATA_MANAGE: _("维护基础数据"),
    Permission.INTAKE_INFORMATION_VIEW: _("查看辖区内的风险信息"),
    Permission.INTAKE_INFORMATION_CREATE: _("录入风险信息"),
    Permission.INTAKE_INFORMATION_PROCESS: _("核实、筛选、上报风险信息"),
    Permission.INTAKE_INFORMATION_EXPORT: _("导出风险信息"),
    Permission.INTAKE_REPORTER_VIEW: _("查看举报人个人信息"),
    Permission.INTAKE_REWARD_MANAGE: _("提议、审批和登记举报奖励"),
    Permission.INTAKE_IMPORT_RUN: _("批量导入风险信息"),
    Permission.INTAKE_ENTERPRISE_REPORT: _("企业报告风险"),
    Permission.ASSESSMENT_VIEW: _("查看风险研判（辖区内，或分配给本人的）"),
    Permission.ASSESSMENT_REQUEST: _("提请研判、审批延期、确认或退回研判报告"),
    Permission.ASSESSMENT_CONDUCT: _("承担研判：组建专家组、调查核实、实验室验证、编写报告"),
    Permission.ASSESSMENT_VOTE: _("专家组成员对研判报告表态"),
    Permission.ASSESSMENT_REGISTRY_VIEW: _("查看技术机构、专家库、实验室名录及其绩效"),
    Permission.ASSESSMENT_ACCEPTANCE_MANAGE: _("调整第三方机构的采信范围，登记违规、暂停和退出"),
    Permission.WARNING_VIEW: _("查看辖区内的风险预警（含草稿）"),
    Permission.WARNING_DRAFT: _("起草、调整风险预警"),
    Permission.WARNING_APPROVE: _("审核、批准、发布、解除风险预警"),
    Permission.WARNING_RECEIVE: _("接收发给本机构的风险预警，回执与反馈"),
    Permission.TARGETING_RULE_VIEW: _("查看辖区内的布控规则"),
    Permission.TARGETING_RULE_MANAGE: _("下达、调整和撤销布控规则"),
    Permission.TARGETING_SCREEN: _("报关单布控筛查（单一窗口接口）"),
    Permission.TARGETING_TASK_VIEW: _("查看辖区内的查验任务和规则成效"),
    Permission.TARGETING_TASK_RECORD: _("登记查验结果"),
    Permission.TARGETING_POLICY_MANAGE: _("管理差别化监管政策和企业信用等级"),
    Permission.RESPONSE_MEASURE_VIEW: _("查看辖区内及本单位承办的快速反应措施"),
    Permission.RESPONSE_MEASURE_ORDER: _("下达快速反应措施"),
    Permission.RESPONSE_MEASURE_EXECUTE: _("报告措施实施情况（牵头、配合单位）"),
    Permission.RESPONSE_MEASURE_LIFT: _("解除快速反应措施"),
    Permission.RESPONSE_OBLIGATION_FULFIL: _("履行风险责任者义务（企业）"),
    Permission.RESPONSE_OBLIGATION_EVALUATE: _("评估风险责任者的消减措施（技术机构）"),
    Permission.RESPONSE_RECALL_MANAGE: _("登记和监督缺陷产品召回、发布召回公告"),
    Permission.MONITORING_SIGNAL_VIEW: _("查看监测信号"),
    Permission.MONITORING_SIGNAL_DECIDE: _("研判监测信号：确认并提请研判，或排除"),
    Permission.MONITORING_PLAN_VIEW: _("查看辖区内的监测计划、监测点、抽样任务和监测结果"),
    Permission.MONITORING_PLAN_MANAGE: _("制定和调整监测计划，下达抽样任务，审核监测结果"),
    Permission.MONITORING_SAMPLE_SUBMIT: _("报送监测数据（监测点、实验室）"),
    Permission.MONITORING_RESULT_OWN: _("查看涉及本企业的监测结果"),
    Permission.MONITORING_SPOTCHECK_MANAGE: _("组织双随机抽查：抽取、登记结果、公开"),
    Permission.MONITORING_SPOTCHECK_INSPECT: _("列入双随机抽查执法检查人员名录"),
    Permission.CREDIT_RECORD_VIEW: _("查看辖区内企业的质量信用档案"),
    Permission.CREDIT_RECORD_MANAGE: _("记录信用事件、提出和复核信用等级调整及名单"),
    Permission.CREDIT_REPAIR_APPLY: _("为本企业申请信用修复"),
    Permission.CREDIT_SHARE_PULL: _("按共享范围获取信用共享数据（联合惩戒）"),
    Permission.ENFORCEMENT_TRANSFER_MANAGE: _("移送涉嫌犯罪案件和公益诉讼线索"),
    Permission.ENFORCEMENT_TRANSFER_RECEIVE: _("接收移送给本单位的案件"),
    Permission.ENFORCEMENT_CASE_VIEW: _("查看约谈、挂牌督办、行政处罚案件和专项行动（企业：涉及本企业的）"),
    Permission.ENFORCEMENT_CASE_MANAGE: _("组织约谈、挂牌督办、行政处罚公示、专项打假、示范标杆和质量宣传活动"),
    Permission.ARCHIVE_RECORD_VIEW: _("查看辖区内的档案和销毁记录"),
    Permission.ARCHIVE_RECORD_MANAGE: _("档案定级、诉讼保全、导出档案包、提交销毁清册"),
    Permission.ARCHIVE_DISPOSAL_APPROVE: _("审批档案销毁（不得审批本人提交的清册）"),
    Permission.TRACE_EVENT_VIEW: _("查看追溯事件和产品追溯链（辖区内，或本企业报送的）"),
    Permission.TRACE_EVENT_CAPTURE: _("报送本机构的追溯事件（EPCIS 2.0）"),
    Permission.TBT_NOTIFICATION_VIEW: _("查看国外技术法规和 TBT/SPS 通报（企业：及发给本企业的预警）"),
    Permission.TBT_NOTIFICATION_MANAGE: _("登记、导入通报，分析影响并向出口企业发送预警"),
    Permission.TBT_COMMENT_WRITE: _("起草和提交对通报的评议意见"),
}

PERMISSION_CHOICES = [(p.value, format_lazy("{} — {}", p.value, PERMISSION_LABELS[p])) for p in Permission]
