"""One error shape for the whole API: `{"error": {"code": str, "message": str}}`."""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from referral.errors import DomainError

log = logging.getLogger("prottasha.api")

MAX_BODY_BYTES = 1024 * 1024  # a Telegram update or a Twilio form is far smaller


class ApiError(DomainError):
    """An error the API itself finds (bad input, a disabled channel), rendered like every
    domain error by the one handler below."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status or self.status
        self.code = code or self.code


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               415: "unsupported_media_type", 422: "invalid_request", 429: "too_many_requests",
               503: "unavailable"}


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the contract's shape."""

    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 400 and "parsing the body" in message:
            message = "the body could not be read: send UTF-8 JSON"
        code = _HTTP_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "invalid_json", "the body is not valid JSON")
        parts = []
        for e in errors[:5]:
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
            parts.append(f"{where}: {e.get('msg', 'invalid')}")
        return error_response(422, "invalid_request", "; ".join(parts))

    @app.exception_handler(OverflowError)
    @app.exception_handler(DBAPIError)
    async def _out_of_range_error(_request: Request, exc: Exception) -> JSONResponse:
        # An id, offset or assignee the database cannot hold (2**31 and more in PostgreSQL's
        # integer columns): bad input, not our fault. Any other database error is a 500.
        if _out_of_range(exc):
            return error_response(422, "invalid_request", "a number is out of range")
        raise exc

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error")
        return error_response(500, "internal_error", "something went wrong on our side")


class BodyLimit:
    """Refuse oversized bodies with 413 before anything reads them into memory."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await _too_large(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # An HTTPException, so FastAPI's body reader passes it on as a 413.
                    raise StarletteHTTPException(413, "the request body is too large")
            return message

        await self.app(scope, limited, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = error_response(413, "too_large", "the request body is too large")
    await response(scope, receive, send)


def _out_of_range(exc: BaseException | None) -> bool:
    """A number the database cannot hold (SQLite raises OverflowError, asyncpg a DataError
    "out of int32 range"), anywhere in the chain of causes."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OverflowError) or re.search(r"out of int\d+ range|out of range for "
                                                         r"type (integer|bigint|smallint)", str(exc)):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
