"""bench/seal_safety_set.py: a new evaluation set is listed as sealed before it exists, and a
message too close to anything already in the repository is dropped (else the count flatters)."""

import importlib.util
from pathlib import Path

import pytest
import yaml

_PATH = Path(__file__).resolve().parents[2] / "bench" / "seal_safety_set.py"
_spec = importlib.util.spec_from_file_location("seal_safety_set", _PATH)
assert _spec and _spec.loader
seal = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seal)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    test_dir, data = tmp_path / "nlu" / "test", tmp_path / "nlu" / "data"
    test_dir.mkdir(parents=True)
    data.mkdir(parents=True)
    (test_dir / "sealed.txt").write_text("# waiting\n", encoding="utf-8")
    (data / "danger.yml").write_text(yaml.safe_dump({"nlu": [{"intent": "violence", "examples":
        "- my employer beats me every day\n"}]}), encoding="utf-8")
    monkeypatch.setattr(seal, "TEST_DIR", test_dir)
    monkeypatch.setattr(seal, "SEALED", test_dir / "sealed.txt")
    monkeypatch.setattr(seal, "SOURCES", (data, test_dir))
    return tmp_path


def test_messages_are_read_from_rasa_blocks_and_from_evaluation_sets_alike(repo):
    # The repository's own readers: nlu.rasa_yaml for Rasa files, training.read_set for ours.
    rasa = {"nlu": [{"intent": "x", "examples": "- my [passport](doc) was taken\n- help me\n"}]}
    ours = {"examples": [{"text": "ami bhalo nai", "label": "distress"}]}
    (repo / "nlu" / "data" / "more.yml").write_text(yaml.safe_dump(rasa), encoding="utf-8")
    (repo / "nlu" / "test" / "safety_test1.yml").write_text(yaml.safe_dump(ours), encoding="utf-8")
    lines = seal.repository_lines(exclude=repo / "nlu" / "test" / "safety_test99.yml")
    assert {"my passport was taken", "help me", "ami bhalo nai"} <= set(lines)
    assert "my employer beats me every day" in lines


def test_a_set_is_listed_as_sealed_and_near_copies_are_dropped_unread(repo, capsys):
    raw = [{"text": "My employer beats me every day!", "label": "danger", "category": "violence",
            "lang": "en"},  # a near-copy of a training line
           {"text": "they locked us in the camp and took our phones", "label": "danger",
            "category": "confinement", "lang": "en"},
           {"text": "They locked us in the camp, took our phones.", "label": "danger",
            "category": "confinement", "lang": "en"},  # a near-copy of the one before
           {"text": "dying to see the final tonight", "label": "benign",
            "category": "lookalike", "lang": "en"}]
    (repo / "raw.yml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    (repo / "about.txt").write_text("Written by a test.", encoding="utf-8")

    seal.main([str(repo / "raw.yml"), "--number", "99", "--about", str(repo / "about.txt")])

    out = repo / "nlu" / "test" / "safety_test99.yml"
    assert "safety_test99.yml" in (repo / "nlu" / "test" / "sealed.txt").read_text().splitlines()
    kept = yaml.safe_load(out.read_text(encoding="utf-8"))["examples"]
    assert [k["text"] for k in kept] == ["they locked us in the camp and took our phones",
                                         "dying to see the final tonight"]
    assert "(2 of 4)" in " ".join(out.read_text(encoding="utf-8").split())
    printed = capsys.readouterr().out
    assert "kept 2 of 4" in printed and "locked" not in printed  # counts, never a message
    with pytest.raises(SystemExit):  # sealed once
        seal.main([str(repo / "raw.yml"), "--number", "99", "--about", str(repo / "about.txt")])


def test_a_danger_with_an_unknown_category_is_refused_before_anything_is_sealed(repo):
    # Its category is its training label: test76's author wrote "no_wages_or_food", which would
    # have stopped `nlu train` the day the set joined training.
    raw = [{"text": "no salary 6 months, no food", "label": "danger", "category": "no_wages_or_food",
            "lang": "en"}]
    (repo / "raw.yml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    (repo / "about.txt").write_text("Written by a test.", encoding="utf-8")
    with pytest.raises(SystemExit, match="no_wages_food"):
        seal.main([str(repo / "raw.yml"), "--number", "98", "--about", str(repo / "about.txt")])
    assert not (repo / "nlu" / "test" / "safety_test98.yml").exists()
    assert "safety_test98.yml" not in (repo / "nlu" / "test" / "sealed.txt").read_text()
