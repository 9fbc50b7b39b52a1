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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import safety_eval  # noqa: E402
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
    # Tuned on the rest, never the committed thresholds (those are for all the sets).
    assert state["training"]["thresholds_from"] == "tuned"
    detector = DangerDetector.from_state(state, args.cues)
    print(f"trained on {state['training']['examples']} examples in "
          f"{time.perf_counter() - started:.0f} s; thresholds {state['thresholds']}", flush=True)

    items = [item for path in every if path.name in held for item in safety_eval.load(path)]
    counts = safety_eval.levels(items, detector)
    print(f"held out: {len(held)} authors (safety_test{args.first}..{args.last})")
    for what, label, level in (("danger urgent", "danger", "danger"),
                               ("danger asked instead", "danger", "unsure"),
                               ("self-harm urgent", "self_harm", "danger"),
                               ("distress raised as urgent", "distress", "danger"),
                               ("questions raised", "question", "danger"),
                               ("look-alikes raised", "benign", "danger"),
                               ("look-alikes asked", "benign", "unsure")):
        total = sum(n for (lab, _), n in counts.items() if lab == label)
        if total:
            print(f"{what:28s} {counts[label, level]:5d} / {total:<5d} "
                  f"{counts[label, level] / total:7.1%}")
    if args.misses:  # a danger not made urgent; a question or a look-alike made urgent
        rows = []
        for item in items:
            level = detector.assess(item.text).level
            if item.label != "distress" and (item.label == "danger") != (level == "danger"):
                rows.append((item.category, item.lang, level, item.text))
        with args.misses.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter="\t").writerows(rows)
    if args.json:
        args.json.write_text(json.dumps({
            "held_out": sorted(held), "thresholds": state["thresholds"],
            "counts": {f"{label}/{level}": n for (label, level), n in counts.items()}},
            indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
