"""Request-level safety: body size and content type limits, Content-Security-Policy, request context."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

from .context import client_ip, current_ip
from .errors import error_response

JSON_TYPES = {"application/json", "application/ld+json"}  # JSON-LD: EPCIS 2.0 capture
WRITE_METHODS = {"POST", "PUT", "PATCH"}


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class RequestSizeLimitMiddleware:
    """Answer an oversized body with 413 and a non-JSON API write with 415, before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        multipart = request.content_type == "multipart/form-data" and not _is_api(request)
        limit = settings.MAX_UPLOAD_BODY_BYTES if multipart else settings.MAX_REQUEST_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return self._reject(request, 400, "bad_request", _("请求头 Content-Length 无效。"))
        if length > limit:
            return self._reject(
                request, 413, "payload_too_large", _("请求内容过大：上限为 %(limit)d 字节。") % {"limit": limit}
            )
        if _is_api(request) and request.method in WRITE_METHODS and length > 0:
            content_type = request.content_type.split(";")[0].strip().lower()
            if content_type not in JSON_TYPES:
                return error_response(415, "unsupported_media_type", _("接口只接受 application/json 格式的请求内容。"))
        return self.get_response(request)

    def _reject(self, request, status, code, message):
        if _is_api(request):
            return error_response(status, code, message)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class RequestContextMiddleware:
    """Make the client address available to services that write the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
