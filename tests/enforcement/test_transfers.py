"""Case transfers (R-ENF-1, R-ENF-2): the evidence is sealed when sent and its manifest finds a modified, missing or
added file; the receiving unit alone (outside the sending jurisdiction) reads the case, acknowledges it and reports
the outcome; every step is a link of the chain of custody."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from riskgate.accounts.models import Role, User
from riskgate.core.models import AuditEvent
from riskgate.enforcement import services
from riskgate.enforcement.models import CaseTransfer, EvidenceFile

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 decision"


@pytest.fixture
def police(world):
    user = User(
        username="police",
        role=Role.objects.get(code="partner_officer"),
        organisation=world.org("cq-police"),
        full_name="重庆公安 杨帆",
    )
    user.set_password(world.password)
    user.save()
    return user


def _transfer(world, kind="criminal", receiving="cq-police"):
    return services.open_transfer(
        world.user("warning"),
        {
            "kind": kind,
            "receiving": world.org(receiving),
            "enterprise": world.org("ent-chongqing-moto"),
            "title": "涉嫌逃避商品检验",
            "facts": "申报不实，逃避法定检验。",
        },
    )


def _sealed(world, files=2):
    transfer = _transfer(world)
    for n in range(files):
        services.add_evidence(
            world.user("warning"),
            transfer,
            upload=SimpleUploadedFile(f"证据{n}.pdf", PDF + bytes([n]), content_type="application/pdf"),
            description=f"证据 {n}",
        )
    return services.send(world.user("warning"), transfer)


def test_the_receiver_must_fit_the_kind_and_evidence_is_sealed_when_sent(world):
    with pytest.raises(ValidationError, match="公安机关"):
        _transfer(world, kind="criminal", receiving="sn-market-regulation")
    with pytest.raises(ValidationError, match="检察院"):
        _transfer(world, kind="public_interest", receiving="cq-police")
    with pytest.raises(PermissionDenied):
        services.open_transfer(world.user("port"), {"kind": "criminal"})
    transfer = _transfer(world)
    with pytest.raises(ValidationError, match="至少一份证据"):
        services.send(world.user("warning"), transfer)
    fake = SimpleUploadedFile("x.pdf", b"MZ", content_type="application/pdf")
    with pytest.raises(ValidationError, match="类型不被接受"):
        services.add_evidence(world.user("warning"), transfer, upload=fake, description="x")
    services.add_evidence(
        world.user("warning"), transfer, upload=SimpleUploadedFile("a.pdf", PDF), description="处罚决定书"
    )
    sent = services.send(world.user("warning"), transfer)
    assert sent.status == "sent" and len(sent.manifest["files"]) == 1 and len(sent.manifest_sha256) == 64
    assert [c["action"] for c in sent.manifest["custody"]] == ["added", "sent"]
    assert services.verify(sent) == []
    with pytest.raises(ValidationError, match="已封存"):
        services.add_evidence(world.user("warning"), sent, upload=SimpleUploadedFile("b.pdf", PDF), description="x")


def test_the_manifest_finds_a_modified_a_missing_and_an_added_file(world):
    transfer = _sealed(world, files=3)
    first, second, third = transfer.evidence.order_by("id")
    first.file.storage.delete(first.file.name)
    first.file.storage.save(first.file.name, ContentFile(PDF + b" altered"))  # the same name, other bytes
    second.file.storage.delete(second.file.name)
    extra = EvidenceFile.objects.create(
        transfer=transfer, file=ContentFile(PDF, name="late.pdf"), name="late.pdf", sha256="0" * 64, size=3,
        description="封存后加入",
    )  # fmt: skip
    problems = services.verify(transfer)
    assert problems == ["文件已被改动：证据0.pdf", "缺少文件：证据1.pdf", "封存后增加的文件：late.pdf"]
    assert third.name not in " ".join(problems)
    CaseTransfer.objects.filter(pk=transfer.pk).update(manifest={**transfer.manifest, "title": "改过"})
    transfer.refresh_from_db()
    assert services.verify(transfer)[0] == "证据清单与封存时不一致"
    extra.delete()


def test_only_the_receiving_unit_reads_it_acknowledges_and_reports(world, police):
    transfer = _sealed(world)
    url = reverse("enforcement:transfer", args=[transfer.pk])
    other_agency = world.client_for("partner")  # Shaanxi market regulation: another partner agency
    assert other_agency.get(url).status_code == 404
    assert transfer.reference not in other_agency.get(reverse("enforcement:transfers")).content.decode()
    receiver = world.client_for("police")
    page = receiver.get(url).content.decode()
    assert transfer.title in page and 'data-integrity="intact"' in page and "确认接收" in page
    evidence = transfer.evidence.first()
    assert other_agency.get(reverse("enforcement:evidence", args=[evidence.pk])).status_code == 404
    assert receiver.get(reverse("enforcement:evidence", args=[evidence.pk])).status_code == 200
    with pytest.raises(PermissionDenied):
        services.acknowledge(world.user("partner"), transfer, note="x")
    act = reverse("enforcement:transfer_act", args=[transfer.pk, "acknowledge"])
    assert receiver.post(act, {"note": ""}).status_code == 400
    assert receiver.post(act, {"note": "渝公（经）受案字〔2026〕31号"}).status_code == 302
    assert (
        world.client_for("warning")
        .post(reverse("enforcement:transfer_act", args=[transfer.pk, "conclude"]), {"outcome": "x"})
        .status_code
        == 403
    )  # the sender does not report the receiver's outcome
    conclude = reverse("enforcement:transfer_act", args=[transfer.pk, "conclude"])
    assert receiver.post(conclude, {"outcome": "已立案侦查"}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "concluded" and transfer.outcome == "已立案侦查"
    actions = list(transfer.custody.values_list("action", flat=True))
    assert actions == ["added", "added", "sent", "downloaded", "received", "concluded"]
    # A draft is never shown to the receiver.
    draft = _transfer(world)
    assert receiver.get(reverse("enforcement:transfer", args=[draft.pk])).status_code == 404
    audited = set(AuditEvent.objects.filter(object_type="enforcement.casetransfer").values_list("action", flat=True))
    assert {"case_transfer.sent", "case_transfer.acknowledged", "case_transfer.concluded", "view"} <= audited


def test_opening_a_transfer_posts_the_whole_form_as_a_browser_does(world):
    client = world.client_for("xian")
    form = {
        "kind": "public_interest",
        "receiving": str(world.org("cq-police").pk),
        "enterprise": "",
        "title": "进口儿童玩具邻苯二甲酸酯超标",
        "facts": "多批次销售，损害不特定消费者权益。",
        "legal_basis": "",
    }
    refused = client.post(reverse("enforcement:transfer_new"), form)
    assert refused.status_code == 400 and "检察院" in refused.content.decode()
    assert not CaseTransfer.objects.exists()
    blank = client.post(reverse("enforcement:transfer_new"), {**form, "kind": "", "title": ""})
    assert blank.status_code == 400 and 'class="error-summary"' in blank.content.decode()
    form["kind"], form["receiving"] = "administrative", str(world.org("sn-market-regulation").pk)
    assert client.post(reverse("enforcement:transfer_new"), form).status_code == 302
    assert CaseTransfer.objects.get().organisation == world.org("xian-customs")
