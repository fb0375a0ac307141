"""The demo organisations and one demo account per role (idempotent: running it twice changes nothing)."""

from django.db import transaction

from riskgate.core import audit
from riskgate.core.validators import uscc_check_character

from .models import Organisation, Role, User
from .roles import ensure_default_roles

DEMO_PASSWORD = "RiskGate-demo-2026"


def demo_uscc(region: str, organisation_code: str) -> str:
    """A well-formed unified social credit code for a fictitious demo company (9 = 工商, 1 = 企业)."""
    first17 = f"91{region}{organisation_code}"
    return first17 + uscc_check_character(first17)


# code, kind, name, name_en, parent code, region, extra fields
ORGANISATIONS = [
    ("gacc", "national_authority", "海关总署", "General Administration of Customs", None, "110000", {}),
    ("gacc-warning-office", "warning_office", "海关总署风险预警办公室", "Risk Warning Office", "gacc", "110000", {}),
    ("xian-customs", "direct_bureau", "西安海关", "Xi'an Customs", "gacc-warning-office", "610000", {}),
    ("harbin-customs", "direct_bureau", "哈尔滨海关", "Harbin Customs", "gacc-warning-office", "230000", {}),
    ("jinan-customs", "direct_bureau", "济南海关", "Jinan Customs", "gacc-warning-office", "370000", {}),
    ("qingdao-customs", "direct_bureau", "青岛海关", "Qingdao Customs", "gacc-warning-office", "370200", {}),
    ("chongqing-customs", "direct_bureau", "重庆海关", "Chongqing Customs", "gacc-warning-office", "500000", {}),
    ("shenzhen-customs", "direct_bureau", "深圳海关", "Shenzhen Customs", "gacc-warning-office", "440300", {}),
    ("xianyang-customs", "inspection_body", "咸阳海关", "Xianyang Customs", "xian-customs", "610400", {}),
    ("baoji-customs", "inspection_body", "宝鸡海关", "Baoji Customs", "xian-customs", "610300", {}),
    ("xian-airport-port", "port", "西安咸阳国际机场口岸", "Xi'an Xianyang Airport port", "xianyang-customs", "610400", {}),
    ("xian-railway-port", "port", "西安国际港务区铁路口岸", "Xi'an International Port (rail)", "xian-customs", "610100", {}),
    ("liaocheng-customs", "inspection_body", "聊城海关", "Liaocheng Customs", "jinan-customs", "371500", {}),
    ("suifenhe-customs", "inspection_body", "绥芬河海关", "Suifenhe Customs", "harbin-customs", "231081", {}),
    ("suifenhe-rail-port", "port", "绥芬河铁路口岸", "Suifenhe railway port", "suifenhe-customs", "231081", {}),
    ("chongqing-airport-port", "port", "重庆江北国际机场口岸", "Chongqing Jiangbei Airport port", "chongqing-customs", "500100", {}),
    ("caiq", "technical_institution", "中国检验检疫科学研究院", "Chinese Academy of Inspection and Quarantine", "gacc", "110000", {}),
    ("xian-tech-centre", "laboratory", "西安海关技术中心", "Xi'an Customs Technology Centre", "xian-customs", "610100", {}),
    ("third-party-lab", "laboratory", "示例第三方检测认证有限公司", "Demo Third-Party Testing & Certification Co., Ltd.", None, "440300", {}),
    ("quality-society", "technical_institution", "示例产品质量评价协会", "Demo Product Quality Evaluation Society", None, "110000", {}),
    ("xian-monitoring-point", "monitoring_point", "西安国际港务区风险监测点", "Xi'an International Port monitoring point", "xian-customs", "610100", {}),
    ("sn-market-regulation", "partner_agency", "陕西省市场监督管理局", "Shaanxi Administration for Market Regulation", None, "610000", {"agency_type": "market_regulation"}),
    ("hlj-agriculture", "partner_agency", "黑龙江省农业农村厅", "Heilongjiang Department of Agriculture", None, "230000", {"agency_type": "agriculture"}),
    ("cq-police", "partner_agency", "重庆市公安局", "Chongqing Public Security Bureau", None, "500000", {"agency_type": "police"}),
    ("credit-platform", "partner_agency", "信用中国（陕西）", "Credit China (Shaanxi)", None, "610000", {"agency_type": "credit_platform"}),
    ("ent-xian-trading", "enterprise", "西安秦岭示例进出口贸易有限公司", "Xi'an Qinling Demo Import & Export Co., Ltd.", "xianyang-customs", "610100",
     {"uscc": demo_uscc("610100", "MA6TDEM01"), "customs_code": "6101930001", "enterprise_types": ["importer", "exporter"]}),
    ("ent-baoji-toys", "enterprise", "宝鸡示例玩具制造有限公司", "Baoji Demo Toys Manufacturing Co., Ltd.", "baoji-customs", "610300",
     {"uscc": demo_uscc("610300", "MA6XDEM02"), "customs_code": "6103930002", "enterprise_types": ["producer", "exporter"]}),
    ("ent-harbin-timber", "enterprise", "哈尔滨示例木业进出口有限公司", "Harbin Demo Timber Import & Export Co., Ltd.", "suifenhe-customs", "230100",
     {"uscc": demo_uscc("230100", "MA1BDEM03"), "customs_code": "2301930003", "enterprise_types": ["importer"]}),
    ("ent-liaocheng-bearings", "enterprise", "聊城示例轴承制造有限公司", "Liaocheng Demo Bearings Co., Ltd.", "liaocheng-customs", "371500",
     {"uscc": demo_uscc("371500", "MA3CDEM04"), "customs_code": "3715930004", "enterprise_types": ["producer", "exporter"]}),
    ("ent-chongqing-moto", "enterprise", "重庆示例摩托车进出口有限公司", "Chongqing Demo Motorcycle Import & Export Co., Ltd.", "chongqing-customs", "500100",
     {"uscc": demo_uscc("500100", "MA5UDEM05"), "customs_code": "5001930005", "enterprise_types": ["importer", "exporter", "seller"]}),
]  # fmt: skip

