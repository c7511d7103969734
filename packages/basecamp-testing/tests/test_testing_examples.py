"""`examples/demo.py` runs `examples/quickstart.py` against the fake and exits 0."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from basecamp.testing import FakeBasecamp

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


@pytest.fixture
def quickstart() -> ModuleType:
    return load_module("_basecamp_quickstart", ROOT / "examples" / "quickstart.py")


@pytest.fixture
def fake() -> Iterator[FakeBasecamp]:
    with FakeBasecamp(seed="demo") as fake:
        yield fake


def _env(fake: FakeBasecamp, url: str, **extra: str) -> dict[str, str]:
    return {
        "BASECAMP_BASE_URL": url,
        "BASECAMP_TOKEN": fake.token,
        "BASECAMP_ACCOUNT_ID": str(fake.account_id),
        **extra,
    }


def test_a_wrong_webhook_secret_fails_the_quick_start(
    quickstart: Any, fake: FakeBasecamp, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake.serve() as url:
        status = quickstart.main(_env(fake, url, BASECAMP_WEBHOOK_SECRET="not-the-fakes-secret"))
    assert status == 1
    captured = capsys.readouterr()
    assert "Webhook received" not in captured.out
    assert "Quick start finished." not in captured.out
    assert "Failed: the webhook receiver rejected a delivery (401" in captured.err
    assert "BASECAMP_WEBHOOK_SECRET" in captured.err
    # The deliveries were made and refused, and the quick start cleaned up after itself.
    assert fake.wait_for_deliveries()
    assert fake.deliveries
    assert fake.deliveries[0].status == 401
    assert fake.webhooks() == []


def test_a_webhook_that_never_arrives_fails_the_quick_start(
    quickstart: Any,
    fake: FakeBasecamp,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quickstart, "WEBHOOK_WAIT_SECONDS", 0.2)
    # Every delivery goes to this in-process sink instead: none reaches the quick start.
    swallowed: list[bytes] = []

    class Sink:
        def handle_request(self, raw_body: bytes, headers: Any, /) -> None:
            swallowed.append(raw_body)

    fake.add_receiver(Sink())
    with fake.serve() as url:
        status = quickstart.main(_env(fake, url, BASECAMP_WEBHOOK_SECRET=fake.webhook_secret))
    assert status == 1
    assert "Failed: no todo_completed webhook arrived within 0.2 s" in capsys.readouterr().err


def test_the_demo_fails_when_the_webhook_cannot_be_verified(
    quickstart: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = load_module("_basecamp_demo", ROOT / "examples" / "demo.py")

    def with_a_wrong_secret(env: dict[str, str]) -> int:
        status: int = quickstart.main({**env, "BASECAMP_WEBHOOK_SECRET": "wrong"})
        return status

    monkeypatch.setattr(demo, "_load_quickstart", lambda: with_a_wrong_secret)
    assert demo.main() == 1
    assert "Failed: the webhook receiver rejected a delivery" in capsys.readouterr().err


def test_without_a_secret_the_webhook_step_is_skipped_not_failed(
    quickstart: Any, fake: FakeBasecamp, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake.serve() as url:
        assert quickstart.main(_env(fake, url)) == 0
    out = capsys.readouterr().out
    assert "Skipped the webhook step: set BASECAMP_WEBHOOK_SECRET" in out
    assert "Quick start finished." in out
    assert fake.deliveries == []
