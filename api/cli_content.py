"""`prottasha content ...`"""

from __future__ import annotations

from datetime import date, datetime

import typer
from rich.console import Console

from api.settings import get_settings

app = typer.Typer(help="Check the content editors write.", no_args_is_help=True)
console = Console()


@app.command("check")
def check_cmd(today: str = typer.Option(
        None, help="check as on this day (YYYY-MM-DD), e.g. to see what falls due; default: "
                   "today in Bangladesh")) -> None:
    """Validate all content: both languages, SMS and messenger lengths, sources, dates, catalogs.

    A review_by that has passed is a warning; on a price or ceiling stated as current, an error.
    """
    from api.dashboard.web import DHAKA  # review dates are days in Bangladesh
    from bot.content_check import report

    try:
        day = date.fromisoformat(today) if today else datetime.now(DHAKA).date()
    except ValueError as exc:
        raise typer.BadParameter("give the day as YYYY-MM-DD", param_hint="--today") from exc
    found = report(get_settings().content_dir, today=day)
    for warning in found.warnings:
        console.print(f"[yellow]![/yellow] {warning}", highlight=False)
    for problem in found.problems:
        console.print(f"[red]✗[/red] {problem}", highlight=False)
    if found.problems:
        console.print(f"[red]{len(found.problems)} problem(s)[/red]")
        raise typer.Exit(1)
    if found.warnings:
        console.print(f"[yellow]{len(found.warnings)} figure(s) or page(s) due for review[/yellow]")
    console.print("[green]✓ content is complete and within budget[/green]")
