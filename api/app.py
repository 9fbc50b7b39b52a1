"""The FastAPI application factory."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import campaigns, channels, dashboard, errors, exports, logs, tickets, webchat
from api.services import Services
from api.settings import Settings, get_settings

log = logging.getLogger("prottasha.http")
# On every response, pages and API alike: no sniffing, no framing, no referrer elsewhere.
BASE_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                "Referrer-Policy": "same-origin"}
PRIVATE_PATHS = ("/webchat/", "/api/")


def create_app(settings: Settings | None = None, *, nlu: Any = None) -> FastAPI:
    """Build the app; the services start in the lifespan, so importing this starts nothing."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = await Services.start(settings, nlu=nlu)
        if settings.drains_outbox_in_process:
            app.state.services.start_outbox()
        app.state.services.start_recovery()
        try:
            yield
        finally:
            await app.state.services.close()

    app = FastAPI(title="Prottasha", version="0.1.0", lifespan=lifespan)
    errors.install(app)
    app.add_middleware(errors.BodyLimit)
    app.add_middleware(RequestContext)
    app.include_router(webchat.router)
    app.include_router(channels.router)
    app.include_router(tickets.router)
    app.include_router(campaigns.router)
    app.include_router(exports.router)
    dashboard.install(app)
    app.mount("/static", StaticFiles(directory=webchat.STATIC), name="static")

    @app.get("/healthz", tags=["ops"])
    async def healthz(request: Request) -> JSONResponse:
        """200 when the database answers, 503 otherwise."""
        try:
            async with request.app.state.services.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            log.warning("health_check_failed")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app


class RequestContext:
    """A request id on every log line and response, the base headers, and one access line
    without query strings. Plain ASGI rather than `@app.middleware("http")`, which runs every
    request through an extra task and stream and cost a tenth of a webhook's time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        rid = (headers.get(b"x-request-id", b"").decode("latin-1") or uuid.uuid4().hex[:16])[:64]
        path: str = scope["path"]
        private = path.startswith(PRIVATE_PATHS)  # answers that carry personal data
        token = logs.request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                out = MutableHeaders(scope=message)
                out["X-Request-ID"] = rid
                for name, value in BASE_HEADERS.items():  # the dashboard sets stricter ones
                    out.setdefault(name, value)
                if private:
                    out.setdefault("Cache-Control", "no-store")
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if log.isEnabledFor(logging.INFO):
                log.info("request", extra={
                    "method": scope["method"], "path": path, "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1)})
            logs.request_id.reset(token)
