"""CAP 1.2 (OASIS Common Alerting Protocol) messages of warning notices, valid against the official schema.

Every published version is one message: the first is an Alert, an adjustment or an emergency warning's
confirmation an Update and a lifting a Cancel,
each referencing the version before it ("sender,identifier,sent"). How a warning maps onto CAP (documented in
docs/decisions/0010-warnings.md):
- severity by level: I Extreme, II Severe, III Moderate, IV Minor;
- urgency by level: I and II Immediate (act now), III Expected (within the hour to days), IV Future; a Cancel Past;
- certainty: Observed when the warning rests on a confirmed assessment, Likely on the emergency path until a
  version confirms it (Art.18–19), whose <note> also says it is pending confirmation;
- category by hazard: health, chemical, biological → Health; physical → Safety; environmental → Env; else Other;
- responseType: Avoid (stop using, do not import), AllClear for a Cancel;
- scope: Public when the warning includes a public announcement or a business notice; a warning that is only a
  notice to inspection agencies is Restricted (and never reaches the public channels);
- one <info> per language (zh-CN always, en-US when the English text exists); one <area> with the regions
  (GB/T 2260 geocodes) or the whole country.
"""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from lxml import etree

from riskgate.core.models import Region
from riskgate.core.vocabulary import LEVEL_COLOURS, WarningLevel

from .models import PUBLIC_KINDS, Change, WarningNotice
from .models import Path as IssuePath

NS = "urn:oasis:names:tc:emergency:cap:1.2"
SCHEMA = Path(__file__).resolve().parent / "data" / "CAP-v1.2.xsd"

SEVERITY = {
    WarningLevel.I: "Extreme",
    WarningLevel.II: "Severe",
    WarningLevel.III: "Moderate",
    WarningLevel.IV: "Minor",
}
URGENCY = {
    WarningLevel.I: "Immediate",
    WarningLevel.II: "Immediate",
    WarningLevel.III: "Expected",
    WarningLevel.IV: "Future",
}
CATEGORY = {
    "health": "Health",
    "chemical": "Health",
    "biological": "Health",
    "physical": "Safety",
    "environmental": "Env",
}
PENDING_NOTE = (
    "紧急情况先行发布，待风险研判事后确认 / issued in an emergency, pending confirmation by a risk assessment"
)
MSG_TYPE = {Change.NEW: "Alert", Change.ADJUSTED: "Update", Change.CONFIRMED: "Update", Change.LIFTED: "Cancel"}
EVENT = {"zh-CN": "进出口商品质量安全风险预警", "en-US": "Import/export product quality and safety warning"}
NATIONWIDE = {"zh-CN": "中华人民共和国全境", "en-US": "Nationwide (China)"}


def sender() -> str:
    return getattr(settings, "RISKGATE_CAP_SENDER", "warnings@riskgate.invalid")


def identifier(notice: WarningNotice) -> str:
    return f"riskgate-{notice.reference}"


def cap_time(value) -> str:
    """CAP's dateTime: local time with a numeric offset, no fractions, never "Z"."""
    value = timezone.localtime(value).replace(microsecond=0)
    text = value.isoformat()
    return text[:-6] + "+00:00" if text.endswith("Z") else text


def is_public(notice: WarningNotice) -> bool:
    return bool(PUBLIC_KINDS & set(notice.kinds))  # the same rule as WarningNotice.public


def _sub(parent, tag: str, text=None):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        element.text = str(text)
    return element


