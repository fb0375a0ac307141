"""The enforcement demo: the warning office transfers the Chongqing enterprise's serious violation to the Chongqing
police with a sealed evidence package; the police have not acknowledged it yet."""

DECISION = b"%PDF-1.4\n% demo: administrative penalty decision and inspection record\n"


def load_demo_transfers() -> int:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from riskgate.accounts.models import Organisation
    from riskgate.enforcement import services
    from riskgate.enforcement.models import CaseTransfer

    officer = get_user_model().objects.filter(username="warning").first()
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["cq-police", "ent-chongqing-moto"])}
    if officer is None or len(orgs) < 2 or CaseTransfer.objects.exists():
        return 0
    transfer = services.open_transfer(
        officer,
        {
            "kind": "criminal",
            "receiving": orgs["cq-police"],
            "enterprise": orgs["ent-chongqing-moto"],
            "title": "涉嫌逃避商品检验、以不合格产品冒充合格产品",
            "facts": "进口摩托车申报不实，逃避法定检验，经检验制动系统不合格且已销售，涉案货值较大。",
            "legal_basis": "《行政执法机关移送涉嫌犯罪案件的规定》",
        },
    )
    services.add_evidence(
        officer,
        transfer,
        upload=SimpleUploadedFile("处罚决定书与检验记录.pdf", DECISION, content_type="application/pdf"),
        description="行政处罚决定书、口岸查验和实验室检验记录",
    )
    services.send(officer, transfer)
    return 1
