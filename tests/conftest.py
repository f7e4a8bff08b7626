"""Shared fixtures: paths to the bundled corpus, the CLI runner, fresh archives."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/strategies.py

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
LABOR_ACTION = CORPUS / "plaintext" / "labor-action-1948-03-08-p4-independent-socialism.txt"


@pytest.fixture
def corpus() -> Path:
    return CORPUS


@pytest.fixture
def labor_action() -> Path:
    return LABOR_ACTION
