"""Property-based API testing with schemathesis, with a token and anonymously: no generated request may cause a
server error (5xx) or an answer the OpenAPI document does not list (issue 24 item 15)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, status_code_conformance

from riskgate.accounts import services as accounts
from riskgate.core.permissions import Permission
from riskgate.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def token_headers(world):
    """A token with every permission, so generated requests reach the deepest code paths."""
    issued = accounts.issue_token(
        world.user("admin"),
        name="fuzz",
        organisation=world.org("gacc"),
        permissions=[p.value for p in Permission],
        expires_at=None,
    )
    # Calling the WSGI app directly would close the test's database connection at the end of each request;
    # Django's test client avoids that the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {issued.secret}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def direct_calls():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CHECKS = [not_a_server_error, status_code_conformance]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_causes_a_server_error_or_an_undocumented_answer(case, token_headers):
    case.call_and_validate(headers=token_headers, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_anonymous_requests_get_documented_answers(case, direct_calls):
    case.call_and_validate(checks=CHECKS)
