"""The `prottasha` command line."""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Any

import typer
from rich.console import Console

from api.cli_campaigns import app as campaign_app
from api.cli_channels import telegram_app, worker
from api.cli_content import app as content_app
from api.cli_nlu import app as nlu_app
from api.cli_oncall import app as oncall_app
from api.cli_safety import evaluate_safety
from api.cli_users import app as users_app
from api.settings import get_settings

app = typer.Typer(help="Prottasha: safe migration and reintegration support over SMS and chat.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(nlu_app, name="nlu", help="Train, evaluate and try the NLU.")
app.add_typer(db_app, name="db")
app.add_typer(content_app, name="content")
app.add_typer(users_app, name="users")
app.add_typer(telegram_app, name="telegram")
app.add_typer(oncall_app, name="oncall")
app.add_typer(campaign_app, name="campaign")
nlu_app.command("evaluate-safety")(evaluate_safety)
app.command()(worker)
console = Console()


@app.command()
def serve(host: str = typer.Option(None, help="default: $HOST or 127.0.0.1"),
          port: int = typer.Option(None, help="default: $PORT or 8000"),
          workers: int = typer.Option(1, min=1, max=64,
                                      help="processes sharing the port")) -> None:
    """Serve webhooks, the web chat, the API and the dashboard."""
    import uvicorn

    from api import logs
    from api.app import create_app

    settings = get_settings()
    logs.configure(settings.log_level)
    settings.ensure_secrets()  # once, before the processes start: they must share the keys
    where, at = host or settings.host, port or settings.port
    if workers == 1:
        uvicorn.run(create_app(settings), host=where, port=at, log_config=None,
                    proxy_headers=True)
    else:
        # Each process builds its own app (and engine, pools, NLU) from the environment.
        uvicorn.run("api.cli:worker_app", factory=True, workers=workers, host=where, port=at,
                    log_config=None, proxy_headers=True)


def worker_app() -> Any:
    """The app in each of `serve --workers N`'s processes. They are spawned, not forked, so
    they start without the parent's logging: set up here, or they would log nothing."""
    from api import logs
    from api.app import create_app

    settings = get_settings()
    logs.configure(settings.log_level)
    return create_app(settings)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations."""
    from referral.migrate import upgrade

    upgrade(get_settings().database_url)
    console.print("database is up to date")


@app.command()
def chat(lang: str = typer.Option("bn", help="bn or en: the language to start in"),
         user: str = typer.Option("terminal", help="who you are to the bot")) -> None:
    """Chat with the bot in the terminal, as a user would (Ctrl-D to leave)."""
    asyncio.run(_chat(lang, user))


async def _chat(lang: str, user: str) -> None:
    from api.services import Services
    from bot.delivery import as_text
    from bot.messages import InboundMessage

    settings = get_settings()
    with console.status("starting…"):
        services = await Services.start(settings)
    console.print("[dim]Type a message; Ctrl-D to leave.[/dim]")
    first: str | None = "হ্যালো" if lang == "bn" else "hello"
    try:
        while True:
            text = first
            first = None
            if text is None:
                try:
                    text = console.input("[bold green]you>[/bold green] ")
                except EOFError:
                    break
            if not text.strip():
                continue
            handled = await services.conversations.handle(
                InboundMessage(channel="cli", user_id=user, text=text[: settings.max_text_chars],
                               provider_id=uuid.uuid4().hex))
            for reply in handled.replies:
                # Buttons as a numbered list, as on SMS and WhatsApp: type the number.
                console.print(f"[bold cyan]bot>[/bold cyan] {as_text(reply)}", highlight=False)
    finally:
        await services.close()


def main() -> None:
    try:
        app()
    except RuntimeError as exc:  # e.g. production without secrets: a clear line, not a trace
        print(f"prottasha: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
