"""An embedded fake Basecamp for tests and demos.

Public map:

- The fake: `FakeBasecamp` (with `seed="demo"`), `seed_demo`, `DemoSeed`, `DEMO_UPLOAD_BYTES`,
  and the defaults `DEFAULT_ACCOUNT_ID`, `DEFAULT_TOKEN`, `DEFAULT_WEBHOOK_SECRET`,
  `DEFAULT_BASE_URL`.
- Its HTTP core: `FakeResponse`, `RecordedRequest`.
- Adapters: `FakeTransport`, `AsyncFakeTransport` (httpx, no sockets), `FakeServer` (loopback
  HTTP/1.1).
- Faults: `Faults`, `FaultRule`, `FaultRecord`, `FaultStats`, `ResetWhen`.
- Webhooks: `Delivery`, `InProcessReceiver`.

Names load on first use (PEP 562), so the pytest plugin, which imports this package, costs
nothing in a run that does not use its fixtures.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._fake import (
        DEFAULT_ACCOUNT_ID,
        DEFAULT_BASE_URL,
        DEFAULT_TOKEN,
        DEFAULT_WEBHOOK_SECRET,
        FakeBasecamp,
    )
    from ._faults import FaultRecord, FaultRule, Faults, FaultStats, ResetWhen
    from ._http import FakeResponse, RecordedRequest
    from ._seed import DEMO_UPLOAD_BYTES, DemoSeed, seed_demo
    from ._server import FakeServer
    from ._transport import AsyncFakeTransport, FakeTransport
    from ._webhooks import Delivery, InProcessReceiver

__all__ = [
    # the fake
    "FakeBasecamp",
    "seed_demo",
    "DemoSeed",
    "DEMO_UPLOAD_BYTES",
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_TOKEN",
    "DEFAULT_WEBHOOK_SECRET",
    "DEFAULT_BASE_URL",
    # HTTP core
    "FakeResponse",
    "RecordedRequest",
    # adapters
    "FakeTransport",
    "AsyncFakeTransport",
    "FakeServer",
    # faults
    "Faults",
    "FaultRule",
    "FaultRecord",
    "FaultStats",
    "ResetWhen",
    # webhooks
    "Delivery",
    "InProcessReceiver",
]

# Checkers see only the imports above: a misspelled name is an error, not an `object`.
if not TYPE_CHECKING:
    _LAZY = {
        **dict.fromkeys(
            (
                "FakeBasecamp",
                "DEFAULT_ACCOUNT_ID",
                "DEFAULT_TOKEN",
                "DEFAULT_WEBHOOK_SECRET",
                "DEFAULT_BASE_URL",
            ),
            "._fake",
        ),
        **dict.fromkeys(("seed_demo", "DemoSeed", "DEMO_UPLOAD_BYTES"), "._seed"),
        **dict.fromkeys(("FakeResponse", "RecordedRequest"), "._http"),
        **dict.fromkeys(("FakeTransport", "AsyncFakeTransport"), "._transport"),
        "FakeServer": "._server",
        **dict.fromkeys(
            ("Faults", "FaultRule", "FaultRecord", "FaultStats", "ResetWhen"), "._faults"
        ),
        **dict.fromkeys(("Delivery", "InProcessReceiver"), "._webhooks"),
    }

    def __getattr__(name: str) -> object:
        module_name = _LAZY.get(name)
        if module_name is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(module_name, __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__))
