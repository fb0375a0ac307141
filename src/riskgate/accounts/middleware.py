"""Session policy: an absolute session lifetime, and a second factor where the role demands one."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

SESSION_STARTED = "riskgate_session_started"
# The API answers a session that owes its second factor with 401 itself (core.api_support.SessionUser).
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/api/")


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
            if user.totp_required and not user.totp_enabled and not request.path.startswith(EXEMPT_PREFIXES):
                return redirect("accounts:totp_setup")
        return self.get_response(request)
