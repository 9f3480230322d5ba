"""Errors as RFC 9457 problem details (``application/problem+json``), in one place.

``type`` is the name of the error's class, ``title`` a short Chinese sentence, ``detail``
what was wrong and what would be right, and a 422 lists the fields in ``errors``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidCommandError,
    NotFoundError,
)

PROBLEM_JSON = "application/problem+json"

DOMAIN_ERROR_STATUS: dict[type[DomainError], int] = {
    InvalidCommandError: 422,
    NotFoundError: 404,
    ConflictError: 409,
    ForbiddenError: 403,
    DomainError: 400,
}
"""The one table from domain error families to HTTP status codes (most specific wins)."""


class FieldError(BaseModel):
    field: str = Field(description="出错的字段，嵌套字段以点分隔，例如 classification.level1")
    message: str = Field(description="错误说明")
    row: int | None = Field(default=None, description="导入文件中出错的行号（表头为第 1 行）")
    column: str | None = Field(default=None, description="导入文件中出错的列，例如「目录年度」")


class Problem(BaseModel):
    """RFC 9457 问题详情。"""

    type: str = Field(description="错误类型（错误类的名称），例如 ItemAlreadyPublishedError")
    title: str = Field(description="错误的简短说明")
    status: int = Field(description="HTTP 状态码")
    detail: str = Field(description="哪里出了问题，以及怎样才是正确的")
    errors: list[FieldError] | None = Field(default=None, description="逐字段的错误（仅 422）")


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


class ReadNotCaughtUpError(Exception):
    """A read asked to wait for a write (``?after=``) and the view did not catch up in time."""

    def __init__(self, *, after: int, waited: float) -> None:
        super().__init__(f"view did not reach notification {after} within {waited} s")
        self.after = after
        self.waited = waited


class ServiceNotConfiguredError(Exception):
    """A route's service was not given to ``create_app`` (this deployment lacks it)."""

    def __init__(self, service: str) -> None:
        super().__init__(f"{service} is not configured")
        self.service = service


def problem_response(
    problem: Problem, *, headers: Mapping[str, str] | None = None
) -> ProblemResponse:
    return ProblemResponse(
        problem.model_dump(exclude_none=True), status_code=problem.status, headers=headers
    )


