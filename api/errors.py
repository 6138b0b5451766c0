"""Errors of the open-data API: always JSON, always with a Chinese `detail`."""

from django.http import Http404
from ninja.errors import HttpError, ValidationError

from .schemas import ErrorOut

# Every operation documents these answers besides its 200 (the fuzzer checks that it does).
ERRORS = {404: ErrorOut, 422: ErrorOut, 429: ErrorOut}

# pydantic's error types, as a reader of the docs page would say them.
PYDANTIC_MESSAGES = {
    "missing": "必须填写",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期，格式 YYYY-MM-DD",
    "datetime_parsing": "应为日期时间，格式如 2026-01-31T08:00:00+08:00",
    "datetime_from_date_parsing": "应为日期时间，格式如 2026-01-31T08:00:00+08:00",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "string_pattern_mismatch": "含有不允许的字符",
    "greater_than_equal": "小于允许的最小值",
    "less_than_equal": "大于允许的最大值",
    "greater_than": "小于允许的最小值",
    "less_than": "大于允许的最大值",
    "literal_error": "不是可选的值",
    "enum": "不是可选的值",
}


class InvalidParameters(HttpError):
    """A filter the FilterSet of the public list refused (its Chinese form errors)."""

    def __init__(self, form_errors):
        self.errors = [
            {"loc": ["query", field], "msg": "；".join(messages)}
            for field, messages in form_errors.items()
        ]
        detail = "；".join(f"参数 {e['loc'][-1]}：{e['msg']}" for e in self.errors)
        super().__init__(422, f"请求参数有误：{detail}")


def filter_rows(filterset_class, params, queryset):
    """Return queryset narrowed by the public list's own FilterSet (the HTML page's filters).

    params are the API's query parameters for it; None means "not given".
    """
    data = {name: str(value) for name, value in params.items() if value is not None}
    if not data:
        return queryset
    filterset = filterset_class(data, queryset=queryset)
    if not filterset.is_valid():
        raise InvalidParameters(filterset.errors)
    return filterset.qs


def _plain(error):
    """Return a pydantic error as JSON-safe data: where, what type, the Chinese message."""
    location = [str(part) for part in error.get("loc", [])]
    if error.get("type") == "value_error":  # our own validators' Chinese messages
        message = str(error.get("ctx", {}).get("error", "")) or "格式不正确"
    else:
        message = PYDANTIC_MESSAGES.get(error.get("type", ""), "格式不正确")
    return {"loc": location, "type": error.get("type", ""), "msg": message}


def install_handlers(api):
    """Register the API's JSON error answers on a NinjaAPI."""

    def validation_error(request, exc):
        errors = [_plain(error) for error in exc.errors]
        detail = "；".join(f"参数 {e['loc'][-1] if e['loc'] else ''}：{e['msg']}" for e in errors)
        return api.create_response(
            request, {"detail": f"请求参数有误：{detail}", "errors": errors}, status=422
        )

    def http_error(request, exc):
        body = {"detail": str(exc)}
        if isinstance(exc, InvalidParameters):
            body["errors"] = exc.errors
        return api.create_response(request, body, status=exc.status_code)

    def not_found(request, exc):
        message = str(exc) if exc.args and isinstance(exc.args[0], str) else ""
        return api.create_response(
            request, {"detail": message if _is_chinese(message) else "没有找到"}, status=404
        )

    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)


def _is_chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
