"""Benchmark the built-in NLU: training time, load time, parse latency on one core, RSS.

Usage: .venv/bin/python bench/nlu_bench.py [--data nlu/data] [--texts FILE ...]
       [--rounds 5] [--json OUT]
The texts default to the held-out file and the independent real-style files, whose long
stories take the long-message path (nlu.engine.LONG tokens or more); their latency is also
reported on its own.
"""

from __future__ import annotations

import os

# One core, no thread pools: the figures are per worker process.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.engine import LONG, BuiltinNLU  # noqa: E402
from nlu.normalise import TOKEN_RE, normalise  # noqa: E402
from nlu.rasa_yaml import read_nlu  # noqa: E402

# Run in a fresh interpreter so imports, load and RSS are those of a real worker.
_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from nlu.engine import BuiltinNLU
t1 = time.perf_counter()
nlu = BuiltinNLU.load(sys.argv[1])
t2 = time.perf_counter()
for text in json.loads(sys.argv[2]):
    nlu.parse(text)
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "rss_mb": rss / 1024,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    """Measure and print the figures as JSON."""
    args = _args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    started = time.perf_counter()
    nlu = BuiltinNLU.train(args.data)
    train_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        path = nlu.save(Path(tmp) / "model.joblib")
        size_mb = path.stat().st_size / 1e6
        texts = [ex.text for f in args.texts for ex in read_nlu(f).examples]
        child = [_child(path, texts[:200]) for _ in range(3)]
    nlu = BuiltinNLU(nlu.state)  # a fresh instance: empty per-model caches
    cold, latencies = _latencies(nlu, texts, args.rounds)
    long_texts = [t for t in texts if len(TOKEN_RE.findall(normalise(t).text)) >= LONG]
    _, long_lat = _latencies(nlu, long_texts, args.rounds)
    result = {
        "train_s": round(train_s, 2),
        "artifact_mb": round(size_mb, 2),
        "features": len(nlu.intents.vocab),
        "load_s": round(min(c["load_s"] for c in child), 3),
        "import_and_load_s": round(min(c["import_s"] + c["load_s"] for c in child), 3),
        "rss_mb": round(max(c["rss_mb"] for c in child), 1),
        "parse_ms_p50": round(latencies[len(latencies) // 2] * 1e3, 3),
        "parse_ms_p99": round(latencies[int(len(latencies) * 0.99)] * 1e3, 3),
        "parse_ms_mean": round(statistics.fmean(latencies) * 1e3, 3),
        "parse_ms_p99_cold": round(cold[int(len(cold) * 0.99)] * 1e3, 3),
        "parses": len(latencies),
        "long_messages": len(long_texts),
        "long_parse_ms_p50": round(long_lat[len(long_lat) // 2] * 1e3, 3),
        "long_parse_ms_p99": round(long_lat[int(len(long_lat) * 0.99)] * 1e3, 3),
        "python": sys.version.split()[0],
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


def _latencies(nlu: BuiltinNLU, texts: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """First pass (cold caches: fuzzy place matches, transliterations), then warm passes."""
    clock = time.perf_counter
    runs: list[list[float]] = []
    for _ in range(rounds + 1):
        times = []
        for text in texts:
            t = clock()
            nlu.parse(text)
            times.append(clock() - t)
        runs.append(times)
    return sorted(runs[0]), sorted(t for run in runs[1:] for t in run)


def _child(path: Path, texts: list[str]) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), json.dumps(texts)],
                          capture_output=True, text=True, cwd=ROOT, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(proc.stdout)


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=ROOT / "nlu" / "data")
    p.add_argument("--texts", type=Path, nargs="+", default=[
        ROOT / "nlu" / "test" / f"{name}.yml" for name in
        ("heldout", "independent_en", "independent_bn", "independent_banglish")])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--json", type=Path, default=None)
    return p.parse_args()


if __name__ == "__main__":
    main()
