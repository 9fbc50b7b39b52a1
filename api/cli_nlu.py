"""`prottasha nlu`: train the built-in model, evaluate a backend, parse stdin to JSON lines."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.settings import get_settings
from nlu import review as review_defaults

app = typer.Typer(help="Understanding messages: train, evaluate, parse.", no_args_is_help=True)
console = Console(stderr=True)


@contextmanager
def _progress() -> Iterator[Any]:
    """A rich progress bar fed by the engine's (stage, done, total) callback."""
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), TextColumn("{task.completed}"
                  "/{task.total}"), TimeElapsedColumn(), console=console) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


def _dirs() -> tuple[Path, Path]:
    settings = get_settings()
    return Path(settings.nlu_data_dir), Path(settings.nlu_artifact_dir or settings.var_dir / "nlu")


def _backend() -> Any:
    from nlu.backends import make_nlu

    settings = get_settings()
    data_dir, artifact_dir = _dirs()
    with _progress() as report:
        return make_nlu(settings.nlu_backend, data_dir=data_dir, artifact_dir=artifact_dir,
                        rasa_url=settings.rasa_url, progress=report)


def _danger(artifact_dir: Path, report: Any, force: bool) -> Any:
    """The danger detector is trained with the intent model: both ship together."""
    from nlu import safety
    from nlu.safety import training
    from nlu.safety.training import artifact_path

    if force:
        artifact_path(artifact_dir, safety.DATA_DIR, safety.CUES).unlink(missing_ok=True)
    danger = safety.load_detector(safety.DATA_DIR, safety.CUES, artifact_dir, progress=report)
    # Thresholds tuned afresh for changed code or data are kept for the next new user's first
    # run (training.TUNED); the change is only complete when this file is committed with it.
    key = training.version(safety.DATA_DIR, safety.CUES)
    if training.committed_thresholds(key) != danger.thresholds:
        try:
            training.commit_thresholds(key, danger.thresholds)
            console.print(f"[yellow]thresholds tuned for changed code or data:[/] commit "
                          f"{training.TUNED.name} with the change")
        except OSError as exc:  # an installed package may be read-only: the model still serves
            console.print(f"[yellow]could not record the tuned thresholds:[/] {exc}")
    return danger


@app.command()
def train(force: bool = typer.Option(False, "--force", help="Retrain even if up to date.")) -> None:
    """Train the built-in model if the data or code changed (or with --force); print its path."""
    from nlu import artifact
    from nlu.engine import BuiltinNLU, load_or_train

    data_dir, artifact_dir = _dirs()
    with _progress() as report:
        if force:
            path = artifact.artifact_path(artifact_dir, artifact.data_hash(data_dir))
            nlu = BuiltinNLU.train(data_dir, progress=report)
            nlu.save(path)
            artifact.remove_stale(artifact_dir, keep=path)
            nlu.state["path"] = str(path)
        else:
            nlu = load_or_train(data_dir, artifact_dir, progress=report)
        danger = _danger(artifact_dir, report, force)
    training = nlu.state["training"]
    console.print(f"{training['examples']} examples, {len(training['by_intent'])} intents, "
                  f"threshold {nlu.threshold}, margin {nlu.margin}")
    console.print(f"danger detector: {danger.info['training']['examples']} examples, "
                  f"thresholds {danger.thresholds.as_dict()}")
    for path, why in training["skipped"]:
        console.print(f"[yellow]not read:[/] {path} ({why})")
    for problem in training["problems"]:
        console.print(f"[yellow]data problem:[/] {problem}")
    typer.echo(nlu.state["path"])


@app.command()
def evaluate(
    data: Path = typer.Option(..., "--data", exists=True, help="Labelled Rasa YAML file or dir."),
    out: Path | None = typer.Option(None, "--out", help="Report directory [var/nlu/eval]."),
) -> None:
    """Score the configured backend on labelled data; write report.json and confusion.png."""
    from nlu.evaluation import evaluate as run_evaluation

    out = out or get_settings().var_dir / "nlu" / "eval"
    result = run_evaluation(_backend(), data, out_dir=out)
    _print_summary(result)
    console.print(f"report: {out / 'report.json'}  matrix: {out / 'confusion.png'}")


