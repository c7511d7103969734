"""What a type checker makes of user code: typed payload shapes, and no module `__getattr__`.

Runs mypy --strict with the workspace configuration (mypy is a workspace dev tool; the isolated
webhooks environment has no type checker, and skips this module saying so).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api", reason="mypy is not installed in this environment")

ROOT = Path(__file__).resolve().parents[3]

CLEAN = """
from basecamp.webhooks import Person, Recording, WebhookEvent, WebhookReceiver


def handle(event: WebhookEvent) -> str:
    recording: Recording = event.recording
    creator: Person = event["creator"]
    parent = recording.get("parent")
    parent_title = parent["title"] if parent is not None else ""
    kind: str = event["kind"]
    details = event.get("details")
    return (
        event.recording["title"].upper()
        + event["recording"]["title"].lower()
        + creator["name"]
        + parent_title
        + kind
        + str(event.recording["bucket"]["id"] + 1)
        + str(details)
        + str(dict(event))
    )


WebhookReceiver(secret="s").on("todo_*", handle)
"""

MISTAKES = """
from basecamp.webhooks import Typo  # E: no such name
from basecamp.webhooks import WebhookEvent


def handle(event: WebhookEvent) -> None:
    event.recording["titel"]  # E: no such key
    event.recording["title"] + 1  # E: a str
    event.recording["parent"]  # fine for mypy; pyright asks for .get() (NotRequired)
"""


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """One mypy run over both programs (it is slow to start): error lines per file."""
    tmp = tmp_path_factory.mktemp("typing")
    for name, code in (("clean.py", CLEAN), ("mistakes.py", MISTAKES)):
        (tmp / name).write_text(textwrap.dedent(code), encoding="utf-8")
    args = ["--strict", "--config-file", str(ROOT / "pyproject.toml")]
    args += ["--cache-dir", str(tmp / "cache"), str(tmp / "clean.py"), str(tmp / "mistakes.py")]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # the workspace's mypy_path is relative to it
        out, err, _ = api.run(args)
    errors: dict[str, list[str]] = {"clean.py": [], "mistakes.py": []}
    for line in (out + err).splitlines():
        if ": error:" in line:
            errors[Path(line.split(":")[0]).name].append(line)
    return errors


def test_typed_handlers_pass_mypy_strict(mypy_output: dict[str, list[str]]) -> None:
    assert mypy_output["clean.py"] == []


def test_mistakes_are_caught(mypy_output: dict[str, list[str]]) -> None:
    errors = mypy_output["mistakes.py"]
    assert {int(line.split(":")[1]) for line in errors} == {2, 7, 8}, errors
    text = "\n".join(errors)
    assert 'has no attribute "Typo"' in text
    assert '"titel"' in text
