"""`examples/demo.py` runs `examples/quickstart.py` against the fake and exits 0."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, load_module


def test_demo_runs_the_quick_start(capsys: pytest.CaptureFixture[str]) -> None:
    demo = load_module("_basecamp_demo", ROOT / "examples" / "demo.py")
    assert demo.main() == 0
    out = capsys.readouterr().out
    assert "3 projects on account" in out
    assert "Listed 20 to-dos in 'Launch checklist' across 2 page(s)" in out
    assert "Webhook received: todo_completed" in out
    assert "raised NotFoundError (HTTP 404)" in out
    assert "sha256 matches" in out
    assert "Quick start finished." in out


def test_quick_start_needs_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    quickstart = load_module("_basecamp_quickstart", ROOT / "examples" / "quickstart.py")
    assert quickstart.main({}) == 1
    assert "BASECAMP_TOKEN" in capsys.readouterr().out