def build(notice: WarningNotice) -> etree._Element:
    """The CAP alert element of one published (or lifting) version."""
    if notice.published_at is None:
        raise ValueError(f"{notice.reference} is not published")
    alert = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    _sub(alert, "identifier", identifier(notice))
    _sub(alert, "sender", sender())
    _sub(alert, "sent", cap_time(notice.published_at))
    _sub(alert, "status", "Actual")
    msg_type = MSG_TYPE[notice.change]
    _sub(alert, "msgType", msg_type)
    _sub(alert, "source", notice.organisation.name)
    public = is_public(notice)
    _sub(alert, "scope", "Public" if public else "Restricted")
    if not public:
        _sub(alert, "restriction", "仅限检验检疫机构和协作部门 / inspection agencies and partner agencies only")
    note = [notice.change_reason] if notice.change_reason else []
    if unconfirmed(notice):
        note.append(PENDING_NOTE)
    if note:
        _sub(alert, "note", " ".join(note))
    if notice.supersedes_id:
        previous = notice.supersedes
        _sub(alert, "references", f"{sender()},{identifier(previous)},{cap_time(previous.published_at)}")
    for language in ("zh-CN", "en-US"):
        if language == "en-US" and not notice.title_en:
            continue
        _info(alert, notice, language, msg_type)
    return alert


def _info(alert, notice: WarningNotice, language: str, msg_type: str) -> None:
    english = language == "en-US"
    level = WarningLevel(notice.level)
    info = _sub(alert, "info")
    _sub(info, "language", language)
    _sub(info, "category", CATEGORY.get(notice.hazard_type, "Other"))
    _sub(info, "event", EVENT[language])
    _sub(info, "responseType", "AllClear" if msg_type == "Cancel" else "Avoid")
    _sub(info, "urgency", "Past" if msg_type == "Cancel" else URGENCY[level])
    _sub(info, "severity", SEVERITY[level])
    certainty = "Likely" if unconfirmed(notice) else "Observed"
    _sub(info, "certainty", certainty)
    if notice.audience:
        _sub(info, "audience", notice.audience)
    for code in notice.hs_codes:
        code_element = _sub(info, "eventCode")
        _sub(code_element, "valueName", "HS")
        _sub(code_element, "value", code)
    if notice.starts_at:
        _sub(info, "effective", cap_time(notice.starts_at))
    if notice.valid_until and msg_type != "Cancel":
        _sub(info, "expires", cap_time(notice.valid_until))
    _sub(
        info,
        "senderName",
        notice.organisation.name_en if english and notice.organisation.name_en else notice.organisation.name,
    )
    _sub(info, "headline", (notice.title_en if english else notice.title)[:160])
    description = notice.summary_en if english and notice.summary_en else notice.summary
    _sub(info, "description", description)
    _sub(info, "instruction", notice.measures_en if english and notice.measures_en else notice.measures)
    base = getattr(settings, "RISKGATE_BASE_URL", "").rstrip("/")
    if base:
        _sub(info, "web", f"{base}/warnings/{notice.lineage_id}/")
    for name, value in (
        ("warningLevel", level.value),
        ("warningColour", LEVEL_COLOURS[level]),
        ("warningKinds", " ".join(notice.kinds)),
        ("warningVersion", str(notice.version)),
    ):
        parameter = _sub(info, "parameter")
        _sub(parameter, "valueName", name)
        _sub(parameter, "value", value)
    area = _sub(info, "area")
    if notice.regions:
        names = dict(
            Region.objects.filter(code__in=notice.regions).values_list("code", "name_en" if english else "name")
        )
        _sub(area, "areaDesc", ", ".join(names.get(code) or code for code in notice.regions))
        for code in notice.regions:
            geocode = _sub(area, "geocode")
            _sub(geocode, "valueName", "GB/T 2260")
            _sub(geocode, "value", code)
    else:
        _sub(area, "areaDesc", NATIONWIDE[language])


def unconfirmed(notice: WarningNotice) -> bool:
    """Issued by the emergency path and, when this version was published, not yet confirmed by an assessment: its
    message says so (certainty Likely, a note); the confirming version is an Update with certainty Observed."""
    return notice.path == IssuePath.EMERGENCY and notice.confirmed_at is None


def to_xml(notice: WarningNotice) -> bytes:
    return etree.tostring(build(notice), xml_declaration=True, encoding="UTF-8", pretty_print=True)


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def validate(xml: bytes) -> list[str]:
    """The schema's complaints about a message; empty when it is valid CAP 1.2."""
    document = etree.fromstring(xml)
    checker = schema()
    if checker.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log]
