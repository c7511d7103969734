"""Run the quick start against the embedded fake Basecamp (`make demo`).

Starts `basecamp.testing.FakeBasecamp` with the demo account on 127.0.0.1, points the
`BASECAMP_*` variables at it, runs `examples/quickstart.py`, stops the server and exits with the
quick start's status. Nothing leaves this machine.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from typing import cast

from basecamp.testing import FakeBasecamp

QUICKSTART = Path(__file__).resolve().parent / "quickstart.py"


def _load_quickstart() -> Callable[..., int]:
    spec = importlib.util.spec_from_file_location("basecamp_quickstart", QUICKSTART)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return cast(Callable[..., int], module.main)


def main() -> int:
    """Serve the fake, run the quick start against it, and return its exit status."""
    quickstart = _load_quickstart()
    with FakeBasecamp(seed="demo") as fake, fake.serve() as url:
        assert fake.seeded is not None
        env = {
            **os.environ,
            "BASECAMP_BASE_URL": url,
            "BASECAMP_TOKEN": fake.token,
            "BASECAMP_ACCOUNT_ID": str(fake.account_id),
            "BASECAMP_WEBHOOK_SECRET": fake.webhook_secret,
            "BASECAMP_EXPECT_SHA256": fake.seeded.upload_sha256,
        }
        print(f"Fake Basecamp serving the demo account at {url}\n")
        status = quickstart(env)
        print(f"\n{len(fake.requests)} requests served; {len(fake.deliveries)} webhook(s) sent.")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