# username, role, organisation code, full name
ACCOUNTS = [
    ("admin", "system_admin", "gacc", "系统管理员"),
    ("warning", "warning_officer", "gacc-warning-office", "预警办 王敏"),
    ("xian", "bureau_officer", "xian-customs", "西安海关 李强"),
    ("harbin", "bureau_officer", "harbin-customs", "哈尔滨海关 赵雪"),
    ("port", "port_officer", "xianyang-customs", "咸阳海关 张伟"),
    ("assessor", "assessor", "caiq", "检科院 陈静"),
    ("expert", "expert", "caiq", "专家 刘洋"),
    ("expert2", "expert", "xian-tech-centre", "专家 黄蕾"),
    ("partner", "partner_officer", "sn-market-regulation", "陕西市监 周芳"),
    ("auditor", "auditor", "gacc", "审计 孙磊"),
    ("enterprise", "enterprise_user", "ent-xian-trading", "秦岭示例 吴娜"),
    ("point", "monitoring_staff", "xian-monitoring-point", "监测点 何平"),
    ("lab", "monitoring_staff", "xian-tech-centre", "技术中心 马骏"),
]


@transaction.atomic
def load_demo_organisations_and_accounts() -> dict[str, int]:
    ensure_default_roles(Role)
    created_orgs = created_users = 0
    by_code: dict[str, Organisation] = {}
    for code, kind, name, name_en, parent, region, extra in ORGANISATIONS:
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            org = Organisation(
                code=code, kind=kind, name=name, name_en=name_en, parent=by_code.get(parent), region_id=region, **extra
            )
            org.full_clean()
            org.save()
            audit.record(actor=None, action="organisation.created", obj=org, reason="demo data")
            created_orgs += 1
        by_code[code] = org
    roles = {r.code: r for r in Role.objects.all()}
    for username, role, org_code, full_name in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, role=roles[role], organisation=by_code[org_code], full_name=full_name)
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
        audit.record(actor=None, action="user.created", obj=user, reason="demo data")
        created_users += 1
    return {"organisations": created_orgs, "users": created_users}
