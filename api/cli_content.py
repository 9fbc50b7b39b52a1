"""`prottasha content ...`"""

from __future__ import annotations

import typer
from rich.console import Console

from api.settings import get_settings

app = typer.Typer(help="Check the content editors write.", no_args_is_help=True)
console = Console()


@app.command("check")
def check_cmd() -> None:
    """Validate all content: both languages, SMS and messenger lengths, sources, catalogs."""
    from bot.content_check import check

    problems = check(get_settings().content_dir)
    for problem in problems:
        console.print(f"[red]✗[/red] {problem}", highlight=False)
    if problems:
        console.print(f"[red]{len(problems)} problem(s)[/red]")
        raise typer.Exit(1)
    console.print("[green]✓ content is complete and within budget[/green]")
