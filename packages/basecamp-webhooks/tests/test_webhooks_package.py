"""Package surface: the public map, lazy imports, and import cost."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import basecamp.webhooks as webhooks


def test_all_names_resolve() -> None:
    for name in webhooks.__all__:
        assert getattr(webhooks, name) is not None, name
    assert set(webhooks.__all__) <= set(dir(webhooks))
    assert len(set(webhooks.__all__)) == len(webhooks.__all__)


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="does_not_exist"):
        webhooks.does_not_exist  # noqa: B018


def test_error_hierarchy() -> None:
    assert issubclass(webhooks.WebhookVerificationError, webhooks.WebhookError)
    assert issubclass(webhooks.WebhookSignatureError, webhooks.WebhookVerificationError)
    assert issubclass(webhooks.WebhookPayloadError, webhooks.WebhookVerificationError)
    assert issubclass(webhooks.AsyncHandlerError, TypeError)
    assert issubclass(webhooks.WebhookConfigurationError, ValueError)
    assert issubclass(webhooks.InvalidEventKindError, ValueError)


def test_import_is_light() -> None:
    # A fresh interpreter: importing the package must not drag in heavy or async modules.
    code = textwrap.dedent(
        """
        import sys
        import basecamp.webhooks
        heavy = {"asyncio", "dataclasses", "inspect", "typing", "logging", "json", "threading",
                 "http", "email", "datetime", "httpx"}
        print(",".join(sorted(heavy & set(sys.modules))))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    # basecamp-core (if installed alongside) may import typing for its own namespace package.
    assert set(filter(None, out.split(","))) <= {"typing"}, out


def test_using_the_receiver_does_not_import_asyncio() -> None:
    code = textwrap.dedent(
        """
        import sys
        from basecamp.webhooks import WebhookReceiver, compute_signature
        r = WebhookReceiver(secret="s").on_any(lambda e: None)
        body = b'{"id": 1, "kind": "todo_created"}'
        r.handle_request(body, {"X-Basecamp-Signature": compute_signature(body, "s")})
        r.wsgi_app()
        print("asyncio" in sys.modules)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"
