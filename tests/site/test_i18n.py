"""Chinese first, English second: every string is translatable, translated, and compiled."""

import os
import re
import shutil
import subprocess
import sys
from gettext import GNUTranslations
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "riskgate"
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def po_entries(path: Path) -> dict[str, tuple[str, str]]:
    """msgid (with its context as "context\x04msgid", as gettext keys it) -> (msgid_plural, msgstr or msgstr[0]),
    joining continuation lines."""
    entries, current, field = {}, {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\]) "(.*)"$', line)
        if match:
            field = match.group(1)
            current[field] = current.get(field, "") + match.group(2)
        elif line.startswith('"') and field:
            current[field] += line[1:-1]
        elif not line.strip():
            if "msgid" in current:
                key = f"{current['msgctxt']}\x04{current['msgid']}" if "msgctxt" in current else current["msgid"]
                entries[key] = (
                    current.get("msgid_plural", ""),
                    current.get("msgstr", current.get("msgstr[0]", "")),
                )
            current, field = {}, None
    entries.pop("", None)
    return entries


def test_every_english_string_is_translated():
    untranslated = [k for k, (_plural, msgstr) in po_entries(PO).items() if not msgstr]
    assert not untranslated


def test_compiled_catalogue_matches_the_source():
    """The committed .mo was compiled from the committed .po (run `make messages` after editing)."""
    with MO.open("rb") as f:
        catalogue = GNUTranslations(f)
    for msgid, (plural, msgstr) in po_entries(PO).items():
        compiled = catalogue.ngettext(msgid, plural, 1) if plural else catalogue.gettext(msgid)
        assert compiled == msgstr, msgid


def test_no_string_is_missing_from_the_catalogue(tmp_path):
    """Extract the strings afresh: a new translatable string without an entry fails here."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("gettext is required in CI (installed by `make system-deps`)")
        pytest.skip("gettext is installed by `make system-deps`")
    copy = tmp_path / "riskgate"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    django_admin = Path(sys.executable).with_name("django-admin")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run([str(django_admin), "makemessages", "-l", "en"], cwd=copy, check=True, capture_output=True, env=env)
    fresh = set(po_entries(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = fresh - set(po_entries(PO))
    assert not missing, f"run `make messages` and translate: {sorted(missing)[:10]}"


def test_chinese_is_the_default_language(db):
    response = Client().get("/accounts/login/")
    assert '<html lang="zh-Hans">' in response.content.decode()
    assert "连续多次输入错误将暂时锁定账户" in response.content.decode()


def test_english_switch(world):
    client = world.client_for("bureau_officer")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/organisations/"})
    assert response.status_code == 302
    page = client.get("/organisations/").content.decode()
    assert '<html lang="en">' in page and "Register enterprise" in page and "Organisations" in page
    assert "登记企业" not in page
    api_error = client.get("/api/v1/organisations", {"kind": "x"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert api_error["message"] in ("The request parameters are invalid.", "请求参数有误。")


def test_permission_labels_follow_the_language():
    from django.utils import translation

    from riskgate.core.permissions import PERMISSION_CHOICES

    with translation.override("en"):
        assert "View the audit trail" in str(dict(PERMISSION_CHOICES)["audit:event:view"])
    with translation.override("zh-hans"):
        assert "查看审计日志" in str(dict(PERMISSION_CHOICES)["audit:event:view"])


def test_english_has_no_chinese_characters_or_punctuation():
    """Chinese punctuation only in Chinese: no English translation holds a Han character or a full-width mark
    (the template tag `punct` gives values their separators in the active language)."""
    chinese = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff1f]")
    offending = {k: msgstr for k, (_plural, msgstr) in po_entries(PO).items() if chinese.search(msgstr)}
    assert not offending


def test_punctuation_between_values_follows_the_language():
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{% load riskgate %}A{% punct "：" %}B{% punct "（" %}C{% punct "）" %}')
    with translation.override("en"):
        assert template.render(Context()) == "A: B (C)"
    with translation.override("zh-hans"):
        assert template.render(Context()) == "A：B（C）"
