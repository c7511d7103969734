"""tools/check_typing.py's own logic: how programs are read and how a checker's verdict is judged.

The checkers themselves run in `make check-typing`; these tests pin what the tool makes of their
output, so a broken judge cannot pass every program silently.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TOOLS))

import check_typing  # noqa: E402
from check_typing import PENDING, Program, judge, readme_programs, user_programs  # noqa: E402


def _program(text: str, *, mistake: bool = False, expect: int | None = None) -> Program:
    lines = text.splitlines()
    return Program(
        key="x.py",
        text=text,
        origin=[f"x.py:{n + 1}" for n in range(len(lines))],
        expect=expect,
        mistake=mistake,
    )


def test_a_clean_program_with_an_error_is_reported_at_its_origin() -> None:
    program = _program("a = 1\nb: str = a\n")
    assert judge(program, {}) == []
    assert judge(program, {2: ["Incompatible types [assignment]"]}) == [
        "x.py:2: Incompatible types [assignment]"
    ]


def test_a_mistake_must_fail_on_its_marked_line_and_nowhere_else() -> None:
    program = _program("a = 1\nb: str = a  # expect-error\n", mistake=True, expect=2)
    assert judge(program, {2: ["error"]}) == []
    assert judge(program, {}) == ["x.py:2: the marked mistake was not caught"]
    assert judge(program, {1: ["elsewhere"], 2: ["error"]}) == ["x.py:1: elsewhere"]


def test_user_programs_cover_every_package_and_mark_one_line_each() -> None:
    programs = user_programs()
    clean = [p for p in programs if not p.mistake]
    mistakes = [p for p in programs if p.mistake]
    assert len(programs) >= 40
    assert all(p.expect is not None for p in mistakes)
    assert all(p.expect is None for p in clean)
    for package in ("core", "services", "oauth", "webhooks", "testing"):
        assert any(p.key.startswith(f"clean/{package}_") for p in clean), package
        assert any(p.key.startswith(f"mistakes/{package}_") for p in mistakes), package
    assert sum("async def" in p.text for p in clean) >= 5
    assert any(p.key.startswith("mistakes/async_") for p in mistakes)


def test_a_mistake_without_exactly_one_marker_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "clean").mkdir()
    (tmp_path / "mistakes").mkdir()
    (tmp_path / "mistakes" / "two.py").write_text("a = 1  # expect-error\nb = 2  # expect-error\n")
    monkeypatch.setattr(check_typing, "PROGRAMS", tmp_path)
    with pytest.raises(SystemExit, match="exactly one line"):
        user_programs()


def test_readme_blocks_keep_their_readme_lines_and_top_level_await_is_wrapped() -> None:
    programs = {p.key: p for p in readme_programs()}
    oauth = programs["packages/basecamp-oauth/README.md"]  # one script, top to bottom
    readme = (TOOLS.parent / "packages/basecamp-oauth/README.md").read_text().splitlines()
    for number, line in enumerate(oauth.text.splitlines()):
        origin = oauth.origin[number]
        if line.strip() and "(block" in origin:
            readme_line = int(origin.split(":")[1].split()[0])
            assert readme[readme_line - 1].strip() == line.strip()
    services = programs["packages/basecamp-services/README.md"]
    assert "async def readme_block_1() -> None:" in services.text  # its `async with` block


def test_every_pending_entry_names_a_program() -> None:
    keys = {p.key for p in user_programs() + readme_programs()}
    assert set(PENDING) <= keys
