"""Seal a new independent safety evaluation set (docs/safety.md, "How a round is measured").

Usage: .venv/bin/python bench/seal_safety_set.py RAW.yml --number 47 --about ABOUT.txt

RAW.yml is what a separate author (a helper who never saw this repository) wrote: a YAML list
of {text, label, category, lang}. The set is listed in nlu/test/sealed.txt *before* it is
written, so no training run or measurement can pick it up; then every message whose rapidfuzz
ratio to any line already in the repository (nlu/safety/data, nlu/safety/incoming, nlu/data
and every evaluation set in nlu/test) or to an earlier message of the same set is 70 or more is
dropped, mechanically and unread: a set that repeats its training data flatters the detector.
Only counts are printed, never a message: nobody working on the detector reads a sealed set
before its one count (`prottasha nlu evaluate-safety --data nlu/test/safety_testN.yml`).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections import Counter
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu import rasa_yaml  # noqa: E402
from nlu.safety import training  # noqa: E402
from nlu.safety.labels import DANGER  # noqa: E402

TEST_DIR = ROOT / "nlu" / "test"
SEALED = TEST_DIR / "sealed.txt"
SOURCES = (ROOT / "nlu" / "safety" / "data", ROOT / "nlu" / "safety" / "incoming",
           ROOT / "nlu" / "data", TEST_DIR)
TOO_CLOSE = 70
LABELS = {"danger", "distress", "question", "benign"}


def repository_lines(exclude: Path) -> list[str]:
    """Every message already in the repository: Rasa training and test files as the NLU reads
    them (entity markup removed), and the safety evaluation sets as training reads them."""
    out: list[str] = []
    for source in SOURCES:
        if source.is_dir():
            out += [e.text for e in rasa_yaml.read_nlu(source).examples
                    if Path(e.source).resolve() != exclude.resolve()]
            out += [text for path in sorted(source.glob("*.yml")) if path != exclude
                    for text, *_ in training.read_set(path)]
    return out


def read_raw(path: Path) -> list[dict[str, str]]:
    raw = yaml.safe_load(path.read_text("utf-8"))
    items = raw.get("examples") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        sys.exit(f"{path}: expected a list of messages")
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not str(item.get("text", "")).strip():
            sys.exit(f"{path}: message {n} has no text")
        if item.get("label") not in LABELS:
            sys.exit(f"{path}: message {n} has label {item.get('label')!r}, not one of {LABELS}")
        # A danger's category is its training label: an unknown one would stop `nlu train`
        # the day the set joins training (test76's author wrote "no_wages_or_food").
        if item["label"] == "danger" and item.get("category") not in DANGER:
            sys.exit(f"{path}: message {n} has danger category {item.get('category')!r}, not one "
                     f"of {', '.join(DANGER)}")
    return [{"text": str(i["text"]).strip(), "label": i["label"],
             "category": i.get("category") or i["label"], "lang": i.get("lang", "")}
            for i in items]


def seal(name: str) -> None:
    listed = SEALED.read_text("utf-8").splitlines() if SEALED.exists() else []
    if name not in listed:
        with SEALED.open("a", encoding="utf-8") as f:
            f.write(name + "\n")


def keep_far(items: list[dict[str, str]], known: list[str]) -> list[dict[str, str]]:
    scores = process.cdist([i["text"] for i in items], known, scorer=fuzz.ratio,
                           processor=utils.default_process, workers=-1)
    kept: list[dict[str, str]] = []
    for item, row in zip(items, scores, strict=True):
        near_known = len(known) > 0 and row.max() >= TOO_CLOSE
        near_kept = any(fuzz.ratio(item["text"], k["text"], processor=utils.default_process)
                        >= TOO_CLOSE for k in kept)
        if not (near_known or near_kept):
            kept.append(item)
    return kept


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", type=Path, help="the author's messages (YAML list)")
    parser.add_argument("--number", type=int, required=True, help="N of safety_testN.yml")
    parser.add_argument("--about", type=Path, required=True,
                        help="a plain-text description of the author and voices for the header")
    args = parser.parse_args(argv)

    out = TEST_DIR / f"safety_test{args.number}.yml"
    if out.exists():
        parser.error(f"{out.name} exists: a set is sealed once")
    items = read_raw(args.raw)
    seal(out.name)  # listed first: from here on no training run can see it
    kept = keep_far(items, repository_lines(exclude=out))
    dropped = len(items) - len(kept)

    about = " ".join(args.about.read_text("utf-8").split())
    header = ("Independent safety evaluation set (issue 10): SEALED. Nobody working on the "
              "detector opens it; it is counted once, against the next round's detector, and "
              "then becomes development data like the sets before it (docs/safety.md). "
              f"{about} Items with a rapidfuzz ratio >= {TOO_CLOSE} to any line already in the "
              "repository (nlu/safety/data, nlu/safety/incoming, nlu/data and every other "
              "evaluation set) or to an earlier item of this set were dropped mechanically, "
              f"unread, by bench/seal_safety_set.py ({dropped} of {len(items)}).")
    body = yaml.safe_dump({"examples": kept}, allow_unicode=True, sort_keys=False, width=100)
    out.write_text("".join(f"# {line}\n" for line in textwrap.wrap(header, 96)) + body, "utf-8")

    counts = Counter(i["label"] for i in kept)
    print(f"sealed {out.name}: kept {len(kept)} of {len(items)} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); listed in {SEALED.name}")


if __name__ == "__main__":
    main()