def status_for(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in DOMAIN_ERROR_STATUS:
            return DOMAIN_ERROR_STATUS[cls]
    return DOMAIN_ERROR_STATUS[DomainError]  # pragma: no cover - DomainError is in every MRO


async def _domain_error(request: Request, error: DomainError) -> Response:
    status = status_for(error)
    errors = None
    if status == 422:
        errors = [FieldError(field=error.field, message=error.detail)] if error.field else []
    return problem_response(Problem(
        type=error.code, title=error.title, status=status, detail=error.detail, errors=errors,
    ))


# --- request validation (pydantic) ----------------------------------------------

_VALIDATION_MESSAGES: dict[str, str] = {
    "missing": "必填",
    "int_type": "必须是整数",
    "int_parsing": "必须是整数",
    "int_from_float": "必须是整数",
    "fen_not_integer": "金额以分为单位，须为整数",
    "float_type": "必须是数字",
    "float_parsing": "必须是数字",
    "bool_type": "必须是 true 或 false",
    "bool_parsing": "必须是 true 或 false",
    "string_type": "必须是字符串",
    "string_too_short": "至少需要 {min_length} 个字符",
    "string_too_long": "不能超过 {max_length} 个字符",
    "greater_than": "必须大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "必须小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "enum": "必须是以下之一：{expected}",
    "literal_error": "必须是以下之一：{expected}",
    "uuid_type": "必须是有效的 UUID",
    "uuid_parsing": "必须是有效的 UUID",
    "date_type": "必须是日期（YYYY-MM-DD）",
    "date_parsing": "必须是日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "必须是日期（YYYY-MM-DD）",
    "model_type": "必须是 JSON 对象",
    "model_attributes_type": "必须是 JSON 对象",
    "dict_type": "必须是 JSON 对象",
    "list_type": "必须是数组",
    "extra_forbidden": "不允许此字段",
    "json_invalid": "不是有效的 JSON",
}


def field_errors(errors: Sequence[Any]) -> list[FieldError]:
    """pydantic's errors as Chinese field-level messages."""
    return [_field_error(error) for error in errors]


def _field_error(error: Mapping[str, Any]) -> FieldError:
    loc = tuple(str(part) for part in error.get("loc", ()))
    # The first element says where (body, query, path, header); the rest names the field.
    path = loc[1:] if len(loc) > 1 else loc
    if error.get("type") == "json_invalid":
        path = ("body",)
    template = _VALIDATION_MESSAGES.get(str(error.get("type")))
    if template is None:
        message = f"取值无效（{error.get('msg', '')}）"
    else:
        message = template.format_map(_in_chinese(error.get("ctx") or {}))
    return FieldError(field=".".join(path), message=message)


def _in_chinese(ctx: Mapping[str, Any]) -> dict[str, Any]:
    # pydantic lists choices in English ("'a', 'b' or 'c'"); a Chinese list uses 、.
    expected = ctx.get("expected")
    if not isinstance(expected, str):
        return dict(ctx)
    return {**ctx, "expected": expected.replace(" or ", ", ").replace(", ", "、")}


async def _validation_error(request: Request, error: RequestValidationError) -> Response:
    errors = field_errors(error.errors())
    listed = "；".join(f"{e.field}: {e.message}" for e in errors)
    return problem_response(Problem(
        type=type(error).__name__, title=InvalidCommandError.title, status=422,
        detail=f"请求有 {len(errors)} 处错误：{listed}", errors=errors,
    ))


# --- HTTP errors raised by the framework or the dependencies -----------------------

_HTTP_PROBLEMS: dict[int, tuple[str, str]] = {
    401: ("AuthenticationError", "需要有效的身份凭证"),
    403: (ForbiddenError.__name__, ForbiddenError.title),
    404: (NotFoundError.__name__, NotFoundError.title),
    405: ("MethodNotAllowedError", "不支持此请求方法"),
    413: ("FileTooLargeError", "上传的文件过大"),
}


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    status = error.status_code
    type_, title = _HTTP_PROBLEMS.get(status, ("HTTPError", HTTPStatus(status).phrase))
    detail = str(error.detail)
    if detail == HTTPStatus(status).phrase:
        # Starlette's own English phrase: say it in the caller's terms instead.
        detail = f"{title}：{request.method} {request.url.path}"
    return problem_response(
        Problem(type=type_, title=title, status=status, detail=detail), headers=error.headers
    )


async def _not_caught_up(request: Request, error: ReadNotCaughtUpError) -> Response:
    retry_after = max(1, math.ceil(error.waited))
    return problem_response(
        Problem(
            type=type(error).__name__, title="数据尚在更新", status=503,
            detail=(
                f"查询视图在 {error.waited:g} 秒内未能处理到通知 {error.after}，"
                f"结果还不包含您刚才的操作；请在 {retry_after} 秒后重试"
            ),
        ),
        headers={"Retry-After": str(retry_after)},
    )


async def _not_configured(request: Request, error: ServiceNotConfiguredError) -> Response:
    return problem_response(Problem(
        type=type(error).__name__, title="服务未启用", status=503,
        detail=f"本系统尚未启用{error.service}服务，无法处理 {request.method} {request.url.path}；"
               f"请联系管理员",
    ))


async def _unexpected(request: Request, error: Exception) -> Response:
    return problem_response(Problem(
        type="InternalServerError", title="服务器内部错误", status=500,
        detail="服务器处理请求时出错，操作可能未完成；请稍后重试，如仍出错请联系管理员",
    ))


ExceptionHandler = Callable[[Request, Any], Coroutine[Any, Any, Response]]


def exception_handlers() -> dict[int | type[Exception], ExceptionHandler]:
    """The handlers ``create_app`` installs: every error leaves as a problem."""
    return {
        DomainError: _domain_error,
        RequestValidationError: _validation_error,
        StarletteHTTPException: _http_error,
        ReadNotCaughtUpError: _not_caught_up,
        ServiceNotConfiguredError: _not_configured,
        Exception: _unexpected,
    }


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting the problems a route may answer with."""
    return {
        status: {"model": Problem, "description": HTTPStatus(status).phrase}
        for status in statuses
    }


def problem_media_types(spec: dict[str, Any]) -> dict[str, Any]:
    """Document error responses as ``application/problem+json``, which they are.

    FastAPI files every response model under the route's own media type; this moves
    those of error statuses (in place, so it may run again on a cached schema).
    """
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status.isdigit() and int(status) >= 400 and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
    return spec
