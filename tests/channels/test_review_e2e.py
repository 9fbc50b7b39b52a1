"""`prottasha nlu review` on a database with real conversations (signed SMS webhooks): no
name, phone number or amount survives, and questionnaire answers are left out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from api.settings import ROOT
from nlu.engine import BuiltinNLU
from tests.channels.conftest import post_twilio, sms

# Invented people: names, numbers and sums that must never survive into an export.
NAMES = ("Rofiqul", "Shahnaz", "Parvin", "রফিকুল", "শাহনাজ", "Mokbul")


def test_review_command_on_real_conversations_leaks_nothing(
        client: TestClient, nlu_model: BuiltinNLU, database_url: str, data_key: str,
        tmp_path: Path) -> None:
    client.app.state.services.conversations.flood.limit = 1000  # type: ignore[attr-defined]
    free = ["amar nam Mokbul Hossain 01711-222333 number e call diben dalal 3 lakh nise",
            "আমার নাম শাহনাজ পারভীন, আমার বোন লেবাননে, ০১৮১৯-৪৪৪৫৫৫",
            "xq lorum ipsa dolor sit",
            "Rofiqul bhai bolse zorbulex company te kaj ache"]
    # The questionnaire's answers (a date, an age) are answers, not unanswered questions.
    flow = ["REG", "yes", "yes", "Kuwait", "March 2026", "41"]
    n = 0
    for sender, texts in (("+8801711000201", free), ("+8801711000202", flow)):
        for text in texts:
            n += 1
            r = post_twilio(client, "/webhooks/twilio/sms", sms(text, f"SM{n:032x}", sender))
            assert r.status_code == 200
    env = {**os.environ, "VAR_DIR": str(tmp_path), "NLU_BACKEND": "builtin",
           "NLU_ARTIFACT_DIR": str(Path(nlu_model.state["path"]).parent),
           "DATABASE_URL": database_url, "DATA_KEY": data_key, "SECRET_KEY": "s" * 40}
    out = tmp_path / "review.yml"
    proc = subprocess.run([sys.executable, "-m", "api.cli_nlu", "review", "--out", str(out),
                           "--below", "1.0"], capture_output=True, cwd=ROOT, env=env,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    text = out.read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    for secret in (*NAMES, "Hossain", "পারভীন", "01711", "222333", "০১৮১৯", "৪৪৪৫৫৫",
                   "3 lakh", "zorbulex"):
        assert secret.lower() not in body.lower(), secret
    assert not re.search(r"\d{3,}|[০-৯]{3,}", body.replace("3.1", ""))
    doc = yaml.safe_load(text)
    examples = [line for block in doc["nlu"] for line in block["examples"].splitlines()]
    assert any("dalal" in e and "<phone>" in e for e in examples), examples
    assert not any("March" in e or e.strip("- ") == "41" for e in examples), examples
    assert all(block["metadata"]["reviewed"] is False for block in doc["nlu"])
