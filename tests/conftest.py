"""Shared test world: the demo organisations and one user per role (the demo's named users)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from riskgate.accounts.demo import DEMO_PASSWORD
from riskgate.accounts.models import Organisation, User
from riskgate.site.demo import load_world

# role code -> demo username
ROLE_USERS = {
    "system_admin": "admin",
    "warning_officer": "warning",
    "bureau_officer": "xian",
    "port_officer": "port",
    "assessor": "assessor",
    "expert": "expert",
    "partner_officer": "partner",
    "auditor": "auditor",
    "enterprise_user": "enterprise",
    "monitoring_staff": "point",
}
ROLES = ["anonymous", *ROLE_USERS]


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (a request in English leaves the thread's language set) and with
    an empty cache and public search index (public pages and the index are kept per process)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from riskgate.targeting import live
    from riskgate.warnings import portal_index

    cache.clear()
    portal_index.reset()
    live.reset()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db):
    load_world()
    return World()


@pytest.fixture
def live_world(transactional_db):
    """The world for tests with a live server. Transactional tests flush the database afterwards, and
    Django's serialized rollback cannot restore it under Playwright (its event loop hides the connection
    that holds the snapshot), so the reference data from the migrations is loaded again here."""
    from riskgate.core.models import Region
    from riskgate.core.reference import load_regions

    load_regions(Region)
    from riskgate.assessment.models import DueDateRule, GradingPolicy, ensure_defaults

    ensure_defaults(DueDateRule, GradingPolicy)
    from riskgate.warnings import models as warnings

    warnings.ensure_defaults(warnings.AuthorityRule, warnings.PublicationLimit)
    from riskgate.response.catalogue import ensure_catalogue
    from riskgate.response.models import MeasureKind

    ensure_catalogue(MeasureKind)
    from riskgate.credit.catalogue import ensure_event_types, ensure_list_criteria
    from riskgate.credit.models import EventType, ListCriterion

    ensure_event_types(EventType)
    ensure_list_criteria(ListCriterion)
    from riskgate.intake.models import DEFAULT_TIME_LIMITS, TimeLimit

    for (status, urgency), hours in DEFAULT_TIME_LIMITS.items():
        TimeLimit.objects.get_or_create(status=status, urgency=urgency, defaults={"hours": hours})
    from riskgate.insight.models import IndexInput, ensure_index_inputs

    ensure_index_inputs(IndexInput)
    load_world()
    return World()


class World:
    """Named organisations and users of the demo, looked up by code and username."""

    password = DEMO_PASSWORD

    def org(self, code: str) -> Organisation:
        return Organisation.objects.get(code=code)

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def user_for_role(self, role: str) -> User | None:
        return None if role == "anonymous" else self.user(ROLE_USERS[role])

    def client_for(self, role_or_username: str) -> Client:
        client = Client()
        username = ROLE_USERS.get(role_or_username, role_or_username)
        if role_or_username != "anonymous":
            client.force_login(self.user(username), backend="django.contrib.auth.backends.ModelBackend")
        return client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real HS nomenclature and the demo organisations and accounts once into the test database, as
    `load_reference_data` and `load_demo` do.

    Tests run in transactions that roll back, so both stay for every test (transactional tests, which flush
    the database, run last); the `world` fixture then finds everything in place (about 0.2 s on SQLite and
    0.3 s on PostgreSQL saved per test)."""
    from riskgate.core.reference import load_hs

    with django_db_blocker.unblock():
        load_hs()
        load_world()
        # Each test starts with an empty audit chain, as on a fresh database: the setup's own events go.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent")
            cursor.execute("DELETE FROM core_audithead")


MANAGE = [sys.executable, str(Path(__file__).resolve().parents[1] / "manage.py")]


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """copy_to(path): a SQLite database migrated by `manage.py migrate` in a shell, with a warning office (code
    "o"), copied to `path`. Migrated once per run for the tests that drive manage.py in shells of their own (a
    migration run costs about 20 s; a copy, milliseconds)."""
    template = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    env = {**os.environ, "RISKGATE_DEV": "1", "DATABASE_URL": f"sqlite:///{template}"}
    env["RISKGATE_VAR_DIR"] = str(template.parent)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("CELERY_BROKER_URL", None)
    office = "from riskgate.accounts.models import Organisation as O; O.objects.create(code='o', kind='warning_office')"
    for args in (["migrate", "-v", "0"], ["shell", "--no-imports", "-c", office]):
        subprocess.run([*MANAGE, *args], env=env, cwd=template.parent, check=True, capture_output=True)

    def copy_to(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        source, target = sqlite3.connect(template), sqlite3.connect(path)
        try:
            source.backup(target)  # the WAL included, whatever state the template's file is in
        finally:
            target.close()
            source.close()
        return path

    return copy_to
