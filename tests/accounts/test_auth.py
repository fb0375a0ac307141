"""Authentication: Argon2 hashing, lockout and throttling, TOTP second factor, session expiry, admin sign-in."""

import time

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings

from riskgate.accounts.middleware import SESSION_STARTED
from riskgate.accounts.models import LoginFailure, Role
from riskgate.core.models import AuditEvent

PASSWORD = "RiskGate-demo-2026"


def login(client, username, password=PASSWORD, ip="127.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_production_hasher_is_argon2():
    from riskgate import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        assert make_password("x" * 12).startswith("argon2$argon2id$")


def test_login_succeeds_and_is_audited(world):
    client = Client()
    response = login(client, "xian")
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(action="login.succeeded", actor=world.user("xian")).exists()


def test_wrong_password_gives_a_generic_message_and_is_audited(world):
    response = login(Client(), "xian", "wrong-password")
    assert response.status_code == 400
    assert "用户名或密码错误".encode() in response.content
    assert AuditEvent.objects.filter(action="login.failed", object_id="xian").exists()


def test_account_locks_after_repeated_failures_even_with_the_right_password(world):
    client = Client()
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        login(client, "xian", "wrong-password")
    assert AuditEvent.objects.filter(action="login.locked", object_id="xian").count() == 1
    response = login(client, "xian")
    assert response.status_code == 400, "a locked account must not sign in"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.throttled", object_id="xian").exists()


def test_lockout_expires_after_the_window(world, settings):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    client = Client()
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        login(client, "xian", "wrong-password")
    later = timezone.now() + dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert login(client, "xian").status_code == 302


def test_unknown_and_known_accounts_look_the_same(world):
    unknown = login(Client(), "nobody-here", "whatever")
    known = login(Client(), "xian", "wrong-password")
    assert unknown.status_code == known.status_code == 400
    assert unknown.content.replace(b"nobody-here", b"").count("用户名或密码错误".encode()) == known.content.count(
        "用户名或密码错误".encode()
    )


@override_settings(LOGIN_FAILURES_PER_IP=4)
def test_one_address_guessing_many_accounts_is_throttled(world):
    client = Client()
    for name in ["a1", "a2", "a3", "a4"]:
        login(client, name, "guess", ip="10.9.9.9")
    assert login(client, "xian", ip="10.9.9.9").status_code == 400
    assert login(Client(), "xian", ip="10.8.8.8").status_code == 302, "another address is not affected"


def test_successful_login_clears_the_failures(world):
    client = Client()
    login(client, "xian", "wrong-password")
    login(client, "xian")
    assert not LoginFailure.objects.filter(username="xian").exists()


def test_purge_removes_only_old_failures(world):
    import datetime as dt

    from django.utils import timezone

    from riskgate.accounts.services import purge_login_failures

    LoginFailure.objects.create(username="old", at=timezone.now() - dt.timedelta(days=2))
    LoginFailure.objects.create(username="new")
    assert purge_login_failures() == 1
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["new"]


def enrol_totp(client, user):
    client.get("/accounts/totp/")
    user.refresh_from_db()
    code = pyotp.TOTP(user.totp_secret).now()
    response = client.post("/accounts/totp/", {"code": code})
    user.refresh_from_db()
    return response


def test_officer_enrols_totp_and_then_needs_it_to_sign_in(world):
    user = world.user("xian")
    client = Client()
    login(client, "xian")
    response = enrol_totp(client, user)
    assert response.status_code == 302 and user.totp_enabled
    assert user.totp_secret not in _raw_totp_column(user.pk), "the TOTP secret is encrypted at rest"
    client.post("/accounts/logout/")

    client = Client()
    response = login(client, "xian")
    assert response["Location"] == "/accounts/login/totp/"
    assert "_auth_user_id" not in client.session, "password alone does not sign in"
    assert client.get("/organisations/").status_code == 302
    assert "工作人员登录" in client.get("/").content.decode(), "a half-signed-in visitor sees the public home"
    bad = client.post("/accounts/login/totp/", {"code": "000000"})
    assert bad.status_code == 400
    good = client.post("/accounts/login/totp/", {"code": pyotp.TOTP(user.totp_secret).now()})
    assert good.status_code == 302 and client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="login.succeeded", actor=user, changes__second_factor=[None, True]).exists()


def _raw_totp_column(pk):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_user WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_wrong_totp_codes_count_towards_lockout(world):
    user = world.user("xian")
    client = Client()
    login(client, "xian")
    enrol_totp(client, user)
    client = Client()
    login(client, "xian")
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        client.post("/accounts/login/totp/", {"code": "000000"})
    response = client.post("/accounts/login/totp/", {"code": pyotp.TOTP(user.totp_secret).now()})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_role_can_enforce_totp(world):
    role = Role.objects.get(code="bureau_officer")
    role.require_totp = True
    role.save()
    client = Client()
    login(client, "xian")
    assert client.get("/")["Location"] == "/accounts/totp/"
    assert client.get("/organisations/")["Location"] == "/accounts/totp/"
    api = client.get("/api/v1/me")
    assert api.status_code == 401, "the API refuses a session that still owes its second factor"
    enrol_totp(client, world.user("xian"))
    assert client.get("/").status_code == 200


def test_totp_page_does_not_reset_a_pending_enrolment(world):
    user = world.user("xian")
    client = Client()
    login(client, "xian")
    client.get("/accounts/totp/")
    user.refresh_from_db()
    first = user.totp_secret
    client.get("/accounts/totp/")
    user.refresh_from_db()
    assert user.totp_secret == first
    client.post("/accounts/totp/", {"restart": "1"})
    user.refresh_from_db()
    assert user.totp_secret != first


def test_session_has_an_absolute_lifetime(world):
    client = Client()
    login(client, "xian")
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/organisations/").status_code == 302, "signed out: the next page asks to sign in again"
    assert "工作人员登录" in client.get("/").content.decode()


def test_session_idle_expiry_is_configured():
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 60 * 60


def test_login_redirect_refuses_other_hosts(world):
    client = Client()
    response = client.post("/accounts/login/?next=https://evil.example/", {"username": "xian", "password": PASSWORD})
    assert response["Location"] == "/"


def test_admin_has_no_second_sign_in_path(world):
    response = Client().get("/admin/login/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert world.client_for("bureau_officer").get("/admin/login/").status_code == 403


def test_logout_is_audited_and_ends_the_session(world):
    client = Client()
    login(client, "xian")
    client.post("/accounts/logout/")
    assert client.get("/organisations/").status_code == 302 and "工作人员登录" in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action="logout", actor=world.user("xian")).exists()


@pytest.mark.parametrize(
    "username", ["admin", "warning", "xian", "harbin", "port", "assessor", "expert", "partner", "auditor", "enterprise"]
)
def test_every_demo_account_signs_in_and_sees_its_home(world, username):
    client = Client()
    assert login(client, username).status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert world.user(username).full_name.encode() in home.content


def test_administrator_home_lists_locked_accounts(world):
    client = Client()
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        login(client, "xian", "wrong-password")
    home = world.client_for("system_admin").get("/").content.decode()
    assert "被锁定的账户" in home and "xian — 1" in home
