"""Reading "my pending work" (我的待办) off a home page as a person reads it: each group's rows by reference."""

import re

GROUP = re.compile(r'<div class="card work-group" id="[^"]*" data-work="([^"]+)">(.*?)</table>', re.S)
ROW = re.compile(r'<tr(?: class="([^"]*)")?><td><a href="([^"]+)">([^<]+)</a>.*?</tr>', re.S)


def work_on_home(client) -> dict[str, dict[str, str]]:
    """{group key: {the first word of each row's title (its reference): "<row class> <the row's text>"}}."""
    page = client.get("/").content.decode()
    groups = {}
    for key, body in GROUP.findall(page):
        rows = {}
        for css, _href, title in ROW.findall(body):
            text = re.sub(r"<[^>]+>", " ", body.split(title, 1)[1].split("</tr>", 1)[0])
            rows[title.split()[0]] = f"{css} {' '.join(text.split())}"
        groups[key] = rows
    return groups


def busy_world(world) -> dict:
    """Something waiting for every demo role, each in one jurisdiction: an item received at Xi'an, a published
    warning (its inbox, an obligation on the enterprise, an overdue measure led by Xianyang), a warning in review,
    a confirmed assessment with no warning yet, an assessment to accept, one before the panel, an inspection task
    at the Xi'an airport port."""
    import datetime as dt

    from django.utils import timezone

    from riskgate.accounts.models import Organisation
    from riskgate.intake import services as intake
    from riskgate.response.models import MeasureOrder
    from riskgate.targeting import live
    from riskgate.targeting import services as targeting
    from riskgate.targeting.models import InspectionTask, PortOffice
    from riskgate.targeting.services import screening
    from riskgate.warnings import services as warnings
    from tests.assessment.factories import bring_to_panel, request, verified_item
    from tests.response.factories import impose
    from tests.targeting.test_tasks import ITEM
    from tests.warnings.factories import CONTENT, confirmed_assessment, published

    received = intake.create_information(
        world.user("xian"),
        data={
            "source_type": "consumer_complaint",
            "channel": "officer_entry",
            "title": "电动滑板车电池过热起火",
            "hazard_types": ["physical"],
        },
    )
    notice, _approver = published(world)
    in_review = warnings.draft_from_assessment(
        world.user("warning"),
        confirmed_assessment(world, info=verified_item(world, title="儿童自行车刹车失灵")),
        data={**CONTENT, "title": "关于进口儿童自行车刹车失灵风险的警示"},
    )
    warnings.submit_for_review(world.user("warning"), in_review)
    unpublished = confirmed_assessment(world, info=verified_item(world, title="电热毯过热"))
    to_accept = request(world, verified_item(world, title="婴儿床护栏间距过大"))
    before_panel = request(world, verified_item(world, title="儿童玩具小零件"))
    bring_to_panel(world, before_panel)
    obligation = impose(world, notice)
    order = destruction_order(world, notice)
    MeasureOrder.objects.filter(pk=order.pk).update(deadline=timezone.now() - dt.timedelta(hours=30))
    PortOffice.objects.get_or_create(
        code="CNXIY", defaults={"organisation": Organisation.objects.get(code="xian-airport-port")}
    )
    targeting.issue(world.user("xian"), {"hs_prefixes": ["8507"], "action": "inspect"})
    live.reset()
    screening.screen(world.user("port"), [ITEM], one_declaration=False)
    live.reset()
    return {
        "received": received,
        "notice": notice,
        "in_review": in_review,
        "unpublished": unpublished,
        "to_accept": to_accept,
        "before_panel": before_panel,
        "obligation": obligation,
        "order": order,
        "task": InspectionTask.objects.get(),
    }


def chained_world(world) -> dict:
    """One risk from end to end: a verified item, its confirmed assessment, the warning published on it, a control
    rule issued from the warning that found a non-conforming consignment at the port (a new item), a measure and an
    obligation on the warning, and a recall ordered on the warning."""

    from riskgate.accounts.models import Organisation
    from riskgate.response.services import recalls
    from riskgate.targeting import live
    from riskgate.targeting import services as targeting
    from riskgate.targeting.models import InspectionTask, PortOffice
    from riskgate.targeting.services import inspection, screening
    from tests.response.factories import impose, recall_data
    from tests.targeting.test_tasks import ITEM
    from tests.warnings.factories import published

    notice, _approver = published(world)
    assessment = notice.assessment
    PortOffice.objects.get_or_create(
        code="CNXIY", defaults={"organisation": Organisation.objects.get(code="xian-airport-port")}
    )
    rule = targeting.issue(world.user("warning"), {"hs_prefixes": ["8507"], "action": "inspect"}, warning=notice)
    live.reset()
    screening.screen(world.user("port"), [ITEM], one_declaration=False)
    live.reset()
    task = InspectionTask.objects.get()
    inspection.record_outcome(world.user("port"), task, outcome="non_conforming", findings="过充保护失效")
    task.refresh_from_db()
    order = destruction_order(world, notice)
    obligation = impose(world, notice)
    recall = recalls.open_recall(world.user("xian"), recall_data(world, kind="ordered", warning=notice))
    return {
        "information": assessment.information.get(),
        "assessment": assessment,
        "warning": notice,
        "rule": rule,
        "task": task,
        "found": task.information,
        "measure": order,
        "obligation": obligation,
        "recall": recall,
    }


def destruction_order(world, notice):
    """Xi'an Customs orders supervised destruction on a warning, led by Xianyang Customs, due in three days."""
    import datetime as dt

    from django.utils import timezone

    from riskgate.response.models import MeasureKind
    from riskgate.response.services import measures

    return measures.order_measure(
        world.user("xian"),
        kind=MeasureKind.objects.get(code="supervised-destruction"),
        warning=notice,
        target_kind="product",
        target="涉事型号全部库存",
        hs_codes=[],
        instructions="监督销毁。",
        lead_unit=world.org("xianyang-customs"),
        cooperating_units=[],
        deadline=timezone.now() + dt.timedelta(days=3),
    )
