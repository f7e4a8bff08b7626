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


def playwright_or_skip():  # noqa: ANN201 (the playwright.sync_api module)
    """Playwright's sync API for a real-browser test module, or skip the module saying what is missing."""
    api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
    )
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
    return api


LABOR_ACTION = CORPUS / "plaintext" / "labor-action-1948-03-08-p4-independent-socialism.txt"


@pytest.fixture
def corpus() -> Path:
    return CORPUS


@pytest.fixture
def labor_action() -> Path:
    return LABOR_ACTION
