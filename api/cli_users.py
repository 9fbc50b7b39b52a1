"""`prottasha users ...`: staff accounts."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from api.cli_db import database_session

app = typer.Typer(help="Staff users: admins, managers, field organizers.", no_args_is_help=True)
console = Console(stderr=True)


@app.command("create")
def create(name: str = typer.Option(..., "--name", help="the person's name"),
           role: str = typer.Option(..., "--role", help="admin, manager or organizer"),
           centre: str = typer.Option(None, "--centre", help="centre id or name, e.g. sylhet"),
           telegram_chat_id: str = typer.Option(None, "--telegram-chat-id",
                                                help="where ticket alerts go on Telegram"),
           phone: str = typer.Option(None, "--phone", help="for SMS alerts without Telegram"),
           language: str = typer.Option("bn", "--language", help="bn or en, for alerts"),
           password: bool = typer.Option(False, "--password",
                                         help="also set a dashboard password (asked)"),
           ) -> None:
    """Create a staff user; the last line printed is their API token (shown once)."""
    secret = typer.prompt("Password", hide_input=True, confirmation_prompt=True) if password \
        else None
    token = asyncio.run(_create(name, role, centre, telegram_chat_id, phone, language, secret))
    print(token)


async def _create(name: str, role: str, centre: str | None, chat_id: str | None,
                  phone: str | None, language: str, password: str | None) -> str:
    from referral import staff
    from referral.errors import DomainError

    async with database_session() as session:
        try:
            user, token = await staff.create_user(
                session, name=name, role=role, centre=centre, telegram_chat_id=chat_id,
                phone=phone, language=language)
            if password:
                staff.set_password(user, password)
        except DomainError as exc:
            console.print(f"[red]{exc.message}[/red]")
            raise typer.Exit(2) from exc
        await session.commit()
        console.print(f"created {role} #{user.id} {user.name}"
                      + (f" at {user.centre_id}" if user.centre_id else ""))
        return token


@app.command("revoke")
def revoke(name: str = typer.Option(..., "--name", help="the person's name, as created"),
           deactivate: bool = typer.Option(False, "--deactivate",
                                           help="also close the account"),
           new_token: bool = typer.Option(False, "--new-token",
                                          help="issue a fresh API token (printed last)")) -> None:
    """End all of a staff member's dashboard sessions and revoke their API tokens."""
    token = asyncio.run(_revoke(name, deactivate, new_token))
    if token:
        print(token)


async def _revoke(name: str, deactivate: bool, new_token: bool) -> str | None:
    from sqlalchemy import select

    from referral import staff
    from referral.casework import StaffUser

    async with database_session() as session:
        users = list(await session.scalars(select(StaffUser).where(StaffUser.name == name)))
        if len(users) != 1:
            console.print(f"[red]{len(users)} staff users are called {name!r}[/red]")
            raise typer.Exit(2)
        revoked = await staff.revoke(session, users[0], deactivate=deactivate)
        token = await staff.issue_token(session, users[0]) if new_token and not deactivate \
            else None
        await session.commit()
        console.print(f"{name}: sessions ended, {revoked} API token(s) revoked"
                      + (", account closed" if deactivate else ""))
        return token
