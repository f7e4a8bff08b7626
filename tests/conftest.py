"""Shared fixtures: paths to the bundled corpus, the CLI runner, fresh archives."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/strategies.py

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
CHROMIUM = os.environ.get("MASTHEAD_CHROMIUM", "/usr/bin/chromium")
"""Debian's chromium, driven by Playwright in the real-browser tests (no browser is ever downloaded)."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LABOR_ACTION = CORPUS / "plaintext" / "labor-action-1948-03-08-p4-independent-socialism.txt"


@pytest.fixture
def corpus() -> Path:
    return CORPUS


@pytest.fixture
def labor_action() -> Path:
    return LABOR_ACTION
