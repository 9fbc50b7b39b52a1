"""The danger detector: a model of its own, independent of the intent classifier, that reads
every message for signs that a person is in danger, before anything else looks at it."""

from pathlib import Path

from nlu.safety.detector import Assessment, DangerDetector
from nlu.safety.labels import BENIGN, DANGER, DISTRESS, LABELS, QUESTION
from nlu.safety.training import load_detector

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"  # labelled examples, Rasa NLU YAML with the labels as intents
CUES = HERE / "cues.yml"

__all__ = ["BENIGN", "CUES", "DANGER", "DATA_DIR", "DISTRESS", "LABELS", "QUESTION", "Assessment",
           "DangerDetector", "load_detector"]
