"""A world for the contract tests: the fake Basecamp behind the real hosts, plus a Launchpad stub.

The examples of the contract README talk to the real origins (`https://3.basecampapi.com`,
`https://launchpad.37signals.com`, the storage host). respx routes those hosts in-process: the API
and storage hosts to `FakeBasecamp` (through its sync transport's `handle_request`), Launchpad to
the small stub below. So each example runs with its own calls unchanged, and nothing leaves the
process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from basecamp.testing import FakeBasecamp

LAUNCHPAD = "https://launchpad.37signals.com"
CLIENT_ID = "contract-client"
CLIENT_SECRET = "contract-secret-Qz8"
ISSUED_ACCESS = "issued-access-Hk2"
ISSUED_REFRESH = "issued-refresh-Pw5"


@dataclass
class Launchpad:
    """What the stub saw: token requests (their form fields) and authorization reads."""

    token_forms: list[dict[str, str]] = field(default_factory=list)
    issued: int = 0
    account_id: int = 0

    def discovery(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "issuer": LAUNCHPAD,
                "authorization_endpoint": f"{LAUNCHPAD}/authorization/new",
                "token_endpoint": f"{LAUNCHPAD}/authorization/token",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "code_challenge_methods_supported": ["S256"],
            },
        )

    def token(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.token_forms.append(form)
        if form.get("client_secret") != CLIENT_SECRET:
            return httpx.Response(401, json={"error": "invalid_client"})
        self.issued += 1
        body: dict[str, object] = {
            "access_token": f"{ISSUED_ACCESS}-{self.issued}",
            "refresh_token": f"{ISSUED_REFRESH}-{self.issued}",
            "expires_in": 1_209_600,
        }
        if "type" not in form:  # RFC 6749 form; the legacy form omits token_type
            body["token_type"] = "Bearer"
        return httpx.Response(200, json=body)

    def authorization(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "expires_at": "2030-01-01T00:00:00Z",
                "identity": {
                    "id": 1,
                    "first_name": "Annie",
                    "last_name": "Bryan",
                    "email_address": "annie@example.com",
                },
                "accounts": [
                    {
                        "product": "bc3",
                        "id": self.account_id,
                        "name": "Demo",
                        "href": f"https://3.basecampapi.com/{self.account_id}",
                        "app_href": f"https://3.basecamp.com/{self.account_id}",
                    }
                ],
            },
        )


@dataclass
class World:
    fake: FakeBasecamp
    launchpad: Launchpad
    router: respx.MockRouter
    authorization: list[str | None] = field(default_factory=list)

    @property
    def last_authorization(self) -> str | None:
        return self.authorization[-1]


def _route_to_fake(fake: FakeBasecamp, seen: list[str | None]) -> object:
    transport = fake.transport()

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        response = transport.handle_request(request)  # type: ignore[attr-defined]
        assert isinstance(response, httpx.Response)
        return response

    return answer


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The fake (demo seed, account 12345) on the real hosts; env set as the examples expect."""
    fake = FakeBasecamp(seed="demo", account_id=12345, webhook_delivery="sync")
    launchpad = Launchpad(account_id=fake.account_id)
    for name in ("BASECAMP_BASE_URL", "BASECAMP_TIMEOUT", "BASECAMP_MAX_RETRIES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BASECAMP_TOKEN", fake.token)
    monkeypatch.setenv("BASECAMP_ACCOUNT_ID", str(fake.account_id))
    with respx.mock(assert_all_called=False) as router:
        router.get(f"{LAUNCHPAD}/.well-known/oauth-authorization-server").mock(
            side_effect=launchpad.discovery
        )
        router.post(f"{LAUNCHPAD}/authorization/token").mock(side_effect=launchpad.token)
        router.get(f"{LAUNCHPAD}/authorization.json").mock(side_effect=launchpad.authorization)
        world = World(fake=fake, launchpad=launchpad, router=router)
        to_fake = _route_to_fake(fake, world.authorization)
        router.route(host="3.basecampapi.com").mock(side_effect=to_fake)
        router.route(host__regex=r"^storage\.").mock(side_effect=to_fake)
        yield world


def body_of(request: httpx.Request) -> object:
    return json.loads(request.content) if request.content else None
