"""`prottasha oncall ...`: the on-call rota that urgent cases reach at any hour."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from api.cli_db import database_session

app = typer.Typer(help="On-call rota for urgent cases: per centre, and national (no district).",
                  no_args_is_help=True)
console = Console(stderr=True)



def _run(work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    from referral.errors import DomainError

    async def go() -> Any:
        async with database_session() as session:
            try:
                result = await work(session)
            except DomainError as exc:
                console.print(f"[red]{exc.message}[/red]")
                raise typer.Exit(2) from exc
            await session.commit()
            return result

    return asyncio.run(go())


@app.command("add")
def add(user: int = typer.Option(..., "--user", help="the staff user's id"),
        centre: str = typer.Option(None, "--centre", help="their centre's id; omit with --national"),
        national: bool = typer.Option(False, "--national",
                                      help="covers urgent cases whose district is not known"),
        days: str = typer.Option("all", "--days", help="mon-fri, sat,sun or all"),
        start: str = typer.Option("00:00", "--from", help="HH:MM, Bangladesh time"),
        end: str = typer.Option("00:00", "--to",
                                help="HH:MM; before --from wraps past midnight; equal: all day"),
        ) -> None:
    """Put a person on call."""
    from referral import oncall

    if national == bool(centre):
        console.print("[red]give either --centre or --national[/red]")
        raise typer.Exit(2)

    async def work(session: AsyncSession) -> Any:
        return await oncall.add(session, user_id=user, centre_id=centre.lower() if centre else None,
                                days=days, start=start, end=end)

    shift = _run(work)
    console.print(f"shift #{shift.id}: user {shift.user_id}, "
                  f"{shift.centre_id or 'national'}, days {shift.days}, {shift.start}-{shift.end}")


@app.command("list")
def list_shifts() -> None:
    """The rota, and who is on call now."""
    from referral import oncall
    from referral.casework import StaffUser
    from referral.models import utcnow

    async def work(session: AsyncSession) -> Any:
        rows = await oncall.shifts(session)
        now = {s.id for s in rows if s.covers(utcnow())}
        names = {s.user_id: (u.name if (u := await session.get(StaffUser, s.user_id)) else "?")
                 for s in rows}
        return rows, now, names

    rows, now, names = _run(work)
    table = Table("id", "user", "covers", "days", "from", "to", "now")
    for s in rows:
        days = ",".join(oncall.DAYS[int(d)] for d in s.days)
        table.add_row(str(s.id), f"#{s.user_id} {names[s.user_id]}",
                      s.centre_id or "national (no district)", days, s.start, s.end,
                      "on call" if s.id in now else "")
    Console().print(table)
    if not any(s.centre_id is None for s in rows):
        console.print("[yellow]No national shift: an urgent case with no district reaches the "
                      "managers' on-call queue only.[/yellow]")


@app.command("remove")
def remove(shift_id: int = typer.Argument(..., help="the shift's id (see list)")) -> None:
    """Take a shift off the rota."""
    from referral import oncall

    async def work(session: AsyncSession) -> Any:
        return await oncall.remove(session, shift_id)

    _run(work)
    console.print(f"shift #{shift_id} removed")
