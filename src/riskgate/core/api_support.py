"""Shared API machinery: authentication (session or bearer token), permission checks, error format."""

import json

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination
from ninja.parser import Parser
from ninja.security import APIKeyCookie

from .errors import error_body, validation_errors
from .permissions import Permission
from .text import control_characters, named

STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


class SessionUser(APIKeyCookie):
    """A signed-in browser user; unsafe methods need the CSRF token, as in the UI."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated or (user.totp_required and not user.totp_enabled):
            return None
        request.principal = user
        return user


class Pagination(PageNumberPagination):
    """Page-number pagination with bounded inputs (an unbounded page number overflows the database's OFFSET)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=500)

    def __init__(self, page_size: int = 50, **kwargs):
        super().__init__(page_size=page_size, max_page_size=500, **kwargs)


def filtered(queryset, filters: Schema):
    """The queryset narrowed by each filter that is set, a filter being named as the field it filters."""
    return queryset.filter(**{name: value for name, value in filters.dict().items() if value not in (None, "")})


def require_caller(request, permission: Permission) -> None:
    """For API operations: refuse a caller (user or token) without the permission (403)."""
    if not request.auth.has_permission(permission):
        raise PermissionDenied


class TextParser(Parser):
    """JSON bodies and query strings refused, with the field named, when a string holds a control character
    other than tab and line breaks (core.text): the API's boundary check, as validate_text is the forms'."""

    def parse_body(self, request):
        data = super().parse_body(request)
        self._refuse(data, "body")
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        self._refuse(parsed, "query")
        return parsed

    @staticmethod
    def _refuse(data, where: str) -> None:
        found = list(control_characters(data))
        if found:
            raise ValidationError(
                [
                    {"loc": (where, *path), "msg": _("含有不允许的控制字符（%s）。") % named(char)}
                    for path, char in found[:20]
                ]
            )


class ErrorItem(Schema):
    field: str = Field(..., description="the body or query field, dotted (items.1.title); empty for the whole request")
    message: str


class ErrorOut(Schema):
    code: str = Field(
        ...,
        description="machine-readable: "
        + ", ".join(
            sorted({*STATUS_CODES.values(), "validation_error", "malformed_json", "csrf_failed", "unavailable"})
        ),
    )
    message: str = Field(..., description="for people, in the request's language")
    errors: list[ErrorItem]


# The answers every operation may give besides its own, by what the operation has (api.document_errors).
ERROR_ANSWERS = {
    "all": {
        422: "the request's parameters or body do not pass validation (each error names its field)",
        503: "the database cannot handle the request now; nothing was stored",
    },
    "authenticated": {
        401: "no valid session or bearer token",
        403: "the caller lacks the permission (or, for a session write, the CSRF token)",
    },
    "path": {404: "no such object, or not in the caller's scope (the two are not told apart)"},
    "body": {
        400: "the body is not valid JSON (the message names the line and column)",
        409: "conflicts with data already stored; nothing was stored",
        413: "the body is larger than the limit",
        415: "the body is not application/json",
    },
}


class DocumentedAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists every answer an operation can give, errors included, with the
    one error body (ErrorOut), so a generated client and schemathesis agree with the server."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        document_errors(schema)
        return schema


def document_errors(schema: dict) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorItem"] = ErrorItem.model_json_schema()
    error = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    error.pop("$defs", None)
    components["ErrorOut"] = error
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            kinds = ["all"]
            if operation.get("security"):
                kinds.append("authenticated")
            if "{" in path:
                kinds.append("path")
            if "requestBody" in operation or method in ("post", "put", "patch"):
                kinds.append("body")
            responses = operation.setdefault("responses", {})
            for kind in kinds:
                for status, description in ERROR_ANSWERS[kind].items():
                    responses.setdefault(status, {"description": description, "content": reference})


def build_api(*, auth: list, **kwargs) -> NinjaAPI:
    """The API with the project's error format; `auth` lists the ways a caller may authenticate."""
    api = DocumentedAPI(auth=auth, parser=TextParser(), **kwargs)

    def respond(request, status, code, message, errors=None):
        return api.create_response(request, error_body(code, message, errors), status=status)

    @api.exception_handler(ValidationError)
    def _validation(request, exc):
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", []) if p not in ("body", "query", "path", "payload")),
                "message": e.get("msg", ""),
            }
            for e in exc.errors
        ]
        return respond(request, 422, "validation_error", _("请求参数有误。"), errors)

    @api.exception_handler(DjangoValidationError)
    def _model_validation(request, exc):
        errors = (
            validation_errors(exc.message_dict)
            if hasattr(exc, "error_dict")
            else [{"field": "", "message": str(m)} for m in exc.messages]
        )
        return respond(request, 422, "validation_error", _("提交的数据未通过校验，未作任何保存。"), errors)

    @api.exception_handler(DatabaseError)
    def _database(request, exc):
        # What the database refuses (a value out of its range, a constraint) is the caller's input: the
        # documented JSON error, never an HTML 500; the transaction of the request has rolled back.
        if isinstance(exc, IntegrityError):
            return respond(request, 409, "conflict", _("与已保存的数据冲突，未作任何保存。"))
        if isinstance(exc, DataError):
            return respond(request, 422, "validation_error", _("数据库无法保存提交的数据，未作任何保存。"))
        return respond(request, 503, "unavailable", _("数据库暂时无法处理请求，请稍后重试。"))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return respond(request, 401, "unauthenticated", _("需要登录或有效的接口令牌。"))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return respond(request, 403, "forbidden", _("没有执行此操作的权限。"))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return respond(request, 404, "not_found", _("对象不存在或不在您的权限范围内。"))

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        if isinstance(exc.__context__, ValidationError):  # TextParser's refusal, wrapped by ninja's body reader
            return _validation(request, exc.__context__)
        message = str(exc)
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            where = exc.__context__
            if isinstance(where, json.JSONDecodeError):
                text = _("请求内容不是有效的 JSON：第 %(line)d 行第 %(col)d 列（%(why)s）。") % {
                    "line": where.lineno,
                    "col": where.colno,
                    "why": where.msg,
                }
                return respond(request, 400, "malformed_json", text)
            return respond(request, 400, "malformed_json", _("请求内容不是有效的 JSON。"))
        if exc.status_code == 403 and "CSRF" in message:
            return respond(request, 403, "csrf_failed", _("CSRF 校验失败：浏览器会话的写操作需要 CSRF 令牌。"))
        return respond(request, exc.status_code, STATUS_CODES.get(exc.status_code, "error"), message)

    return api
