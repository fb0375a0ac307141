"""CAP 1.2 messages of warning notices, validated against the official OASIS schema in ../shared/data (read as it
is): Alert, Update and Cancel linked by `references`, the documented level mapping, both languages."""

from pathlib import Path

import pytest
from django.conf import settings
from lxml import etree

from riskgate.warnings import cap, services
from tests.warnings.factories import published

NS = {"cap": cap.NS}


@pytest.fixture(scope="module")
def official_schema():
    path = Path(settings.RISKGATE_SHARED_DATA) / "schemas" / "cap" / "CAP-v1.2.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def valid(schema, xml: bytes) -> etree._Element:
    document = etree.fromstring(xml)
    assert schema.validate(document), [e.message for e in schema.error_log]
    assert cap.validate(xml) == []  # the shipped copy of the schema agrees
    return document


def text(document, path):
    return [e.text for e in document.findall(path, NS)]


def test_the_shipped_schema_is_the_official_one():
    official = Path(settings.RISKGATE_SHARED_DATA) / "schemas" / "cap" / "CAP-v1.2.xsd"
    assert cap.SCHEMA.read_bytes() == official.read_bytes()


def test_alert_update_cancel_validate_and_reference_each_other(world, official_schema):
    v1, approver = published(world, {"regions": ["610000", "230000"]})
    alert = valid(official_schema, cap.to_xml(v1))
    assert text(alert, "cap:msgType") == ["Alert"] and not alert.findall("cap:references", NS)
    assert text(alert, "cap:scope") == ["Public"]
    assert text(alert, "cap:info/cap:language") == ["zh-CN", "en-US"]
    assert text(alert, "cap:info/cap:severity") == ["Severe", "Severe"]  # level II
    assert text(alert, "cap:info/cap:urgency") == ["Immediate", "Immediate"]
    assert text(alert, "cap:info/cap:certainty") == ["Observed", "Observed"]
    assert text(alert, "cap:info/cap:category") == ["Safety", "Safety"]
    assert text(alert, "cap:info/cap:area/cap:geocode/cap:value") == ["610000", "230000"] * 2
    assert text(alert, "cap:info[cap:language='zh-CN']/cap:area/cap:areaDesc") == ["陕西省, 黑龙江省"]
    assert "II" in text(alert, "cap:info/cap:parameter/cap:value")

    v2 = services.adjust(world.user("warning"), v1, reason="伤害报告增多", data={"level": "I"})
    services.submit_for_review(world.user("warning"), v2)
    services.approve(approver, v2)
    v2 = services.publish(approver, v2)
    v1.refresh_from_db()
    update = valid(official_schema, cap.to_xml(v2))
    assert text(update, "cap:msgType") == ["Update"]
    assert text(update, "cap:references") == [f"{cap.sender()},{cap.identifier(v1)},{cap.cap_time(v1.published_at)}"]
    assert text(update, "cap:info/cap:severity") == ["Extreme", "Extreme"]
    assert text(update, "cap:note") == ["伤害报告增多"]

    lifted = services.lift(approver, v2, reason="召回完成")
    cancel = valid(official_schema, cap.to_xml(lifted))
    assert text(cancel, "cap:msgType") == ["Cancel"]
    assert text(cancel, "cap:references")[0].split(",")[1] == cap.identifier(v2)
    assert text(cancel, "cap:info/cap:responseType") == ["AllClear", "AllClear"]
    assert text(cancel, "cap:info/cap:urgency") == ["Past", "Past"]


def test_agency_only_notice_is_restricted_and_emergency_is_likely(world, official_schema):
    from tests.warnings.factories import CONTENT, second_officer

    drafter = world.user("warning")
    notice = services.draft_emergency(
        drafter,
        data={**CONTENT, "kinds": ["agency_notice"], "level": "III", "hazard_type": "chemical", "title_en": ""},
        reason="口岸连续检出",
    )
    services.submit_for_review(drafter, notice)
    approver = second_officer(world)
    services.approve(approver, notice)
    notice = services.publish(approver, notice)
    document = valid(official_schema, cap.to_xml(notice))
    assert text(document, "cap:scope") == ["Restricted"] and text(document, "cap:restriction")
    assert text(document, "cap:info/cap:language") == ["zh-CN"]  # no English text, no English info
    assert text(document, "cap:info/cap:certainty") == ["Likely"]
    assert text(document, "cap:info/cap:category") == ["Health"]
    assert text(document, "cap:info/cap:urgency") == ["Expected"]
    assert text(document, "cap:info/cap:area/cap:areaDesc") == ["中华人民共和国全境"]


def test_a_draft_has_no_cap_message(world):
    from tests.warnings.factories import CONTENT, confirmed_assessment

    draft = services.draft_from_assessment(world.user("warning"), confirmed_assessment(world), data=CONTENT)
    with pytest.raises(ValueError, match="not published"):
        cap.build(draft)


def test_sent_times_match_the_schema_pattern():
    import datetime as dt

    assert cap.cap_time(dt.datetime(2026, 12, 1, 0, 0, 0, 123456, tzinfo=dt.UTC)) == "2026-12-01T08:00:00+08:00"


def test_every_cap_message_of_the_demo_warnings_validates(world, official_schema):
    """The demo's warnings (those that need no imported notifications: the emergency ones, one lifted) and every
    version of them: Alert, and the Cancel of the lifted one."""
    from riskgate.warnings.demo import load_demo_warnings
    from riskgate.warnings.models import WarningNotice

    assert load_demo_warnings() >= 2
    emitted = WarningNotice.objects.exclude(published_at=None)
    assert {n.change for n in emitted} >= {"new", "lifted"}
    for notice in emitted:
        valid(official_schema, cap.to_xml(notice))
