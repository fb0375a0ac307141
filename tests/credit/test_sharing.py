"""Joint punishment and sharing (联合惩戒): partner agencies with a sharing scope pull signed packages of grade
changes and list changes after a cursor — incremental, idempotent, round-tripped, and a modified or missing file
is found through the manifest."""

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone

from riskgate.core.models import AuditEvent
from riskgate.credit import services
from riskgate.credit import share_package as package
from riskgate.credit.models import ListCriterion, ShareScope
from riskgate.credit.services import sharing

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples" / "credit-share"


@pytest.fixture
def partner(world):
    ShareScope.objects.create(organisation=world.org("sn-market-regulation"), grades=True, lists=["black"])
    return world.client_for("partner")


def _pull(client, after=0, **params):
    response = client.get("/api/v1/credit/sharing/packages", {"after": after, **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    return response.content


def _penalise(world, code, source):
    services.record_event(
        enterprise=world.org(code), kind="penalty_serious", source=source, detail="x", occurred_at=timezone.now()
    )


def test_packages_are_incremental_idempotent_signed_and_round_trip(world, partner):
    key = partner.get("/api/v1/credit/sharing/public-key").json()["public_key"]
    _penalise(world, "ent-xian-trading", "document:1")  # regular → dishonest
    black = ListCriterion.objects.get(code="black-serious-violation")
    entry = services.propose(
        world.user("warning"), world.org("ent-xian-trading"), black, reason="内部", public_summary="受到严重处罚"
    )
    services.decide(world.user("xian"), entry, approve=True, note="同意")
    first = _pull(partner)
    manifest, problems = package.verify(first, key)
    assert problems == [] and manifest["count"] == 2 and manifest["after"] == 0
    records = package.read_records(first)
    assert [r["kind"] for r in records] == ["grade", "list"]
    assert records[0]["grade_after"] == "dishonest" and records[0]["uscc"] == world.org("ent-xian-trading").uscc
    assert records[1]["status"] == "published" and records[1]["summary"] == "受到严重处罚"
    assert "内部" not in first.decode("latin-1") and "score" not in records[0]
    rows = list(csv.DictReader(io.StringIO(zipfile.ZipFile(io.BytesIO(first)).read("records.csv").decode())))
    assert [r["cursor"] for r in rows] == [str(r["cursor"]) for r in records] and rows[1]["entry"] == entry.reference
    # Idempotent: the same cursor gives the same bytes; incremental: nothing new after the cursor.
    assert _pull(partner) == first
    again = _pull(partner, after=manifest["cursor"])
    assert package.verify(again, key)[0]["count"] == 0
    services.revoke(world.user("warning"), entry, reason="复议撤销")
    later = package.read_records(_pull(partner, after=manifest["cursor"]))
    assert [(r["kind"], r["status"], r["removal"]) for r in later] == [("list", "removed", "revoked")]
    # A limit pages through: one record, then the next from its cursor.
    page = package.verify(_pull(partner, limit=1), key)[0]
    assert page["count"] == 1 and package.verify(_pull(partner, after=page["cursor"], limit=1), key)[0]["count"] == 1
    assert AuditEvent.objects.filter(action="credit_share.pulled").count() == 6


def test_the_scope_decides_what_is_shared_and_who_pulls(world, partner):
    red = ListCriterion.objects.get(code="red-exemplary")
    enterprise = world.org("ent-baoji-toys")
    services.record_event(
        enterprise=enterprise, kind="customs_certified", source="document:AEO", detail="", occurred_at=timezone.now()
    )
    entry = services.propose(world.user("warning"), enterprise, red, reason="r", public_summary="诚信典型")
    services.decide(world.user("xian"), entry, approve=True)
    ShareScope.objects.update(grades=False)
    assert package.read_records(_pull(partner)) == []  # red list and grades are outside this scope
    ShareScope.objects.update(lists=["red"])
    assert [r["list"] for r in package.read_records(_pull(partner))] == ["red"]
    ShareScope.objects.update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert partner.get("/api/v1/credit/sharing/packages").status_code == 403
    for role in ("enterprise_user", "port_officer", "bureau_officer"):
        assert world.client_for(role).get("/api/v1/credit/sharing/packages").status_code == 403


def test_a_modified_missing_or_added_file_is_found_through_the_manifest(world, tmp_path):
    key = package.private_key(b"test")
    public = package.public_hex(key)
    records = [
        {c: None for c in package.COLUMNS} | {"cursor": 1, "kind": "grade", "uscc": "X", "grade_after": "dishonest"}
    ]
    good = package.build(records, after=0, cursor=1, key=key)
    assert package.verify(good, public)[1] == []

    def rewrite(change):
        source = zipfile.ZipFile(io.BytesIO(good))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in source.namelist():
                data = change(name, source.read(name))
                if data is not None:
                    target.writestr(name, data)
            if change("extra.csv", None) is not None:
                target.writestr("extra.csv", b"x")
        return out.getvalue()

    altered = rewrite(lambda n, d: d.replace(b"dishonest", b"regular") if n == "records.csv" else d)
    assert package.verify(altered, public)[1] == ["records.csv: altered (its SHA-256 is not the manifest's)"]
    missing = rewrite(lambda n, d: None if n == "records.json" else d)
    assert package.verify(missing, public)[1] == ["records.json: missing"]
    added = rewrite(lambda n, d: b"x" if n == "extra.csv" else d)
    assert package.verify(added, public)[1] == ["extra.csv: not in the manifest"]

    def forged_manifest(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["files"][0]["sha256"] = "0" * 64
        return json.dumps(manifest).encode()

    assert "signature does not hold" in package.verify(rewrite(forged_manifest), public)[1][0]
    other = package.public_hex(package.private_key(b"other"))
    assert "signature does not hold" in package.verify(good, other)[1][0]
    # The command line tool, in a fresh shell without Django: one line, exit status 1 for a bad package.
    path = tmp_path / "p.zip"
    path.write_bytes(altered)
    cli = [sys.executable, "-c", "from riskgate.cli import main; main()", "verify-credit-share"]
    result = subprocess.run([*cli, str(path), "--public-key", public], capture_output=True, text=True, env={"PATH": ""})
    assert result.returncode == 1 and result.stderr.strip().startswith("error: records.csv: altered")
    path.write_bytes(good)
    result = subprocess.run([*cli, str(path), "--public-key", public], capture_output=True, text=True, env={"PATH": ""})
    assert result.returncode == 0 and result.stdout.startswith("ok: 1 records")
    missing_file = subprocess.run(
        [*cli, str(tmp_path / "none.zip"), "--public-key", public], capture_output=True, text=True
    )
    assert missing_file.returncode == 2 and missing_file.stderr.count("\n") == 1


def test_the_documented_example_is_what_the_format_makes_and_verifies():
    """docs/credit-sharing-format.md's example package: built from its records with the documented example key."""
    records = json.loads((EXAMPLES / "records.json").read_bytes())
    manifest = json.loads((EXAMPLES / "manifest.json").read_bytes())
    key = package.private_key(b"riskgate-example-key")
    built = package.build(records, after=manifest["after"], cursor=manifest["cursor"], key=key)
    archive = zipfile.ZipFile(io.BytesIO(built))
    for name in ("manifest.json", "records.json", "records.csv"):
        assert archive.read(name) == (EXAMPLES / name).read_bytes(), name
    assert package.verify(built, package.public_hex(key))[1] == []
    assert package.public_hex(key) in (ROOT / "docs" / "credit-sharing-format.md").read_text()
    assert sharing.MAX_RECORDS == 10_000
