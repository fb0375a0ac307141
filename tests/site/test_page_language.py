"""Every page of the access matrix, in Chinese and in English (issue 26.3): no message id left untranslated, no
raw choice value or internal code where a label belongs, no Chinese from the templates or the code on an English
page.

Each GET page is read by one role that may open it (the home page by every role, since each role has its own), in
both languages. Three checks:
- every message looked up in the English catalogue while the page rendered has a translation (gettext, ngettext,
  pgettext and npgettext are wrapped for the duration);
- no visible text is a raw choice value ("import", "drafted", "targeting") or a dotted event code
  ("login.succeeded"), alone or as one item of a list ("biological: 720 h");
- on an English page, every run of Chinese text is stored data (a title an officer typed, an organisation's
  Chinese name where it has no English one): a run that no stored text contains came from a template or the code.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils import translation

from tests.conftest import ROLES
from tests.site.test_access_matrix import PUBLIC, matrix_world, ui_matrix  # noqa: F401 (a fixture)

HAN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
HAN_LETTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
DOTTED_CODE = re.compile(r"^[a-z][a-z_]+\.(?!(?:pdf|png|jpe?g|csv|xlsx|json|xml|txt|zip)$)[a-z][a-z_]+$")
# What separates the items of a list or a "label: value" pair ("intake:import:run" is one permission code).
LIST_SEPARATORS = re.compile(r"[、;；：|·]|:\s")
# The language switch names each language in itself (marked with its `lang`), which is not a translation.
LANGUAGE_NAMES = {name for _code, name in settings.LANGUAGES}
# Readers tried in this order: the first one the matrix allows reads the page (the officer's view before the
# administrator's, who sees the most but is the least typical reader).
READERS = [
    "bureau_officer",
    "port_officer",
    "warning_officer",
    "enterprise_user",
    "assessor",
    "expert",
    "partner_officer",
    "auditor",
    "system_admin",
    "anonymous",
]


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside script, style and template elements, each with the language its
    element declares (`lang`) and whether it is literal (inside `pre` or `code`: a document or an identifier shown
    as it is stored, such as the CAP message or a field name in the audit trail)."""

    HIDDEN = {"script", "style", "template", "noscript"}
    LITERAL = {"pre", "code"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.nodes: list[tuple[str, str, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        tags = {t for t, _ in self.stack}
        if data.strip() and not tags & self.HIDDEN:
            language = next((lang for _, lang in reversed(self.stack) if lang), "")
            self.nodes.append((data.strip(), language.lower(), bool(tags & self.LITERAL)))


def visible_text(html: str) -> list[tuple[str, str, bool]]:
    """(text, declared language, literal) for every visible text node."""
    parser = VisibleText()
    parser.feed(html)
    return parser.nodes


def raw_choice_values() -> set[str]:
    """Every stored choice value whose label differs from it in both languages (a user name that happens to be one,
    such as the demo's "enterprise", is what its owner typed)."""
    pairs = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if getattr(f, "choices", None):
                pairs.extend(f.flatchoices)
    pending = [models.TextChoices, models.IntegerChoices]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("riskgate."):
            pairs.extend(cls.choices)
    values = set()
    for value, label in pairs:
        if not isinstance(value, str) or len(value) < 3 or not re.search("[a-z]", value):
            continue
        labels = set()
        for language in ("zh-hans", "en"):
            with translation.override(language):
                labels.add(str(label))
        if value not in labels:
            values.add(value)
    return values - set(get_user_model().objects.values_list("username", flat=True))


def stored_text() -> str:
    """Every text value stored in the database, joined: what an English page may show in Chinese as data."""
    chunks = []
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                chunks.extend(str(v) for v in row if v)
    return "\x00".join(chunks)


class Untranslated:
    """Records the message ids looked up in English that the English catalogue does not translate."""

    def __init__(self, monkeypatch):
        self.missing: set[str] = set()
        trans = translation._trans
        for name, position in (("gettext", 0), ("ngettext", 0), ("pgettext", 1), ("npgettext", 1)):
            original = getattr(trans, name)
            monkeypatch.setattr(trans, name, self.wrap(original, position))

    def wrap(self, original, position):
        def wrapped(*args):
            result = original(*args)
            message = args[position]
            if (
                translation.get_language() == "en"
                and HAN_LETTER.search(str(message))
                and HAN_LETTER.search(result)
                and message not in LANGUAGE_NAMES
            ):
                self.missing.add(str(message))
            return result

        return wrapped


def raw_values_in(nodes: list[tuple[str, str, bool]], raw: set[str]) -> set[str]:
    found = set()
    for node, _language, literal in nodes:
        if literal:
            continue
        pieces = {node, *(p.strip() for p in LIST_SEPARATORS.split(node))}
        found |= {f"{p} in «{node[:60]}»" for p in pieces if p in raw or DOTTED_CODE.match(p)}
    return found


def pages(world) -> list[tuple[str, str, str]]:
    """(entry name, role, url) for every GET page of the matrix, the home page once per role."""
    result = []
    for name, entry in ui_matrix(world).items():
        if entry.method != "get" or name.endswith(("_export", "_download", "_file", "_pdf", "healthz")):
            continue
        url = reverse(name, kwargs=entry.kwargs)
        if name == "site:home":
            result.extend((name, role, url) for role in ROLES)
            continue
        allowed = set(ROLES) if entry.allowed is PUBLIC else entry.allowed
        role = next(r for r in READERS if r in allowed)
        result.append((name, role, url))
    return result


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_speaks_the_language_of_its_reader(matrix_world, monkeypatch, language):  # noqa: F811
    untranslated = Untranslated(monkeypatch)
    raw = raw_choice_values()
    data = stored_text()
    problems = []
    for name, role, url in pages(matrix_world):
        client = matrix_world.client_for(role)
        client.cookies["django_language"] = language
        untranslated.missing.clear()
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        nodes = visible_text(response.content.decode())
        found = []
        if untranslated.missing:
            found.append(f"untranslated {sorted(untranslated.missing)[:5]}")
        codes = raw_values_in(nodes, raw)
        if codes:
            found.append(f"raw values {sorted(codes)[:8]}")
        if language == "en":
            leaks = {
                run
                for node, declared, literal in nodes
                if not literal and not declared.startswith("zh")
                for run in HAN.findall(node)
                if HAN_LETTER.search(run) and run not in data and run not in LANGUAGE_NAMES
            }
            if leaks:
                found.append(f"Chinese on an English page {sorted(leaks)[:8]}")
        if found:
            problems.append(f"{url} ({role}): " + "; ".join(found))
    assert not problems, f"{len(problems)} pages:\n" + "\n".join(problems)
