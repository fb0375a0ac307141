"""Reference data: GB/T 2260 regions and the real HS 2022 nomenclature, loaded idempotently."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from riskgate.core.models import HSCode, HSSection, Region
from riskgate.core.reference import load_hs


@pytest.mark.django_db
def test_all_province_level_divisions_are_present():
    provinces = Region.objects.filter(level="province")
    assert provinces.count() == 34
    assert provinces.get(code="610000").name == "陕西省"
    assert Region.objects.get(code="371500").parent_id == "370000"
    assert all(r.code[2:] == "0000" for r in provinces)


@pytest.mark.django_db
def test_prefectures_of_the_demo_provinces_are_complete():
    assert Region.objects.filter(parent_id="610000").count() == 10  # Shaanxi
    assert Region.objects.filter(parent_id="370000").count() == 16  # Shandong
    assert Region.objects.filter(parent_id="230000").count() == 13  # Heilongjiang


def clear_hs():
    """The suite preloads HS once (conftest); these tests start from an empty nomenclature (rolled back after)."""
    HSCode.objects.update(parent=None)
    HSCode.objects.all().delete()
    HSSection.objects.all().delete()


@pytest.mark.django_db
def test_hs_loads_the_real_file_twice_without_creating_anything_new():
    clear_hs()
    first = load_hs()
    assert first.created == HSSection.objects.count() + HSCode.objects.count() and first.updated == 0
    assert HSCode.objects.filter(level=2).count() == 97
    assert HSCode.objects.get(code="8703").parent_id == "87"
    assert HSCode.objects.get(code="87").description_zh.startswith("车辆")
    assert HSCode.objects.get(code="99").section is None
    second = load_hs()
    assert second.created == 0 and second.updated == 0 and second.unchanged == first.created


@pytest.mark.django_db
def test_every_hs_chapter_and_section_has_a_chinese_name():
    clear_hs()
    load_hs()
    assert not HSCode.objects.filter(level=2, description_zh="").exists()
    assert not HSSection.objects.filter(name_zh="").exists()


@pytest.mark.django_db
def test_a_malformed_hs_file_changes_nothing(tmp_path, settings):
    clear_hs()
    source = settings.RISKGATE_SHARED_DATA / "hs"
    shutil.copy(source / "sections.csv", tmp_path / "sections.csv")
    text = (source / "harmonized-system.csv").read_text(encoding="utf-8")
    (tmp_path / "harmonized-system.csv").write_text(text + 'XV,72AB,"Broken code",72,4\n', encoding="utf-8")
    with pytest.raises(ValueError, match="malformed"):
        load_hs(tmp_path)
    assert HSCode.objects.count() == 0
    with pytest.raises(CommandError, match="malformed"):
        call_command("load_reference_data", hs_folder=tmp_path, stdout=io.StringIO())


@pytest.mark.django_db
def test_missing_data_folder_gives_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Reference file not found"):
        call_command("load_reference_data", hs_folder=tmp_path / "nowhere", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_load_demo_is_idempotent():
    """On an empty database (the session's demo data removed first; a transactional test flushes afterwards)."""
    call_command("flush", "--noinput", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo", without_notifications=True, stdout=out)
    call_command("load_demo", without_notifications=True, stdout=out)
    text = out.getvalue()
    assert "Demo organisations created: 30, accounts created: 13" in text
    assert "Demo organisations created: 0, accounts created: 0" in text
    from riskgate.core.audit import verify_chain

    assert verify_chain().ok
