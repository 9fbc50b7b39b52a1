"""The staff web dashboard at `/dashboard`: queues, tickets, exports, import, M&E, content
review, campaigns."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.dashboard import (
    actions,
    campaigns,
    content_review,
    downloads,
    imports,
    login,
    queues,
    stats,
    ticket_page,
)
from api.dashboard.session import PATH, CsrfFailed, LoginRequired, login_url
from api.dashboard.web import HERE, render
from bot.i18n import N_

FORGED = N_("This form was not sent from your dashboard session. Go back, reload and try again.")


def install(app: FastAPI) -> None:
    """Mount the dashboard's pages, static files and error pages on the app."""
    for module in (login, queues, ticket_page, actions, downloads, imports, stats,
                   content_review, campaigns):
        app.include_router(module.router, prefix=PATH, include_in_schema=False)
    app.mount(f"{PATH}/static", StaticFiles(directory=HERE / "static"), name="dashboard-static")

    @app.exception_handler(LoginRequired)
    async def _login(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    @app.exception_handler(CsrfFailed)
    async def _forged(request: Request, exc: CsrfFailed) -> Response:
        return render(request, "error.html", user=exc.user, status=403, message=FORGED)
