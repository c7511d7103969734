"""Check the built wheels, then install them the ways users do and prove each way works.

Usage: `python tools/check_dist.py dist` (after `uv build --all-packages --no-sources`).

1. Contents: only basecamp-core ships `basecamp/__init__.py`; every library wheel ships its
   `py.typed`; the meta-package ships no code.
2. Dependencies: each wheel's `Requires-Dist` obeys the allowed-dependency rules.
3. Install matrix, each in a fresh venv built from the wheels alone:
   (a) webhooks only: imports, and httpx is not installed;
   (b) oauth only: imports with just core and httpx;
   (c) core only: raw calls work against a loopback server, and `account.projects` says to install
       basecamp-services;
   (d) the meta-package: everything imports, and `import basecamp.webhooks` loads no httpx.
4. Typing: a small user file passes `mypy --strict` against the installed wheels (py.typed ships).

Standard library only; needs `uv` on PATH or in `UV`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UV = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools/uv/bin/uv")

# distribution -> (what it may require; None means "at exactly our version")
ALLOWED: dict[str, dict[str, bool]] = {
    "basecamp-core": {"httpx": False},
    "basecamp-webhooks": {},
    "basecamp-oauth": {"basecamp-core": True, "httpx": False},
    "basecamp-services": {"basecamp-core": True},
    "basecamp-testing": {"basecamp-core": True, "basecamp-services": True},
    "basecamp-sdk": {
        "basecamp-core": True,
        "basecamp-oauth": True,
        "basecamp-webhooks": True,
        "basecamp-services": True,
    },
}
REQUIRED: dict[str, set[str]] = {
    "basecamp-core": {"httpx"},
    "basecamp-webhooks": set(),
    "basecamp-oauth": {"basecamp-core", "httpx"},
    "basecamp-services": {"basecamp-core"},
    "basecamp-testing": {"basecamp-core", "basecamp-services"},
    "basecamp-sdk": {"basecamp-core", "basecamp-oauth", "basecamp-webhooks", "basecamp-services"},
}
TYPED_MARKER = {
    "basecamp-core": "basecamp/py.typed",
    "basecamp-webhooks": "basecamp/webhooks/py.typed",
    "basecamp-oauth": "basecamp/oauth/py.typed",
    "basecamp-services": "basecamp/services/py.typed",
    "basecamp-testing": "basecamp/testing/py.typed",
}

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"  FAIL {message}")


def ok(message: str) -> None:
    print(f"  ok   {message}")


def read_wheel(path: Path) -> tuple[str, str, list[str], list[str]]:
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(wheel.read(metadata_name).decode())
    requires = [r for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]
    return meta["Name"], meta["Version"], names, requires


def check_wheels(dist: Path) -> dict[str, Path]:
    print("wheel contents and dependencies")
    wheels: dict[str, Path] = {}
    versions = set()
    for path in sorted(dist.glob("*.whl")):
        name, version, names, requires = read_wheel(path)
        wheels[name] = path
        versions.add(version)
        has_init = "basecamp/__init__.py" in names
        if (name == "basecamp-core") != has_init:
            fail(f"{name}: basecamp/__init__.py {'present' if has_init else 'missing'}")
        else:
            ok(f"{name}: basecamp/__init__.py {'present' if has_init else 'absent'}")
        code = [n for n in names if n.endswith(".py")]
        if name == "basecamp-sdk":
            if code:
                fail(f"basecamp-sdk must ship no code, found {code[:3]}")
            else:
                ok("basecamp-sdk: metadata only")
        elif TYPED_MARKER.get(name) not in names:
            fail(f"{name}: {TYPED_MARKER.get(name)} missing")
        allowed = ALLOWED.get(name)
        if allowed is None:
            fail(f"unexpected distribution {name}")
            continue
        seen = set()
        for req in requires:
            match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
            assert match is not None
            dep, spec = match.group(1).lower().replace("_", "-"), match.group(2).strip()
            seen.add(dep)
            if dep not in allowed:
                fail(f"{name}: may not depend on {dep}")
            elif allowed[dep] and spec != f"=={version}":
                fail(f"{name}: {dep} must be pinned =={version}, found {spec or 'no pin'}")
        if seen != REQUIRED[name]:
            fail(f"{name}: requires {sorted(seen)}, expected {sorted(REQUIRED[name])}")
        else:
            ok(f"{name}: Requires-Dist {sorted(seen) or 'nothing'}")
    if len(versions) != 1:
        fail(f"wheels disagree on the version: {sorted(versions)}")
    for name in ALLOWED:
        if name not in wheels and (ROOT / "packages" / name).is_dir():
            fail(f"no wheel built for {name}")
    return wheels


def venv(tmp: Path, label: str, wheels: list[Path], extra: tuple[str, ...] = ()) -> Path:
    target = tmp / label
    subprocess.run([UV, "venv", "--quiet", "--python", sys.executable, str(target)], check=True)
    python = target / "bin" / "python"
    args = [UV, "pip", "install", "--quiet", "--python", str(python), *map(str, wheels), *extra]
    subprocess.run(args, check=True)
    return python


def run(python: Path, label: str, code: str, cwd: Path | None = None) -> None:
    result = subprocess.run(
        [str(python), "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    if result.returncode == 0:
        ok(f"{label}: {result.stdout.strip().splitlines()[-1] if result.stdout.strip() else 'ok'}")
    else:
        fail(f"{label}:\n{textwrap.indent(result.stderr.strip() or result.stdout, '       ')}")


WEBHOOKS_ONLY = """
import importlib.util, hmac, hashlib
import basecamp.webhooks as wh
assert importlib.util.find_spec("httpx") is None, "httpx is installed"
sig = wh.compute_signature(b"{}", "s3cret")
assert sig == hmac.new(b"s3cret", b"{}", hashlib.sha256).hexdigest()
assert wh.verify_signature(b"{}", "s3cret", sig)
print("webhooks verify with the standard library alone; httpx absent")
"""

OAUTH_ONLY = """
import importlib.util
import basecamp.oauth as oauth
pkce = oauth.generate_pkce()
assert len(pkce.verifier) >= 43 and pkce.method == "S256"
assert importlib.util.find_spec("basecamp.services") is None
assert importlib.util.find_spec("basecamp.webhooks") is None
print("oauth imports with core and httpx only")
"""

CORE_ONLY = """
import http.server, json, threading
import basecamp
from basecamp import Client, Config, UsageError

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps([{"id": 1, "name": "Raw"}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
config = Config(base_url=f"http://127.0.0.1:{server.server_port}")
with Client(access_token="t0k3n", config=config) as client:
    account = client.for_account(42)
    assert account.get("/projects.json")[0]["name"] == "Raw"
    assert [p["id"] for p in account.paginate("/projects.json")] == [1]
    try:
        account.projects
    except UsageError as exc:
        assert "basecamp-services" in str(exc), str(exc)
    else:
        raise AssertionError("account.projects worked without basecamp-services")
server.shutdown()
print("raw calls work; account.projects asks for basecamp-services")
"""

FULL_SDK = """
import sys
import basecamp.webhooks
assert "httpx" not in sys.modules, "import basecamp.webhooks loaded httpx"
import basecamp, basecamp.oauth, basecamp.services, basecamp.hooks
from basecamp import Client
from basecamp.services import OPERATIONS
assert len(OPERATIONS) == 287, len(OPERATIONS)
client = Client(access_token="x")
assert type(client.for_account(1).projects).__name__ == "Projects"
client.close()
print(f"full SDK imports; {len(OPERATIONS)} operations; webhooks loaded no httpx")
"""

TYPING_USER_FILE = """
from basecamp import Client, ListResult, NotFoundError
from basecamp.services.models import Project
from basecamp.webhooks import WebhookReceiver
from basecamp.oauth import generate_pkce


def names(client: Client) -> list[str]:
    projects: ListResult[Project] = client.for_account(1).projects.list()
    return [p["name"] for p in projects]


def missing(error: NotFoundError) -> int:
    return int(error.exit_code)


receiver: WebhookReceiver = WebhookReceiver(secret="x")
verifier: str = generate_pkce().verifier
"""


def main(argv: list[str]) -> int:
    dist = Path(argv[1] if len(argv) > 1 else "dist")
    wheels = check_wheels(dist)
    print("install matrix")
    with tempfile.TemporaryDirectory(prefix="bc-matrix-") as tmp_name:
        tmp = Path(tmp_name)
        names = ("basecamp-core", "basecamp-oauth", "basecamp-webhooks", "basecamp-services")
        if not all(n in wheels for n in (*names, "basecamp-sdk")):
            fail("cannot run the install matrix without every wheel")
        else:
            py = venv(tmp, "webhooks", [wheels["basecamp-webhooks"]])
            run(py, "(a) webhooks only", WEBHOOKS_ONLY, cwd=tmp)
            py = venv(tmp, "oauth", [wheels["basecamp-oauth"], wheels["basecamp-core"]])
            run(py, "(b) oauth only", OAUTH_ONLY, cwd=tmp)
            py = venv(tmp, "core", [wheels["basecamp-core"]])
            run(py, "(c) core only", CORE_ONLY, cwd=tmp)
            full = [wheels["basecamp-sdk"], *(wheels[n] for n in names)]
            py = venv(tmp, "sdk", full, extra=("mypy",))
            run(py, "(d) meta-package", FULL_SDK, cwd=tmp)
            print("typing smoke")
            user_file = tmp / "user_code.py"
            user_file.write_text(textwrap.dedent(TYPING_USER_FILE))
            result = subprocess.run(
                [str(py), "-m", "mypy", "--strict", "--no-incremental", str(user_file)],
                capture_output=True,
                text=True,
                cwd=tmp,
                check=False,
            )
            if result.returncode == 0:
                ok(f"mypy --strict on a user file against the wheels: {result.stdout.strip()}")
            else:
                fail(f"mypy against the wheels:\n{result.stdout}{result.stderr}")
    if failures:
        print(f"check_dist: {len(failures)} problem(s)", file=sys.stderr)
        return 1
    print("check_dist: wheels, install matrix and typing all good")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
