"""Rapid response for tests: a mitigation report, an imposed obligation, a recall's data."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from riskgate.response.services import obligations

REPORT = {
    "defect_analysis": "电芯过充保护电路失效。",
    "quantity_distribution": "进口 1,200 件，售出 860 件，分布于陕西、甘肃。",
    "measures": "召回已售产品，更换保护板。",
    "plan": "30 日内完成召回。",
    "expected_effect": "召回率不低于 90%。",
}


def impose(world, notice, due=None):
    return obligations.impose(
        world.user("warning"),
        warning=notice,
        enterprise=world.org("ent-xian-trading"),
        institution=world.org("caiq"),
        requirements="提交风险分析和消减报告，召回已售产品。",
        report_due=due or timezone.now() + dt.timedelta(days=7),
    )


def eliminated(world, obligation):
    """Take an obligation through its report, the institution's evaluation, the consumer notice, the lifting
    application and the institution's confirmation of the defect-elimination report (Art.23, 25)."""
    enterprise, institution = world.user("enterprise"), world.user("assessor")
    obligations.submit_report(enterprise, obligation, REPORT)
    obligations.evaluate(
        institution, obligation, verdict="adequate", feasibility="a", effectiveness="b", adequacy="c", truthful=True
    )
    obligations.notify_consumers(enterprise, obligation, text="官网和门店公告")
    report = SimpleUploadedFile("缺陷消除评价报告.pdf", b"%PDF-1.4 evaluation", content_type="application/pdf")
    obligations.apply_for_lifting(enterprise, obligation, text="缺陷已消除", evaluation_report=report)
    return obligations.confirm_elimination(institution, obligation, confirmed=True, note="抽检确认缺陷已消除")


def recall_data(world, **changes):
    data = {
        "kind": "voluntary",
        "recall_type": "environmental",
        "enterprise": world.org("ent-xian-trading"),
        "product": "非道路移动机械（小型挖掘机）",
        "brand": "Acme",
        "model": "EX-20",
        "hs_code": "8429",
        "defect": "排放控制装置标定错误，氮氧化物排放超标。",
        "affected_units": 400,
        "affected_range": "发动机序列号 E20-000100 至 E20-000499",
        "distribution": "陕西、甘肃经销商",
        "remedies": ["repair"],
        "communication_plan": "经销商逐一通知用户，官网公告。",
        "started_on": timezone.localdate() - dt.timedelta(days=90),
    }
    data.update(changes)
    return data
