"""`prottasha nlu evaluate-safety`: the safety net measured on a labelled file, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from api.settings import get_settings

console = Console()


def evaluate_safety(
    data: Path = typer.Option(..., "--data", exists=True, help="labelled safety messages (YAML)"),
    channel: str = typer.Option("sms", "--channel", help="sms shows the short pages"),
    out: Path = typer.Option(None, "--out", help="write report.json here"),
    show_misses: bool = typer.Option(False, "--show-misses",
                                     help="print what was missed (never on the test half)"),
    check: bool = typer.Option(False, "--check", help="exit 1 when a target is missed"),
) -> None:
    """Recall per danger category, support for distress, false alarms, opt-outs."""
    from api.cli_nlu import _backend
    from api.services import load_resources
    from bot import safety_eval

    settings = get_settings()
    nlu = _backend()
    res = load_resources(settings)
    items = safety_eval.load(data)
    outcomes = safety_eval.run(items, nlu, res, channel=channel)
    result = safety_eval.report(outcomes)
    _print(result)
    misses = [o for o in outcomes if (o.item.label == "danger" and not o.answered_as_danger)
              or (o.item.label in ("benign", "question") and o.urgent)
              or (o.item.label == "distress" and not o.support)]
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(json.dumps(result, ensure_ascii=False, indent=2),
                                         encoding="utf-8")
    if show_misses:
        for o in misses:
            what = "asked" if o.asked else ("urgent" if o.urgent else "none")
            console.print(f"[yellow]{o.item.label}/{o.item.category}/{o.item.lang}[/] ({what}) "
                          f"{o.item.text}")
    failed = safety_eval.failures(result)
    for line in failed:
        console.print(f"[red]target missed:[/] {line}")
    if check and failed:
        raise typer.Exit(1)


def _print(result: dict) -> None:
    table = Table("danger category", "n", "answered as danger", title="Danger (urgent case "
                  "and emergency numbers in the first reply)")
    for category, row in result["danger"]["by_category"].items():
        if row["n"]:
            table.add_row(category, str(row["n"]), f"{row['recall']:.3f}")
    d = result["danger"]
    table.add_row("[b]all[/b]", str(result["by_label"].get("danger", 0)),
                  f"[b]{d['recall']:.3f}[/b]" if d["recall"] is not None else "-")
    console.print(table)
    console.print("by variety: " + ", ".join(f"{k} {v:.3f}" for k, v in d["by_language"].items()))
    summary = Table("measure", "value")
    summary.add_row("danger asked 'are you safe?' instead", _pct(d["asked"]))
    summary.add_row("distress given support and a number", _pct(result["distress"]["support"]))
    # Not a target, but an urgent case opened for sadness is an alarm too (round 13: 31 of 335
    # on the development sets, most read as self-harm, which is why they are not held back).
    summary.add_row("distress raised as urgent", _pct(result["distress"]["urgent"]))
    summary.add_row("questions about rules: false alarms", _pct(result["question"]["false_alarm"]))
    summary.add_row("questions about rules: asked", _pct(result["question"]["asked"]))
    summary.add_row("benign look-alikes: false alarms", _pct(result["benign"]["false_alarm"]))
    summary.add_row("benign look-alikes: asked", _pct(result["benign"]["asked"]))
    summary.add_row("opt-outs without the keyword", str(result["opt_outs"]))
    console.print(summary)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
