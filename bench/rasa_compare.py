"""The built-in NLU against Rasa DIET, trained on the same nlu/data/ and scored the same way.

Usage: .venv/bin/python bench/rasa_compare.py [--rasa /opt/rasa310/bin/rasa] [--json OUT]
Install Rasa first (../shared/tools/rasa-peer-install, or any Rasa 3.6 install): it trains
DIET with nlu/rasa/config.yml (the `rasa` profile's pipeline), serves the model on a local
port and scores both engines with the same code (nlu.metrics) on the held-out file and the
nine independent real-style files (three sets by different authors, three varieties each). A
trained Rasa model is reused while nlu/data/ and the config are unchanged. DIET training takes
about 25-45 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu import artifact  # noqa: E402
from nlu.engine import load_or_train  # noqa: E402
from nlu.metrics import report  # noqa: E402
from nlu.rasa_yaml import read_nlu  # noqa: E402
from nlu.taxonomy import FALLBACK  # noqa: E402

SETS = ("heldout", "independent_en", "independent_bn", "independent_banglish",
        "independent2_en", "independent2_bn", "independent2_banglish",
        "independent3_en", "independent3_bn", "independent3_banglish")
CONFIG = ROOT / "nlu" / "rasa" / "config.yml"


class RasaServer:
    """`rasa run --enable-api` on a free local port, for as long as the `with` lasts."""

    def __init__(self, rasa: str, model: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.cmd = [rasa, "run", "--enable-api", "-m", str(model), "-i", "127.0.0.1",
                    "-p", str(self.port)]

    def __enter__(self) -> RasaServer:
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("rasa run exited: " + self.proc.stderr.read().decode()[-2000:])
            try:
                if httpx.get(f"{self.url}/status", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(2)
        raise RuntimeError("rasa did not start within 300 s")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(30)

    def parse(self, client: httpx.Client, text: str) -> dict[str, Any]:
        # No fallback to the built-in model here (unlike nlu/rasa_client.py): a Rasa failure
        # must show as a failure, not as the other engine's answer.
        got = client.post(f"{self.url}/model/parse", json={"text": text})
        got.raise_for_status()
        body = got.json()
        intent = body.get("intent") or {"name": FALLBACK, "confidence": 0.0}
        return {"intent": intent, "entities": body.get("entities") or [],
                "language": None, "intent_ranking": body.get("intent_ranking") or [intent]}


def train_rasa(rasa: str, out_dir: Path, config: Path = CONFIG) -> Path:
    """Train DIET on nlu/data/ unless a model for this data and config exists."""
    key = hashlib.sha256((artifact.data_hash(ROOT / "nlu" / "data")
                          + config.read_text(encoding="utf-8")).encode()).hexdigest()[:16]
    model = out_dir / f"diet-{key}.tar.gz"
    if model.exists():
        print(f"reusing {model}", file=sys.stderr)
        return model
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run([rasa, "train", "nlu", "--config", str(config), "--nlu",
                    str(ROOT / "nlu" / "data"), "--out", str(out_dir), "--fixed-model-name",
                    model.name.removesuffix(".tar.gz")], check=True, cwd=out_dir)
    print(f"DIET trained in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return model


def main() -> None:
    """Train (or reuse) both models, score both on every set, print a table and JSON."""
    args = _args()
    builtin = load_or_train(ROOT / "nlu" / "data", ROOT / "var" / "nlu")
    model = train_rasa(args.rasa, ROOT / "var" / "rasa-models", args.config.resolve())
    results: dict[str, Any] = {}
    with RasaServer(args.rasa, model) as server, httpx.Client(timeout=30) as client:
        for name in SETS:
            examples = read_nlu(ROOT / "nlu" / "test" / f"{name}.yml").examples
            texts = [ex.text for ex in examples]
            ours = report(examples, [builtin.parse(t) for t in texts])
            diet = report(examples, [server.parse(client, t) for t in texts])
            results[name] = {"n": len(examples), "builtin": _brief(ours), "diet": _brief(diet)}
    print(f"{'set':<22}{'n':>5}  {'built-in acc/F1':>16}  {'DIET acc/F1':>14}  {'F1 gap':>7}")
    for name, r in results.items():
        b, d = r["builtin"], r["diet"]
        print(f"{name:<22}{r['n']:>5}  {b['accuracy']:.3f}/{b['macro_f1']:.3f}"
              f"{'':>5}{d['accuracy']:.3f}/{d['macro_f1']:.3f}  "
              f"{100 * (b['macro_f1'] - d['macro_f1']):+6.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


def _brief(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: round(r["overall"][k], 4) for k in ("accuracy", "macro_f1", "fallback_rate")}
    out["by_variety"] = {v: {k: round(s[k], 4) for k in ("accuracy", "macro_f1")}
                         for v, s in r["by_variety"].items() if s.get("n")}
    return out


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rasa", default=os.environ.get("RASA_BIN", "/opt/rasa310/bin/rasa"))
    p.add_argument("--json", help="also write the figures here")
    p.add_argument("--config", type=Path, default=CONFIG, help="Rasa pipeline [%(default)s]")
    return p.parse_args()


if __name__ == "__main__":
    main()
