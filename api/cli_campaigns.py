"""`prottasha campaign ...`: awareness campaigns from the command line (an admin's view: the
shell has the keys to everything anyway)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli_db import database_session

app = typer.Typer(help="Awareness campaigns: plan, estimate, start, follow, cancel.",
                  no_args_is_help=True)
console = Console(stderr=True)


def _bar() -> Progress:
    return Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console)


def _composer(campaign: Any) -> Any:
    from bot.campaigns import Composer
    from bot.i18n import Catalogs

    return Composer.for_campaign(campaign, Catalogs())


def _fail(exc: Any) -> typer.Exit:
    console.print(f"[red]{exc.message}[/red]")
    return typer.Exit(2)


async def _campaign(session: Any, campaign_id: int) -> Any:
    """The campaign, or a clear message and exit code 2."""
    from referral.campaigns import drafts
    from referral.errors import DomainError

    try:
        return await drafts.get(session, None, campaign_id)
    except DomainError as exc:
        raise _fail(exc) from exc


def _show_plan(plan: Any, composer: Any) -> None:
    table = Table("language", "channel", "SMS parts", "encoding", "text", title="previews")
    for p in composer.previews():
        table.add_row(p["language"], p["channel"], str(p["sms_segments"] or "-"),
                      p["encoding"] or "-", p["text"])
    console.print(table)
    console.print(f"recipients {plan.recipients}  messages {plan.estimate['messages']}  "
                  f"SMS segments {plan.sms_segments}  by language {dict(plan.by_language)}  "
                  f"by channel {dict(plan.by_channel)}"
                  + (f"  left out {dict(plan.excluded)}" if plan.excluded else ""))


@app.command("create")
def create(name: str = typer.Option(..., "--name"),
           bn: str = typer.Option(..., "--bn", help="the Bangla text"),
           en: str = typer.Option(..., "--en", help="the English text"),
           banglish: str = typer.Option(None, "--banglish", help="Banglish text for SMS"),
           district: list[str] = typer.Option([], "--district", help="repeatable"),
           language: list[str] = typer.Option([], "--language", help="bn, en, banglish"),
           channel: list[str] = typer.Option([], "--channel", help="sms, whatsapp, ..."),
           registered: bool = typer.Option(None, "--registered/--not-registered"),
           asked_about: list[str] = typer.Option([], "--asked-about",
                                                  help="an intent they asked about"),
           country: list[str] = typer.Option([], "--country", help="the phone's ISO region"),
           send_at: str = typer.Option(None, "--send-at", help="ISO-8601; Bangladesh time "
                                                               "when no zone is given"),
           quiet_hours: bool = typer.Option(True, "--quiet-hours/--no-quiet-hours"),
           kind: str = typer.Option("broadcast", "--kind", help="broadcast, drip or quiz"),
           steps: Path = typer.Option(None, "--steps", exists=True, dir_okay=False,
                                      help="JSON: a drip's later messages or a quiz's "
                                           "questions (see docs/campaigns.md)"),
           topic: str = typer.Option(None, "--topic", help='"reply 1 for more" shows it'),
           whatsapp_template: str = typer.Option(
               None, "--whatsapp-template",
               help="Content SID of an approved template, for WhatsApp contacts outside the "
                    "24-hour window"),
           ) -> None:
    """Write a draft campaign and show its estimate; nothing is sent."""
    try:
        series = json.loads(steps.read_text(encoding="utf-8")) if steps else None
    except ValueError as exc:
        console.print(f"[red]{steps} is not JSON: {exc}[/red]")
        raise typer.Exit(2) from exc
    segment: dict[str, Any] = {"districts": district, "languages": language,
                               "channels": channel, "topics": asked_about, "countries": country}
    if registered is not None:
        segment["registered"] = registered
    messages = {"bn": bn, "en": en, **({"banglish": banglish} if banglish else {})}
    asyncio.run(_create(name, {k: v for k, v in segment.items() if v not in ([], None)},
                        messages, send_at, quiet_hours,
                        {"kind": kind, "steps": series, "topic": topic,
                         "whatsapp_template": whatsapp_template}))


async def _create(name: str, segment: dict[str, Any], messages: dict[str, str],
                  send_at: str | None, quiet_hours: bool, extra: dict[str, Any]) -> None:
    from referral.campaigns import drafts, sending
    from referral.errors import DomainError

    async with database_session() as session:
        try:
            campaign = await drafts.create(session, None, name=name, segment=segment,
                                           messages=messages, send_at=send_at,
                                           quiet_hours=quiet_hours, **extra)
        except DomainError as exc:
            raise _fail(exc) from exc
        await session.commit()
        composer = _composer(campaign)
        _show_plan(await sending.plan(session, campaign, composer), composer)
        console.print(f"draft campaign #{campaign.id}: `prottasha campaign start {campaign.id}`")
        print(campaign.id)


@app.command("estimate")
def estimate(campaign_id: int) -> None:
    """The dry run: who would get what if the campaign started now."""
    asyncio.run(_estimate(campaign_id))


async def _estimate(campaign_id: int) -> None:
    from referral.campaigns import sending

    async with database_session() as session:
        campaign = await _campaign(session, campaign_id)
        composer = _composer(campaign)
        _show_plan(await sending.plan(session, campaign, composer), composer)


@app.command("start")
def start(campaign_id: int,
          yes: bool = typer.Option(False, "--yes", help="do not ask for confirmation"),
          follow: bool = typer.Option(False, "--follow", help="then show sending progress")
          ) -> None:
    """Queue the campaign for the worker (`prottasha worker` sends it within the caps)."""
    asyncio.run(_start(campaign_id, yes))
    if follow:
        asyncio.run(_follow(campaign_id, 1.0))


async def _start(campaign_id: int, yes: bool) -> None:
    from referral.campaigns import sending

    async with database_session() as session:
        campaign = await _campaign(session, campaign_id)
        composer = _composer(campaign)
        plan = await sending.plan(session, campaign, composer)
        _show_plan(plan, composer)
        if not yes and not typer.confirm(f"Send to {plan.recipients} people?"):
            raise typer.Exit(1)
        with _bar() as bar:
            task = bar.add_task("queuing", total=plan.recipients)
            try:
                done = await sending.start(session, campaign, composer,
                                           progress=lambda n: bar.advance(task, n))
            except sending.AlreadyStarted as exc:
                console.print(f"[red]campaign #{campaign_id} has already been started[/red]")
                raise typer.Exit(2) from exc
        console.print(f"queued {done.recipients} messages, {done.sms_segments} SMS segments")


@app.command("follow")
def follow(campaign_id: int, every: float = typer.Option(1.0, "--every")) -> None:
    """A progress bar of the sending, until the campaign is done or cancelled."""
    asyncio.run(_follow(campaign_id, every))


async def _follow(campaign_id: int, every: float) -> None:
    from referral.campaigns import drafts, sending
    from referral.models import utcnow

    async with database_session() as session:
        campaign = await drafts.get(session, None, campaign_id)
        with _bar() as bar:
            task = bar.add_task("sending", total=campaign.recipients or 0)
            while True:
                counts = await sending.progress(session, campaign_id)
                await session.refresh(campaign)
                state = sending.status(campaign, counts, utcnow())
                done = sum(counts[k] for k in ("sent", "failed", "skipped", "cancelled"))
                bar.update(task, completed=done, description=state)
                if state in ("done", "cancelled", "draft"):
                    break
                await session.commit()  # a fresh snapshot next round
                await asyncio.sleep(every)
        console.print(json.dumps(counts))


@app.command("cancel")
def cancel(campaign_id: int) -> None:
    """Nothing more of the campaign goes out."""
    asyncio.run(_cancel(campaign_id))


async def _cancel(campaign_id: int) -> None:
    from referral.campaigns import sending

    async with database_session() as session:
        campaign = await _campaign(session, campaign_id)
        stopped = await sending.cancel(session, campaign)
        console.print(f"campaign #{campaign_id} cancelled; {stopped} messages will not go")


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json")) -> None:
    """Every campaign with its status and progress."""
    asyncio.run(_list(as_json))


async def _list(as_json: bool) -> None:
    from sqlalchemy import select

    from referral.campaigns import sending
    from referral.campaigns.models import Campaign
    from referral.models import utcnow

    async with database_session() as session:
        rows: list[dict[str, Any]] = []
        for c in await session.scalars(select(Campaign).order_by(Campaign.id)):
            counts = await sending.progress(session, c.id)
            rows.append({"id": c.id, "name": c.name,
                         "status": sending.status(c, counts, utcnow()),
                         "recipients": c.recipients, "progress": counts,
                         "send_at": _iso(c.send_at)})
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("id", "name", "status", "recipients", "sent", "failed", "skipped", "pending")
    for r in rows:
        p = r["progress"]
        table.add_row(str(r["id"]), r["name"], r["status"], str(r["recipients"] or "-"),
                      str(p["sent"]), str(p["failed"]), str(p["skipped"]), str(p["pending"]))
    Console().print(table)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
