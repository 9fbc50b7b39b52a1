"""A guard on the safety net's development half (nlu/test/safety_dev.yml, written by separate
authors): a change to the detector's data, cues or thresholds that loses what it has learnt
fails here. The test half is never used by tests (docs/safety.md)."""

from __future__ import annotations

from typing import Any

from api.settings import ROOT
from bot import safety_eval
from bot.render import Resources


def test_the_development_half_keeps_every_target(nlu_model: Any) -> None:
    res = Resources.load(ROOT / "content", ROOT / "nlu" / "data")
    items = safety_eval.load(ROOT / "nlu" / "test" / "safety_dev.yml")
    assert len(items) > 200 and {i.lang for i in items} == {"bn", "en", "banglish"}
    result = safety_eval.report(safety_eval.run(items, nlu_model, res))
    assert safety_eval.failures(result) == []
    assert result["opt_outs"] == 0
