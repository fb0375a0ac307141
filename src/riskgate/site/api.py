"""The JSON API, /api/v1: each room's router; OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from riskgate.accounts.api_auth import BearerToken
from riskgate.core.api_support import SessionUser, build_api

from . import rooms

api = build_api(
    auth=[BearerToken(), SessionUser()],
    title="RiskGate API",
    version="1",
    description="进出口商品质量安全风险预警和快速反应 — machine interface. Authenticate with a browser session "
    "(CSRF token on writes) or `Authorization: Bearer <token>`. Errors: {code, message, errors[]}.",
    urls_namespace="api-1",
)
for room in rooms.ROOMS:
    if room.router:
        api.add_router("", rooms.resolve(room.router))
