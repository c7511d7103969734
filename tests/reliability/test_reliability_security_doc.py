"""SECURITY.md points at the tests that prove each guarantee: every pointer must resolve."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).parent
SECURITY = HERE.parent.parent / "SECURITY.md"


def test_every_test_named_in_security_md_exists() -> None:
    text = SECURITY.read_text(encoding="utf-8")
    defined = {
        name
        for path in HERE.glob("test_reliability_*.py")
        for name in re.findall(r"^(?:async )?def (test_\w+)", path.read_text(), re.MULTILINE)
    }
    files = set(re.findall(r"`(test_reliability_\w+\.py)", text))
    named = set(re.findall(r"::(test_\w+)", text))
    assert files and named
    assert all((HERE / f).is_file() for f in files), files
    assert named <= defined, f"SECURITY.md names missing tests: {sorted(named - defined)}"
