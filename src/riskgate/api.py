"""The JSON API, /api/v1: one router per domain; OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from riskgate.accounts.api import router as accounts_router
from riskgate.assessment.api import router as assessment_router
from riskgate.core.api import router as core_router
from riskgate.core.api_support import build_api
from riskgate.intake.api import router as intake_router
from riskgate.response.api import router as response_router
from riskgate.targeting.api import router as targeting_router
from riskgate.warnings.api import router as warnings_router

api = build_api(
    title="RiskGate API",
    version="1",
    description="进出口商品质量安全风险预警和快速反应 — machine interface. Authenticate with a browser session "
    "(CSRF token on writes) or `Authorization: Bearer <token>`. Errors: {code, message, errors[]}.",
    urls_namespace="api-1",
)
api.add_router("", core_router)
api.add_router("", accounts_router)
api.add_router("", intake_router)
api.add_router("", assessment_router)
api.add_router("", warnings_router)
api.add_router("", targeting_router)
api.add_router("", response_router)
