"""Long imports from the UI run in the background with visible progress and a row-level report."""

from django.core.files.uploadedfile import SimpleUploadedFile

from riskgate.intake.models import ImportJob, RiskInformation

CSV = (
    "external_id,title,hazard_types,origin_countries\n"
    "UI-1,进口电热毯过热,physical,CN\n"
    "UI-2,儿童口水巾荧光剂超标,chemical,VN\n"
    "UI-3,坏行,radioactive,CN\n"
).encode()


def start(client, world, data=CSV, name="partner.csv", source="partner"):
    return client.post(
        "/intake/imports/",
        {"source": source, "organisation": world.org("gacc-warning-office").pk, "file": SimpleUploadedFile(name, data)},
    )


def test_warning_office_imports_a_file_and_follows_its_progress(world, django_capture_on_commit_callbacks):
    client = world.client_for("warning_officer")
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, world)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/intake/imports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done" and job.done == job.total == 2 and job.percent == 100
    assert (job.report["created"], len(job.report["rejected"])) == (2, 1)
    page = client.get(f"/intake/imports/{job.pk}/").content.decode()
    assert "已完成" in page and "hazard_types 无效" in page and 'value="100"' in page
    fragment = client.get(f"/intake/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "hx-trigger" not in fragment, "a finished job stops polling"
    assert RiskInformation.objects.filter(external_system="PARTNER:gacc-warning-office").count() == 2


def test_a_running_job_keeps_polling(world):
    client = world.client_for("warning_officer")
    start(client, world)  # the task is queued after commit; here it never ran
    job = ImportJob.objects.get()
    fragment = client.get(f"/intake/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert job.status == "queued" and 'hx-trigger="every 1s"' in fragment


def test_an_unreadable_file_fails_with_its_reason_and_stores_nothing(world, django_capture_on_commit_callbacks):
    client = world.client_for("warning_officer")
    with django_capture_on_commit_callbacks(execute=True):
        start(client, world, data=b"\xff\xfe\x00\x81\x82garbage", name="bad.csv")
    job = ImportJob.objects.get()
    assert job.status == "failed" and "编码" in job.error
    assert not RiskInformation.objects.exists()


def test_running_a_job_twice_imports_once(world, django_capture_on_commit_callbacks):
    from riskgate.intake.jobs import run_job

    with django_capture_on_commit_callbacks(execute=True):
        start(world.client_for("warning_officer"), world)
    job = ImportJob.objects.get()
    run_job(job.pk)
    job.refresh_from_db()
    assert job.report["created"] == 2 and RiskInformation.objects.count() == 2


def test_bureaus_cannot_run_imports_or_see_other_jobs(world):
    start(world.client_for("warning_officer"), world)
    job = ImportJob.objects.get()
    bureau = world.client_for("bureau_officer")
    assert bureau.get("/intake/imports/").status_code == 403
    assert start(bureau, world).status_code == 403
    assert bureau.get(f"/intake/imports/{job.pk}/").status_code == 403
    assert ImportJob.objects.count() == 1
