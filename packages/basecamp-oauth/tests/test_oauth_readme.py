"""The README's ```python blocks run, in order, as one script against a fake Launchpad.

httpx calls are answered by respx; the loopback flow runs for real on 127.0.0.1, with a fake
browser that plays Launchpad's consent screen and follows the redirect with urllib.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import respx

from basecamp.oauth import OAuthToken

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)
LAUNCHPAD = "https://launchpad.37signals.com"
CLIENT_ID = "readme-client"
CLIENT_SECRET = "readme-secret-Zx8"
METADATA = {
    "issuer": LAUNCHPAD,
    "authorization_endpoint": f"{LAUNCHPAD}/authorization/new",
    "token_endpoint": f"{LAUNCHPAD}/authorization/token",
    "device_authorization_endpoint": f"{LAUNCHPAD}/oauth/device",
    "code_challenge_methods_supported": ["S256"],
}


def blocks() -> list[tuple[int, str]]:
    text = README.read_text()
    return [(text.count("\n", 0, m.start(1)), m.group(1)) for m in BLOCK.finditer(text)]


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class FakeLaunchpad:
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    refresh_tokens: set[str] = field(default_factory=set)
    grants: list[str] = field(default_factory=list)
    polls: int = 0
    visits: list[int] = field(default_factory=list)

    def authorize(self, url: str) -> dict[str, str]:
        """The user approves on Launchpad: return the redirect's parameters."""
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == LAUNCHPAD
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert query["client_id"] == CLIENT_ID
        code = f"code-{len(self.codes)}"
        self.codes[code] = query
        return {"code": code, "state": query["state"]}

    def open_browser(self, url: str) -> bool:
        def visit() -> None:
            params = self.authorize(url)
            redirect = self.codes[params["code"]]["redirect_uri"]
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(f"{redirect}?{urlencode(params)}", timeout=10) as response:
                self.visits.append(response.status)

        threading.Thread(target=visit, daemon=True).start()
        return True

    def _issue(self, expires_in: int) -> httpx.Response:
        number = len(self.grants)
        refresh = f"refresh-{number}"
        self.refresh_tokens.add(refresh)
        return httpx.Response(
            200,
            json={
                "access_token": f"access-{number}",
                "refresh_token": refresh,
                "expires_in": expires_in,
            },
        )

    def token(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        grant = form.get("grant_type") or form.get("type", "")
        self.grants.append(grant)
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            assert form["device_code"] == "device-1"
            self.polls += 1
            if self.polls == 1:
                return httpx.Response(400, json={"error": "authorization_pending"})
            return self._issue(1209600)
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return httpx.Response(401, json={"error": "invalid_client"})
        if grant in ("authorization_code", "web_server"):
            issued = self.codes.pop(form["code"], None)
            assert issued is not None
            assert issued["redirect_uri"] == form["redirect_uri"]
            assert ("type" in issued) == (grant == "web_server")
            if "code_challenge" in issued:
                assert s256(form["code_verifier"]) == issued["code_challenge"]
            # Short-lived, so the README's refresh example has something to do.
            return self._issue(30)
        if grant in ("refresh_token", "refresh"):
            if form["refresh_token"] not in self.refresh_tokens:
                return httpx.Response(400, json={"error": "invalid_grant"})
            return self._issue(1209600)
        return httpx.Response(400, json={"error": "unsupported_grant_type"})


def test_readme_has_the_promised_sections() -> None:
    text = README.read_text()
    for heading in (
        "## Install",
        "## Sync and async names",
        "## Discovery",
        "## Command-line and desktop apps: the loopback flow",
        "## Web apps: the authorization-code flow with PKCE",
        "## Launchpad's legacy format",
        "## Storing and refreshing tokens",
        "## Using the token with `basecamp.Client`",
        "## Devices without a browser: the device flow",
        "## Security notes",
    ):
        assert heading in text
    assert len(blocks()) >= 10


def test_readme_examples_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BASECAMP_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("BASECAMP_CLIENT_SECRET", CLIENT_SECRET)
    launchpad = FakeLaunchpad()
    monkeypatch.setattr("webbrowser.open", launchpad.open_browser)

    with respx.mock(assert_all_called=True) as router:
        router.get(f"{LAUNCHPAD}/.well-known/oauth-authorization-server").respond(json=METADATA)
        router.get("https://3.basecampapi.com/.well-known/oauth-protected-resource").respond(
            json={"resource": "https://3.basecampapi.com", "authorization_servers": [LAUNCHPAD]}
        )
        router.post(f"{LAUNCHPAD}/authorization/token").mock(side_effect=launchpad.token)
        router.post(f"{LAUNCHPAD}/oauth/device").respond(
            json={
                "device_code": "device-1",
                "user_code": "BCMP-1234",
                "verification_uri": f"{LAUNCHPAD}/device",
                "expires_in": 600,
                "interval": 0,
            }
        )
        router.get(f"{LAUNCHPAD}/authorization.json").respond(
            json={"accounts": [{"id": 999, "name": "Acme", "product": "bc3"}]}
        )
        projects = router.get("https://3.basecampapi.com/999/projects.json").respond(
            json=[{"id": 1, "name": "Launch"}]
        )

        namespace: dict[str, object] = {"__name__": "readme"}
        for line, code in blocks():
            # Pad with newlines so a traceback points at the README's own line numbers.
            exec(compile("\n" * line + code, str(README), "exec"), namespace)

        # The web-app handlers are functions: play the user's round trip through them.
        session: dict[str, str] = {}
        url = namespace["start_sign_in"](session)  # type: ignore[operator]
        params = launchpad.authorize(url)
        token = namespace["finish_sign_in"](params, session)  # type: ignore[operator]
        assert isinstance(token, OAuthToken)
        assert session == {}
        forged = {**launchpad.authorize(namespace["start_sign_in"](session)), "state": "x"}  # type: ignore[operator]
        with pytest.raises(PermissionError):
            namespace["finish_sign_in"](forged, session)  # type: ignore[operator]

        legacy_url = namespace["launchpad_sign_in_url"]("some-state")  # type: ignore[operator]
        assert parse_qs(urlsplit(legacy_url).query)["type"] == ["web_server"]
        legacy = namespace["launchpad_exchange"](launchpad.authorize(legacy_url)["code"])  # type: ignore[operator]
        assert isinstance(legacy, OAuthToken)

    assert launchpad.visits == [200, 200]  # the loopback listeners answered the browser
    assert launchpad.grants[:6] == [
        "authorization_code",  # run_local_flow
        "authorization_code",  # arun_local_flow
        "refresh_token",  # the refresh example (the first token lived 30 s)
        "urn:ietf:params:oauth:grant-type:device_code",  # pending
        "urn:ietf:params:oauth:grant-type:device_code",  # approved
        "refresh_token",  # the errors example
    ]
    assert launchpad.grants[6:] == ["authorization_code", "web_server"]
    assert projects.call_count == 2  # sync and async clients
    assert (
        projects.calls[0].request.headers["authorization"] == "Bearer access-3"
    )  # the refreshed token
    out = capsys.readouterr().out
    assert "Visit https://launchpad.37signals.com/device and enter BCMP-1234" in out
    assert "['Launch']" in out
    assert (tmp_path / "basecamp-token.json").exists()
