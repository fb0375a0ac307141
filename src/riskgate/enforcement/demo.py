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


def load_demo_cases() -> int:
    """The enforcement-case demo, through the services as officers would record it: the Xi'an bureau's interview of
    the Xi'an enterprise (held, one commitment fulfilled, one overdue); the Chongqing enterprise's serious penalty
    (the credit demo's decision) published and exposed as a typical case; the warning office's campaign on
    children's products and vehicles with Xi'an's report, its major case supervised at Xi'an Customs; a quality
    benchmark and the 3·15 and Quality Month events."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from riskgate.accounts.models import Organisation
    from riskgate.enforcement import services
    from riskgate.enforcement.models import Interview

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["warning", "xian"])}
    codes = ["ent-xian-trading", "ent-chongqing-moto", "ent-harbin-timber", "xian-customs"]
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    if len(users) < 2 or len(orgs) < len(codes) or Interview.objects.exists():
        return 0
    warning, xian = users["warning"], users["xian"]
    now, today = timezone.now(), timezone.localdate()

    interview = services.schedule_interview(
        xian,
        {
            "subject": "enterprise",
            "enterprise": orgs["ent-xian-trading"],
            "reason": "进口儿童玩具连续两批邻苯二甲酸酯超标，企业未按期报送风险消减报告。",
            "scheduled_at": now - dt.timedelta(days=20),
            "place": "西安海关商品检验处会议室",
        },
    )
    services.record_minutes(
        xian,
        interview,
        {
            "held_at": now - dt.timedelta(days=20),
            "attendees": "西安海关商品检验处 李强；企业法定代表人、质量负责人",
            "minutes": "企业承认进货查验不严，承诺召回在售批次、建立供应商检测制度，30 日内报送整改报告。",
        },
    )
    recall = services.add_commitment(
        xian, interview, {"action": "召回在售的两批儿童玩具", "due": today - dt.timedelta(days=10)}
    )
    services.add_commitment(
        xian, interview, {"action": "建立供应商检测制度并报送整改报告", "due": today - dt.timedelta(days=2)}
    )
    services.fulfil_commitment(
        xian, interview, {"commitment": recall.pk, "fulfilment": "已召回 1,240 件，销毁记录已核查。"}
    )

    campaign = services.open_campaign(
        warning,
        {
            "name": "2026 年进出口儿童用品和汽车配件“龙腾”专项打假行动",
            "commodities": ["children", "vehicles"],
            "fields": ["cross_border", "markets"],
            "starts_on": today - dt.timedelta(days=60),
            "ends_on": today + dt.timedelta(days=30),
            "description": "重点查处侵权假冒儿童玩具、童车和汽车制动部件。",
            "target_inspections": 500,
            "target_cases": 10,
            "target_transfers": 2,
            "target_seized_yuan": 5_000_000,
        },
    )
    services.report_campaign(
        xian, campaign, {"inspections": 186, "seized_yuan": 1_350_000, "note": "西安、咸阳、宝鸡口岸"}
    )
    penalty = services.record_penalty(
        warning,
        {
            "enterprise": orgs["ent-chongqing-moto"],
            "document_number": "渝关缉违字〔2026〕12号",
            "decided_on": today - dt.timedelta(days=120),
            "facts": "进口摩托车申报不实，逃避法定检验，经检验制动系统不合格且已销售。",
            "legal_basis": "《进出口商品检验法》第三十三条、第三十五条",
            "penalties": ["fine", "confiscation"],
            "fine_yuan": 860_000,
            "serious": True,
        },
    )
    services.publish_penalty(
        warning,
        penalty,
        {"public_summary": "当事人进口摩托车申报不实、逃避法定检验，制动系统不合格。罚款并没收违法所得共 86 万元。"},
    )
    services.expose_penalty(
        warning,
        penalty,
        {
            "exposure_title": "逃避检验销售制动不合格进口摩托车案",
            "exposure_text": "进口机动车辆须经法定检验合格后方可销售。消费者购买进口摩托车请查验进口商品检验证明。",
        },
    )
    services.open_supervision(
        warning,
        {
            "supervised": orgs["xian-customs"],
            "partners": "陕西省公安厅、陕西省市场监督管理局",
            "title": "跨境电商渠道假冒品牌儿童安全座椅案",
            "facts": "涉案货值约 300 万元，涉及多个省份。要求查清货源和销售去向，依法移送。",
            "deadline": today + dt.timedelta(days=45),
        },
    )
    services.award_benchmark(
        warning,
        {
            "enterprise": orgs["ent-harbin-timber"],
            "title": "进口木材检疫合规示范企业",
            "citation": "连续三年进口木材检疫零截获，建立全链条溯源记录。",
            "awarded_on": today - dt.timedelta(days=90),
            "valid_until": today + dt.timedelta(days=640),
        },
    )
    for kind, title, days, place, activities, participants, materials in (
        ("consumer_day", "3·15 进口消费品安全进社区", 267, "西安市钟楼广场",
         "展示不合格进口儿童玩具和电器，讲解 CCC 标志和中文标签识别。", 600, 2000),
        ("quality_month", "质量月：进出口企业质量安全主体责任培训", 70, "西安海关培训中心",
         "讲解缺陷召回、风险消减报告和信用修复。", 180, 300),
    ):  # fmt: skip
        services.record_publicity(
            xian,
            {
                "kind": kind,
                "title": title,
                "held_on": today - dt.timedelta(days=days),
                "place": place,
                "activities": activities,
                "participants": participants,
                "materials": materials,
            },
        )
    return 1
