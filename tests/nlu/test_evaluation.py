"""Evaluation: the floor on the held-out file, the report files, cross-validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.settings import ROOT
from nlu.engine import BuiltinNLU
from nlu.evaluation import cross_validate, evaluate
from nlu.metrics import report
from nlu.rasa_yaml import read_nlu

HELD_OUT = ROOT / "nlu" / "test" / "heldout.yml"


@pytest.fixture(scope="module")
def held_out_report(nlu_model: BuiltinNLU,
                    tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    if not HELD_OUT.exists():
        pytest.fail(f"the held-out file {HELD_OUT} is missing")
    out = tmp_path_factory.mktemp("eval")
    return evaluate(nlu_model, HELD_OUT, out_dir=out), out


def test_held_out_floor(held_out_report: tuple[dict, Path]) -> None:
    result, _ = held_out_report
    confusions = result["top_confusions"][:5]
    assert result["overall"]["macro_f1"] >= 0.92, confusions
    for lang, scores in result["by_variety"].items():
        assert scores["n"] > 0, lang
        assert scores["accuracy"] >= 0.88, (lang, scores, confusions)


def test_held_out_places_and_out_of_scope(held_out_report: tuple[dict, Path]) -> None:
    result, _ = held_out_report
    for kind in ("district", "country"):
        if result["entities"][kind]["gold"]:
            assert result["entities"][kind]["value_accuracy"] >= 0.85, kind
    assert result["out_of_scope"]["handled"] >= 0.85


def test_report_files(held_out_report: tuple[dict, Path]) -> None:
    result, out = held_out_report
    saved = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert saved["overall"] == result["overall"]
    assert set(saved["per_intent"]) == {e.intent for e in read_nlu(HELD_OUT).examples}
    assert (out / "confusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_metrics_accept_fallback_for_out_of_scope_only() -> None:
    from nlu.annotations import GoldEntity
    from nlu.rasa_yaml import Example

    def ex(intent: str, lang: str, ents: tuple[GoldEntity, ...] = ()) -> Example:
        return Example("x", intent, lang, ents, "t")

    def parse(intent: str, ents: list[dict] | None = None) -> dict:
        return {"intent": {"name": intent, "confidence": 1.0}, "entities": ents or [],
                "language": "en"}

    dhaka = GoldEntity("district", "Dhaka", 0, 5, "dhaka")
    result = report(
        [ex("out_of_scope", "en"), ex("greet", "bn"), ex("greet", "banglish", (dhaka,))],
        [parse("nlu_fallback"), parse("nlu_fallback"),
         parse("greet", [{"entity": "district", "value": "Dhaka", "start": 0, "end": 5}])],
    )
    assert result["overall"]["accuracy"] == round(2 / 3, 4)
    assert result["overall"]["fallback_rate"] == round(2 / 3, 4)
    assert result["by_variety"]["bn"]["accuracy"] == 0.0
    assert result["entities"]["district"] == {"gold": 1, "value_accuracy": 1.0, "predicted": 1,
                                              "precision": 1.0}


def test_cross_validation_tests_every_example_once(tmp_path: Path) -> None:
    from tests.nlu.test_engine import write_tiny

    data = write_tiny(tmp_path)
    result = cross_validate(data, folds=2, out_dir=tmp_path / "cv")
    assert result["examples"] == 18
    assert len(result["fold_settings"]) == 2
    assert (tmp_path / "cv" / "confusion.png").exists()
