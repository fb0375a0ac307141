"""The one error format of the API and of non-HTML error answers: code, message, field errors."""

from django.http import JsonResponse


def error_body(code: str, message: str, errors: list[dict] | None = None) -> dict:
    return {"code": code, "message": str(message), "errors": errors or []}


def error_response(status: int, code: str, message: str, errors: list[dict] | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, errors), status=status, json_dumps_params={"ensure_ascii": False})


def validation_errors(error_dict: dict) -> list[dict]:
    """Field errors from a Django ValidationError.message_dict."""
    return [{"field": field, "message": str(msg)} for field, msgs in error_dict.items() for msg in msgs]