@app.command()
def crossval(
    folds: int = typer.Option(5, "--folds", min=2),
    out: Path | None = typer.Option(None, "--out", help="Report directory [var/nlu/cv]."),
) -> None:
    """k-fold cross-validation of the built-in engine over the training data."""
    from nlu.evaluation import cross_validate

    data_dir, _ = _dirs()
    out = out or get_settings().var_dir / "nlu" / "cv"
    with _progress() as report:
        result = cross_validate(data_dir, folds=folds, progress=report, out_dir=out)
    _print_summary(result)
    console.print(f"report: {out / 'report.json'}")


@app.command()
def parse() -> None:
    """Read UTF-8 messages, one per line, on stdin; write one JSON object per line."""
    nlu = _backend()
    lines = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)

    def emit(result: dict[str, Any]) -> None:
        out.write(json.dumps(result, ensure_ascii=False) + "\n")

    if callable(getattr(nlu, "parse", None)):
        for line in lines:
            emit(nlu.parse(line.rstrip("\r\n")))
    else:

        async def run() -> None:
            try:
                for line in lines:
                    emit(await nlu.aparse(line.rstrip("\r\n")))
            finally:
                await nlu.aclose()

        asyncio.run(run())
    out.flush()


@app.command()
def review(
    out: Path = typer.Option(Path("-"), "--out", help="Where to write the YAML [stdout]."),
    below: float = typer.Option(review_defaults.BELOW, "--below", min=0.0, max=1.0,
                                help="Also take messages the model is less sure of than this."),
    days: int = typer.Option(review_defaults.DAYS, "--days", min=1, help="Look back this many days."),
    limit: int = typer.Option(review_defaults.LIMIT, "--limit", min=1, help="At most this many items."),
) -> None:
    """Export what the bot did not understand, masked, most useful first, as Rasa YAML to label."""
    from api.cli_db import database_session
    from nlu.engine import load_or_train
    from nlu.rasa_yaml import read_nlu
    from nlu.review import Stored, collect, to_yaml
    from referral import reports

    async def fetch() -> list[Stored]:
        async with database_session() as session:
            return [Stored.of(r) for r in await reports.unsure(session, below=below, days=days)]

    data_dir, artifact_dir = _dirs()
    messages = asyncio.run(fetch())
    with _progress() as report:
        nlu = load_or_train(data_dir, artifact_dir, progress=report)
        items = collect(messages, nlu, below=below, limit=limit,
                        known=[ex.text for ex in read_nlu(data_dir).examples],
                        progress=lambda done, total: report("masking", done, total))
    text = to_yaml(items)
    if str(out) == "-":
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
    console.print(f"{len(messages)} messages read, {len(items)} items to label"
                  + ("" if str(out) == "-" else f": {out}"))


def _print_summary(result: dict[str, Any]) -> None:
    table = Table(title=f"{result['examples']} messages")
    for col in ("variety", "n", "accuracy", "macro-F1", "fallback"):
        table.add_column(col, justify="right" if col != "variety" else "left")
    rows = [("all", result["overall"])] + list(result["by_variety"].items())
    for name, s in rows:
        if s.get("n"):
            table.add_row(name, str(s["n"]), f"{s['accuracy']:.3f}", f"{s['macro_f1']:.3f}",
                          f"{s['fallback_rate']:.3f}")
    console.print(table)
    ents = Table(title="entities")
    for col in ("entity", "gold", "value accuracy", "predicted", "precision"):
        ents.add_column(col)
    for kind, s in result["entities"].items():
        ents.add_row(kind, str(s["gold"]), _pct(s["value_accuracy"]), str(s["predicted"]),
                     _pct(s["precision"]))
    console.print(ents)
    worst = sorted(result["per_intent"].items(), key=lambda kv: kv[1]["f1"])[:5]
    console.print("weakest intents: " + ", ".join(f"{k} {v['f1']:.2f}" for k, v in worst))
    for c in result["top_confusions"][:5]:
        console.print(f"  {c['gold']} -> {c['predicted']}: {c['count']}")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


if __name__ == "__main__":
    app()
