"""The danger detector measured on authors it never saw: leave some development sets out of
training, train as `prottasha nlu train` does (the thresholds tuned on the rest), and count the
left-out sets with the detector alone. This is how docs/safety.md measures a change before it
is kept (rounds 37-41): run it before and after the change, on the same held-out authors.

Usage: .venv/bin/python bench/safety_holdout.py --first 28 --last 38 [--cues FILE]
       [--misses OUT.tsv] [--json OUT.json]
Holds out nlu/test/safety_test{first..last}.yml. A sealed set (nlu/test/sealed.txt) is never
trained on, held out or read. Takes a few minutes on two cores; nothing is saved.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu import safety  # noqa: E402
from nlu.safety import training  # noqa: E402
from nlu.safety.detector import DangerDetector  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first", type=int, required=True)
    parser.add_argument("--last", type=int, required=True)
    parser.add_argument("--cues", type=Path, default=safety.CUES,
                        help="a cue file to measure instead of nlu/safety/cues.yml")
    parser.add_argument("--misses", type=Path, help="write what was missed or raised (TSV)")
    parser.add_argument("--json", type=Path, help="write the counts as JSON")
    args = parser.parse_args()

    held = {f"safety_test{n}.yml" for n in range(args.first, args.last + 1)}
    every = training.authored_files()  # the sealed sets are never among them
    missing = held - {p.name for p in every}
    if missing:
        parser.error(f"not development sets (missing or sealed): {sorted(missing)}")
    training.authored_files = lambda: [p for p in every if p.name not in held]

    started = time.perf_counter()
    state = training.train(safety.DATA_DIR, args.cues)
    detector = DangerDetector.from_state(state, args.cues)
    print(f"trained on {state['training']['examples']} examples in "
          f"{time.perf_counter() - started:.0f} s; thresholds {state['thresholds']}", flush=True)

    counts: Counter[str] = Counter()
    rows = []
    for path in sorted(p for p in every if p.name in held):
        for text, label, category, lang in training.read_set(path):
            level = detector.assess(text).level
            urgent, asked = level == "danger", level == "unsure"
            counts[label] += 1
            if label == "danger":
                counts["danger_urgent"] += urgent
                counts["danger_asked"] += asked
                if category == "self_harm":
                    counts["self_harm"] += 1
                    counts["self_harm_urgent"] += urgent
                if not urgent:
                    rows.append((path.name, category, lang, level, text))
            else:
                counts[f"{label}_urgent"] += urgent
                counts[f"{label}_asked"] += asked
                if urgent and label != "distress":
                    rows.append((path.name, label, lang, level, text))

    def line(what: str, hit: str, total: str) -> None:
        n = counts[total]
        print(f"{what:34s} {counts[hit]:5d} / {n:<5d} {counts[hit] / n:7.1%}" if n else what)

    print(f"held out: {len(held)} authors (safety_test{args.first}..{args.last})")
    line("danger urgent", "danger_urgent", "danger")
    line("danger asked instead", "danger_asked", "danger")
    line("self-harm urgent", "self_harm_urgent", "self_harm")
    line("distress raised as urgent", "distress_urgent", "distress")
    line("questions raised", "question_urgent", "question")
    line("look-alikes raised", "benign_urgent", "benign")
    line("look-alikes asked", "benign_asked", "benign")
    if args.misses:
        with args.misses.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter="\t").writerows(rows)
    if args.json:
        args.json.write_text(json.dumps({"held_out": sorted(held), "thresholds": state["thresholds"],
                                         "counts": dict(counts)}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
