"""The house's shape (issue 16): imports between our modules go one way, counting imports inside
functions, and no module grows past 400 lines. A ratchet: the cycles and long modules listed
below are the ones left to take apart; a new one fails here, and so does one that is gone but
still listed (remove it from the list)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from api.settings import ROOT

PACKAGES = ("api", "bot", "nlu", "referral")
MAX_LINES = 400
KNOWN_CYCLES: set[frozenset[str]] = set()
KNOWN_LONG: set[str] = set()


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Every module each module imports, wherever the import stands (a function's too)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    if target in modules:
                        graph[name].add(target)
                    elif base in modules:
                        graph[name].add(base)
        graph[name].discard(name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: set[frozenset[str]] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset("abc")}


def test_imports_go_one_way() -> None:
    assert _cycles(_imports(_modules())) == KNOWN_CYCLES


def test_no_module_grows_past_400_lines() -> None:
    long = {str(path.relative_to(ROOT)) for path in _modules().values()
            if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES}
    assert long == KNOWN_LONG


def test_outbound_messages_are_made_in_one_place() -> None:
    """Every outbox row is made by referral/outbox.py (`values`, `enqueue`): nobody else
    constructs an OutboxMessage with its own idea of priority or status."""
    makers = set()
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "OutboxMessage"):
                makers.add(name)
    assert makers == {"referral.outbox"}


def test_ticket_actions_have_one_home() -> None:
    """REST, dashboard and Telegram act on tickets through bot/cases.py only, so the rules
    (who may, what the person is told, who is alerted) are the same on every surface."""
    actions = {"accept", "change_status", "reassign", "add_note", "reply_to_person"}
    callers = set()
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in actions and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in ("tickets", "service", "alerts")):
                callers.add(name)
    assert callers == {"bot.cases"}


def test_the_picture_shows_every_import_between_packages() -> None:
    """docs/architecture.md draws the packages and their imports: it stays true."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    picture = doc.split("```mermaid", 1)[1].split("```", 1)[0]
    drawn = {(a, b) for a, b in re.findall(r"^\s*(\w+) --> (\w+)\s*$", picture, re.M)}
    used = {(a.split(".")[0], b.split(".")[0])
            for a, targets in _imports(_modules()).items() for b in targets
            if a.split(".")[0] != b.split(".")[0]}
    assert drawn == used, {"not drawn": used - drawn, "no longer used": drawn - used}
