"""`prottasha nlu` as a user runs it: a real process, stdin in, JSON lines out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from api.settings import ROOT
from nlu.engine import BuiltinNLU


def run_cli(nlu_model: BuiltinNLU, tmp_path: Path, *args: str,
            stdin: str = "") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "VAR_DIR": str(tmp_path), "NLU_BACKEND": "builtin",
           "NLU_ARTIFACT_DIR": str(Path(nlu_model.state["path"]).parent)}
    return subprocess.run([sys.executable, "-m", "api.cli_nlu", *args], input=stdin.encode(),
                          capture_output=True, cwd=ROOT, env=env, timeout=300, check=False)


def test_parse_reads_lines_and_writes_json_lines(nlu_model: BuiltinNLU, tmp_path: Path) -> None:
    lines = ["সৌদি যেতে কত টাকা লাগে", "hello", "", "dubai theke taka pathabo kivabe"]
    proc = run_cli(nlu_model, tmp_path, "parse", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode("utf-8").splitlines()
    assert len(out) == len(lines)
    results = [json.loads(line) for line in out]
    assert [r["text"] for r in results] == lines
    assert results[0]["language"] == "bn" and results[0]["intent"]["name"] == "migration_cost"
    assert results[2]["intent"]["name"] == "nlu_fallback"
    assert "সৌদি" in out[0]  # ensure_ascii=False


def test_train_prints_the_artifact_path(nlu_model: BuiltinNLU, tmp_path: Path) -> None:
    proc = run_cli(nlu_model, tmp_path, "train")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == nlu_model.state["path"]


def test_evaluate_writes_report_and_matrix(nlu_model: BuiltinNLU, tmp_path: Path) -> None:
    data = tmp_path / "few.yml"
    data.write_text('version: "3.1"\nnlu:\n- intent: greet\n  metadata: {lang: en}\n'
                    "  examples: |\n    - hello\n    - hi there\n", encoding="utf-8")
    proc = run_cli(nlu_model, tmp_path, "evaluate", "--data", str(data), "--out",
                   str(tmp_path / "eval"))
    assert proc.returncode == 0, proc.stderr.decode()
    report = json.loads((tmp_path / "eval" / "report.json").read_text(encoding="utf-8"))
    assert report["examples"] == 2
    assert (tmp_path / "eval" / "confusion.png").exists()
    assert "accuracy" in proc.stderr.decode()
