"""Evidence attachments: type and size limits by content, stored outside the web root, served only in scope."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from riskgate.core.models import AuditEvent
from riskgate.intake import services
from riskgate.intake.models import Evidence, RiskInformation

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.7\n" + b"0" * 200


@pytest.fixture
def item(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return services.create_information(
        world.user("xian"),
        data={
            "source_type": "consumer_complaint",
            "channel": "hotline",
            "title": "插线板熔化",
            "hazard_types": ["physical"],
        },
    )


def upload(client, item, *files):
    return client.post(f"/intake/{item.pk}/evidence/", {"files": list(files)})


def test_officer_attaches_photos_and_reports_and_reads_them_back(world, item):
    client = world.client_for("bureau_officer")
    response = upload(client, item, SimpleUploadedFile("现场.png", PNG), SimpleUploadedFile("检测报告.pdf", PDF))
    assert response.status_code == 302
    stored = list(item.evidence.all())
    assert [e.content_type for e in stored] == ["image/png", "application/pdf"]
    path = stored[0].file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and not path.startswith(str(settings.STATIC_ROOT))
    assert stored[0].file.name.endswith(".png") and "现场" not in stored[0].file.name, "stored under a random name"
    download = client.get(f"/intake/{item.pk}/evidence/{stored[0].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="intake.evidence_viewed", object_id=str(item.pk)).exists()
    assert AuditEvent.objects.filter(action="intake.evidence_added").count() == 2


def test_a_file_is_judged_by_its_content_not_its_name(world, item):
    client = world.client_for("bureau_officer")
    response = upload(
        client, item, SimpleUploadedFile("photo.png", b"MZ\x90\x00 this is an executable", content_type="image/png")
    )
    assert response.status_code == 302 and not Evidence.objects.exists()
    page = client.get(f"/intake/{item.pk}/").content.decode()
    assert "类型不被接受" in page


def test_one_bad_file_stores_none_of_the_batch(world, item):
    upload(
        world.client_for("bureau_officer"),
        item,
        SimpleUploadedFile("a.png", PNG),
        SimpleUploadedFile("b.exe", b"MZ\x90\x00"),
    )
    assert not Evidence.objects.exists()


def test_size_and_count_limits(world, item, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    client = world.client_for("bureau_officer")
    upload(client, item, SimpleUploadedFile("big.png", PNG))
    assert not Evidence.objects.exists()
    settings.EVIDENCE_MAX_BYTES = 10_000
    settings.EVIDENCE_MAX_FILES = 2
    upload(client, item, *[SimpleUploadedFile(f"{i}.png", PNG) for i in range(3)])
    assert not Evidence.objects.exists()
    upload(client, item, *[SimpleUploadedFile(f"{i}.png", PNG) for i in range(2)])
    assert Evidence.objects.count() == 2


def test_evidence_outside_the_jurisdiction_is_hidden(world, item):
    upload(world.client_for("bureau_officer"), item, SimpleUploadedFile("a.png", PNG))
    evidence = Evidence.objects.get()
    for role in ("harbin", "port_officer", "enterprise_user", "auditor", "anonymous"):
        response = world.client_for(role).get(f"/intake/{item.pk}/evidence/{evidence.pk}/")
        assert response.status_code in (302, 403, 404), role
        assert b"PNG" not in getattr(response, "content", b"")
    other = services.create_information(
        world.user("xian"),
        data={"source_type": "other", "channel": "hotline", "title": "另一条", "hazard_types": ["other"]},
    )
    assert world.client_for("bureau_officer").get(f"/intake/{other.pk}/evidence/{evidence.pk}/").status_code == 404
    refused = world.client_for("harbin").post(
        f"/intake/{item.pk}/evidence/", {"files": [SimpleUploadedFile("x.png", PNG)]}
    )
    assert refused.status_code == 404 and Evidence.objects.count() == 1


def test_public_report_with_a_photo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    response = Client().post(
        "/report/",
        {
            "source_type": "consumer_complaint",
            "title": "玩具小零件脱落",
            "description": "三岁孩子差点误吞。",
            "product_name": "积木",
            "injured": "0",
            "files": [SimpleUploadedFile("toy.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100)],
        },
        REMOTE_ADDR="10.9.0.1",
    )
    assert response.status_code == 200
    assert RiskInformation.objects.get().evidence.get().content_type == "image/jpeg"
    bad = Client().post(
        "/report/",
        {
            "source_type": "consumer_complaint",
            "title": "x",
            "description": "y",
            "product_name": "z",
            "injured": "0",
            "files": [SimpleUploadedFile("virus.jpg", b"MZ\x90")],
        },
        REMOTE_ADDR="10.9.0.2",
    )
    assert bad.status_code == 400 and "类型不被接受" in bad.content.decode()
    assert RiskInformation.objects.count() == 1, "a refused file stores no report either"


def test_large_uploads_pass_the_body_limit_but_json_bodies_do_not(world, item, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1000
    client = world.client_for("bureau_officer")
    response = upload(client, item, SimpleUploadedFile("a.pdf", PDF + b"0" * 5000))
    assert response.status_code == 302 and Evidence.objects.count() == 1
