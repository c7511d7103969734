"""Scenario 7: cold import in a fresh interpreter, net of interpreter start-up.

Each snippet runs as `python -c SNIPPET` in a new process; its wall time minus the median wall
time of `python -c pass` (measured in the same rounds) is the snippet's net cost. Snippets run
round-robin so drift hits all of them alike, after a warm-up round that also makes sure the
bytecode caches exist (`PYTHONDONTWRITEBYTECODE` is dropped for the children).

- `import basecamp.webhooks` vs `import hmac, hashlib, json`; a separate check process asserts
  that it loads neither httpx nor `basecamp.services`.
- `from basecamp import Client` + `Client(access_token=...)` vs `import httpx` +
  `httpx.Client()`: both build one HTTP client (the SDK builds an httpx transport over an
  httpcore pool, as `httpx.Client()` does; loading the TLS context for it dominates both). An
  info row adds the SDK's `for_account(...)`, which loads the account and list code.
- `import basecamp.oauth` vs `import httpx`; a check process asserts that it loads neither
  httpx nor the flow modules (they load on first use).
- `import basecamp.services`: a check process asserts it does not import the service modules
  (it counts `basecamp.services._generated.*` modules in `sys.modules`).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

from ._common import ROOT, Context, Row, Stat

WEBHOOKS_TARGET = 1.5
CLIENT_TARGET = 1.1
OAUTH_TARGET = 1.1
SERVICE_MODULES = 53

SNIPPETS = {
    "pass": "pass",
    "stdlib": "import hmac, hashlib, json",
    "webhooks": "import basecamp.webhooks",
    "httpx": "import httpx; httpx.Client()",
    "httpx-import": "import httpx",
    "oauth": "import basecamp.oauth",
    "client": "from basecamp import Client; Client(access_token='x')",
    "account": "from basecamp import Client; Client(access_token='x').for_account(1)",
}

_CHECK_WEBHOOKS = """
import json, sys
import basecamp.webhooks
print(json.dumps({
    "httpx": "httpx" in sys.modules,
    "services": sorted(m for m in sys.modules if m.startswith("basecamp.services")),
}))
"""

_CHECK_OAUTH = """
import json, sys
import basecamp.oauth
print(json.dumps({
    "httpx": "httpx" in sys.modules,
    "flows": sorted(m for m in sys.modules if m.startswith("basecamp.oauth.")),
}))
"""

_CHECK_SERVICES = """
import json, sys
import basecamp.services
generated = [m for m in sys.modules if m.startswith("basecamp.services._generated.")]
names = [m.rsplit(".", 1)[1] for m in generated]
print(json.dumps({"loaded": sorted(names)}))
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - started


def _check(code: str, env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def run(ctx: Context) -> None:
    rounds = 3 if ctx.smoke else 60
    env = _env()
    for code in SNIPPETS.values():  # warm-up: bytecode caches, page cache
        _run(code, env)

    webhooks = _check(_CHECK_WEBHOOKS, env)
    assert webhooks["httpx"] is False, "import basecamp.webhooks loaded httpx"
    assert webhooks["services"] == [], f"import basecamp.webhooks loaded {webhooks['services']}"
    oauth = _check(_CHECK_OAUTH, env)
    assert oauth["httpx"] is False, "import basecamp.oauth loaded httpx"
    services = _check(_CHECK_SERVICES, env)
    loaded = services["loaded"]
    assert isinstance(loaded, list)
    # `operations` (the registry) and `_index`/`_exports` are not service modules.
    service_modules = [m for m in loaded if m not in ("operations", "_index", "_exports", "models")]
    assert len(service_modules) < SERVICE_MODULES, "import basecamp.services imports every service"

    ctx.log(f"  {rounds} rounds of {len(SNIPPETS)} fresh interpreters")
    times: dict[str, list[float]] = {name: [] for name in SNIPPETS}
    names = list(SNIPPETS)
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            times[name].append(_run(SNIPPETS[name], env))
    startup = statistics.median(times["pass"])
    net = {name: [(t - startup) * 1000 for t in values] for name, values in times.items()}

    def row(
        case: str, sdk: str, base: str, label: str, target: float | None, notes: list[str]
    ) -> Row:
        sdk_stat, base_stat = Stat.of(net[sdk], "ms"), Stat.of(net[base], "ms")
        return Row(
            scenario=7,
            case=case,
            value=sdk_stat.median / max(base_stat.median, 1e-3),
            target=target,
            sdk=sdk_stat,
            baseline=base_stat,
            baseline_label=label,
            notes=notes,
        )

    ctx.add(
        row(
            "import basecamp.webhooks (net of start-up)",
            "webhooks",
            "stdlib",
            "import hmac, hashlib, json",
            WEBHOOKS_TARGET,
            ["asserted: loads neither httpx nor basecamp.services"],
        )
    )
    ctx.add(
        row(
            "from basecamp import Client + Client(...) (net)",
            "client",
            "httpx",
            "import httpx + httpx.Client()",
            CLIENT_TARGET,
            ["both sides build one transport with its TLS context"],
        )
    )
    ctx.add(
        row(
            "from basecamp import Client + Client(...).for_account(1) (net)",
            "account",
            "httpx",
            "import httpx + httpx.Client()",
            None,
            ["for_account loads the account, list and service-accessor code a call needs"],
        )
    )
    ctx.add(
        row(
            "import basecamp.oauth (net of start-up)",
            "oauth",
            "httpx-import",
            "import httpx",
            OAUTH_TARGET,
            [f"asserted: loads no httpx; submodules loaded: {oauth['flows'] or 'none'}"],
        )
    )
    ctx.add(
        Row(
            scenario=7,
            case="import basecamp.services: service modules loaded",
            value=float(len(service_modules)),
            unit="modules",
            target=float(SERVICE_MODULES - 1),
            sdk=None,
            notes=[
                f"interpreter start-up (python -c pass): {startup * 1000:.1f} ms median",
                f"loaded: {', '.join(loaded) or 'none'}",
            ],
        )
    )
