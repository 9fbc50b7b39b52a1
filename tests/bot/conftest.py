"""Shared by the content tests: an editable copy of the shipped content, and a fixed day."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from api.settings import ROOT

CONTENT = ROOT / "content"
# A fixed day: `make lint` runs the check on the real date, so an overdue price fails there (and
# a reviewer moves review_by), not the test suite on some later day.
TODAY = date(2026, 12, 4)


@pytest.fixture
def editable(tmp_path: Path) -> Path:
    """A copy of content/ a test may change."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy
