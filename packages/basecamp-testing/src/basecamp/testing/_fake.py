"""`FakeBasecamp`: an in-memory Basecamp behind one sans-I/O `handle()` call."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from basecamp import Operation

from ._faults import FaultDecision, Faults
from ._feeds import FeedLog
from ._http import FakeResponse, RecordedRequest, json_response
from ._models import APP_ORIGIN, ORIGIN, ModelFactory
from ._routes import Router
from ._webhooks import (
    SIGNATURE_HEADER,
    Deliverer,
    Delivery,
    DeliveryMode,
    InProcessReceiver,
    sign,
)

if TYPE_CHECKING:
    import httpx

    from basecamp import AsyncClient, Client, Config

    from ._seed import DemoSeed
    from ._server import FakeServer

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_BASE_URL",
    "DEFAULT_TOKEN",
    "DEFAULT_WEBHOOK_SECRET",
    "FakeBasecamp",
]

DEFAULT_ACCOUNT_ID = 1234567
DEFAULT_TOKEN = "fake-token"  # noqa: S105 (a well-known test value, not a secret)
DEFAULT_WEBHOOK_SECRET = "fake-webhook-secret"  # noqa: S105 (a well-known test value)
DEFAULT_BASE_URL = "https://3.basecampapi.com"
"""The origin the in-process transports answer for (the SDK's default `base_url`)."""

_EPOCH = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
_STORAGE_PREFIX = "/_storage/"
_SIGNED_URL_SECONDS = 300

# Path parameters that name a stateful record, and the model the record must have (`None`: any
# record, as for `recording_id`). An unknown or trashed id answers 404.
_PATH_KINDS: dict[str, str | None] = {
    "project_id": "Project",
    "person_id": "Person",
    "todoset_id": "Todoset",
    "todolist_id": "Todolist",
    "group_id": "Todolist",
    "todo_id": "Todo",
    "board_id": "MessageBoard",
    "message_id": "Message",
    "comment_id": "Comment",
    "vault_id": "Vault",
    "upload_id": "Upload",
    "campfire_id": "Campfire",
    "line_id": "CampfireLine",
    "card_table_id": "CardTable",
    "column_id": "CardColumn",
    "card_id": "Card",
    "webhook_id": "Webhook",
    "schedule_id": "Schedule",
    "questionnaire_id": "Questionnaire",
    "inbox_id": "Inbox",
    "recording_id": None,
}

# model -> (operation that reads it, its id parameter): where a record's `url` points.
_READERS: dict[str, tuple[str, str]] = {
    "Project": ("GetProject", "project_id"),
    "Person": ("GetPerson", "person_id"),
    "Todoset": ("GetTodoset", "todoset_id"),
    "Todolist": ("GetTodolistOrGroup", "todolist_id"),
    "Todo": ("GetTodo", "todo_id"),
    "MessageBoard": ("GetMessageBoard", "board_id"),
    "Message": ("GetMessage", "message_id"),
    "Comment": ("GetComment", "comment_id"),
    "Vault": ("GetVault", "vault_id"),
    "Upload": ("GetUpload", "upload_id"),
    "Campfire": ("GetCampfire", "campfire_id"),
    "CampfireLine": ("GetCampfireLine", "line_id"),
    "CardTable": ("GetCardTable", "card_table_id"),
    "CardColumn": ("GetCardColumn", "column_id"),
    "Card": ("GetCard", "card_id"),
    "Webhook": ("GetWebhook", "webhook_id"),
    "Schedule": ("GetSchedule", "schedule_id"),
    "Questionnaire": ("GetQuestionnaire", "questionnaire_id"),
    "Inbox": ("GetInbox", "inbox_id"),
}

# model -> webhook event prefix (`todo` in `todo_created`).
_EVENT_PREFIX = {
    "Todo": "todo",
    "Todolist": "todolist",
    "Message": "message",
    "Comment": "comment",
    "Upload": "upload",
    "Vault": "vault",
    "Card": "kanban_card",
    "CampfireLine": "chat_line",
}

# The dock of a new project: (model, Basecamp type, dock name, title).
_DOCK = (
    ("MessageBoard", "Message::Board", "message_board", "Message Board"),
    ("Todoset", "Todoset", "todoset", "To-dos"),
    ("Vault", "Vault", "vault", "Docs & Files"),
    ("Campfire", "Chat::Transcript", "chat", "Campfire"),
    ("Schedule", "Schedule", "schedule", "Schedule"),
    ("Questionnaire", "Questionnaire", "questionnaire", "Automatic Check-ins"),
    ("CardTable", "Kanban::Board", "kanban_board", "Card Table"),
    ("Inbox", "Inbox", "inbox", "Email Forwards"),
)


# Required body fields whose empty string is a value, not a blank: (operation id, wire name).
# Every other required field answers 422 "can't be blank" when missing, null, or a string that
# is empty or only whitespace (Rails' `presence`). From the API definition (`spec/services/`) and
# the reference: a card step's `completion` is "on" (done) or "" (not done).
_BLANK_ALLOWED: frozenset[tuple[str, str]] = frozenset({("SetCardStepCompletion", "completion")})


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _swap_origin(value: Any, origin: str) -> Any:
    """`value` with the placeholder `ORIGIN` replaced by `origin` in every string."""
    if isinstance(value, str):
        return value.replace(ORIGIN, origin) if ORIGIN in value else value
    if isinstance(value, dict):
        return {k: _swap_origin(v, origin) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap_origin(v, origin) for v in value]
    return value


class _HttpError(Exception):
    def __init__(self, status: int, payload: object) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload


def _not_found() -> _HttpError:
    return _HttpError(404, {"status": 404, "error": "Not Found"})


def _invalid(errors: dict[str, list[str]]) -> _HttpError:
    first = next(iter(errors.items()))
    message = f"{first[0].replace('_', ' ').capitalize()} {first[1][0]}"
    return _HttpError(422, {"error": message, "errors": errors})


@dataclass(slots=True)
class _Rec:
    id: int
    kind: str
    data: dict[str, Any]
    project_id: int | None
    parent_id: int | None


@dataclass(slots=True)
class _Blob:
    data: bytes
    filename: str
    content_type: str


@dataclass(slots=True)
class _Ctx:
    op: Operation
    ids: dict[str, Any]
    query: list[tuple[str, str]]
    body: dict[str, Any]
    raw: bytes
    content_type: str
    origin: str
    path: str

    def q(self, name: str) -> str | None:
        return next((v for k, v in self.query if k == name), None)


class _Local(threading.local):
    """Per-thread: how deep the state lock is held, and the deliveries waiting for its release."""

    def __init__(self) -> None:
        self.depth = 0
        self.events: list[Delivery] = []


Handler = Callable[["FakeBasecamp", _Ctx], FakeResponse]
_HANDLERS: dict[str, Handler] = {}


def _handles(*operation_ids: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for op_id in operation_ids:
            _HANDLERS[op_id] = fn
        return fn

    return register


class FakeBasecamp:
    """An in-memory Basecamp account that answers all 250 operations like the real API.

    The everyday resources are stateful (projects and their dock, people, to-do sets, lists and
    to-dos, message boards, messages, comments, vaults, uploads and attachments, chats, card
    tables, webhooks): what you create comes back from `get` and `list`, and what you trash
    does not. The to-do, message and comment reports of `account.everything` follow that state
    too. Every other operation answers with a well-formed record of its response model.

    It speaks HTTP through `handle()` only, so the same state is reachable three ways: the httpx
    transports (`transport()`, `async_transport()`, or `client()`), a loopback server
    (`serve()`), or the command line (`python -m basecamp.testing serve`).

    Args:
        seed: `"demo"` for the demo account (see `seed_demo`), or `None` for an empty one (just
            the token's owner).
        account_id: The account number in every path.
        tokens: The Bearer tokens accepted; `None` accepts any non-empty token.
        page_size: Items per page of a paginated list.
        webhook_secret: The key of every webhook's `X-Basecamp-Signature` (hex HMAC-SHA256 of
            the raw body). One secret for the whole fake.
        webhook_delivery: `background` (a worker thread posts after the request returns, like
            Basecamp) or `sync` (posted before the triggering request returns).
        clock: The monotonic clock the rate limiter uses.

    Example:
        ```python
        from basecamp.testing import FakeBasecamp

        fake = FakeBasecamp(seed="demo")
        with fake.client() as client:
            account = client.for_account(fake.account_id)
            print([p["name"] for p in account.projects.list()])
        ```
    """

    def __init__(
        self,
        *,
        seed: str | None = None,
        account_id: int = DEFAULT_ACCOUNT_ID,
        tokens: Iterable[str] | None = None,
        page_size: int = 15,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        webhook_delivery: DeliveryMode = "background",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from basecamp.services import OPERATIONS

        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        if not webhook_secret:
            raise ValueError("webhook_secret must not be empty")
        self.account_id = account_id
        self.tokens: frozenset[str] | None = frozenset(tokens) if tokens is not None else None
        self.token = sorted(self.tokens)[0] if self.tokens else DEFAULT_TOKEN
        self.page_size = page_size
        self.webhook_secret = webhook_secret
        self.faults = Faults(clock)
        self.requests: list[RecordedRequest] = []
        self.deliveries: list[Delivery] = []
        self.operations = OPERATIONS
        self._router = Router(OPERATIONS)
        self._factory = ModelFactory(account_id)
        self._lock = threading.RLock()
        self._local = _Local()
        self._records: dict[int, _Rec] = {}
        self._children: dict[int, list[int]] = {}
        self._blobs: dict[str, _Blob] = {}
        self._attachments: dict[str, str] = {}
        self._ids = itertools.count(1001)
        self._minutes = 0  # the fake clock: minutes since _EPOCH
        self._request_ids = itertools.count(1)
        self._event_ids = itertools.count(9_000_001)
        self._delivery_ids = itertools.count(1)
        self._deliverer = Deliverer(webhook_delivery)
        self._public_origin = DEFAULT_BASE_URL
        # The event and inbox feeds (`_feeds`): every write below records its event there.
        self.feeds = FeedLog(account_id, secrets.token_bytes(32))
        self.me = self.add_person("Annie Bryan", title="Owner", admin=True, owner=True)
        # Registers the stateful operations (a separate module, for size; imported late because
        # it imports this one).
        from . import _feed_handlers, _handlers  # noqa: F401

        self.seeded: DemoSeed | None = None
        if seed is not None:
            if seed != "demo":
                raise ValueError(f"unknown seed {seed!r}; the only one is 'demo'")
            from ._seed import seed_demo

            self.seeded = seed_demo(self)

    def __repr__(self) -> str:
        return f"FakeBasecamp(account_id={self.account_id}, records={len(self._records)})"

    @property
    def origin(self) -> str:
        """The origin of the URLs in what the fake hands you directly.

        Records keep their URLs on an internal placeholder origin, and every HTTP response
        rewrites it to that request's own origin, so what a client reads is always usable. The
        inspection results (`record()`, `records()`, `state`, `todos()`...), the `add_*`
        builders and webhook payloads use this origin instead: the URL of a `FakeServer` since
        it started, or the origin of the latest request the fake answered, whichever is more
        recent; before either, `DEFAULT_BASE_URL` (the origin of `client()` and the
        transports). So while serving, `fake.record(upload_id)["download_url"]` is fetchable
        from the server with the token.
        """
        return self._public_origin

    # -- adapters -------------------------------------------------------------------------------

    def transport(self) -> httpx.BaseTransport:
        """A sync httpx transport answering from this fake (no sockets)."""
        from ._transport import FakeTransport

        return FakeTransport(self)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An async httpx transport answering from this fake (no sockets)."""
        from ._transport import AsyncFakeTransport

        return AsyncFakeTransport(self)

    def client(self, **config: Any) -> Client:
        """A `basecamp.Client` wired to this fake through the transport.

        Retries keep their count but wait zero seconds (`base_delay=0`, `max_jitter=0`), so a
        test of the retry path is instant. `config` overrides any `basecamp.Config` field.
        """
        from basecamp import Client

        return Client(
            access_token=self.token,
            config=self._config(config),
            transport=self.transport(),
        )

    def async_client(self, **config: Any) -> AsyncClient:
        """The async twin of `client()`."""
        from basecamp import AsyncClient

        return AsyncClient(
            access_token=self.token,
            config=self._config(config),
            transport=self.async_transport(),
        )

    @staticmethod
    def _config(overrides: Mapping[str, Any]) -> Config:
        from basecamp import Config

        values: dict[str, Any] = {
            "base_url": DEFAULT_BASE_URL,
            "base_delay": 0.0,
            "max_jitter": 0.0,
            "max_backoff": 0.0,
        }
        values.update(overrides)
        return Config(**values)

    def server(self, host: str = "127.0.0.1", port: int = 0) -> FakeServer:
        """A loopback HTTP server for this fake, not yet started (see `FakeServer`)."""
        from ._server import FakeServer

        return FakeServer(self, host=host, port=port)

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve this fake on loopback for the `with` block and yield its base URL.

        Example:
            ```python
            with fake.serve() as url:
                client = Client(access_token=fake.token, config=Config(base_url=url))
            ```
        """
        with self.server(host, port) as server:
            yield server.url

    def add_receiver(self, receiver: InProcessReceiver, payload_url: str | None = None) -> None:
        """Deliver webhooks in-process to `receiver` (e.g. a `basecamp.webhooks.WebhookReceiver`).

        Args:
            receiver: Called as `receiver.handle_request(raw_body, headers)`.
            payload_url: Only webhooks with this `payload_url`; `None` for every webhook whose
                URL has no receiver of its own. Routed deliveries never touch the network.
        """
        self._deliverer.add_receiver(receiver, payload_url)

    def remove_receiver(self, payload_url: str | None = None) -> None:
        """Stop delivering `payload_url`'s webhooks in-process (undoes `add_receiver`).

        Later deliveries for that URL go to the catch-all receiver if there is one, else over
        loopback HTTP. Removing a receiver that was never added does nothing.
        """
        self._deliverer.remove_receiver(payload_url)

    def wait_for_deliveries(self, timeout: float = 5.0) -> bool:
        """Wait until every webhook delivery so far is done; `False` on timeout."""
        return self._deliverer.wait(timeout)

    def close(self) -> None:
        """Finish pending webhook deliveries and stop the delivery thread."""
        self._deliverer.close()

    def __enter__(self) -> FakeBasecamp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the HTTP core --------------------------------------------------------------------------

    def handle(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> FakeResponse:
        """Answer one HTTP request: the sans-I/O core every adapter calls.

        Args:
            method: The HTTP method.
            url: The absolute request URL (its origin is used in `Link` headers and URLs).
            headers: The request headers.
            body: The raw request body.

        Returns:
            The response. `delay` and `reset` tell the adapter to wait or drop the connection.
            No I/O happens here, except webhook deliveries in `sync` delivery mode.
        """
        method = method.upper()
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        path = unquote(parts.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        lowered = {k.lower(): v for k, v in pairs}
        matched = self._router.match(method, path)
        op = matched[0] if matched else None
        decision = self.faults.decide(method, path, op.operation_id if op else None)
        if decision.short_circuits:
            response = self._fault_response(decision)
        else:
            self._public_origin = origin
            response = self._respond(method, path, query, lowered, body, origin, matched)
            if decision.reset:
                response.reset = True
        response.delay = decision.delay
        response.headers.append(("X-Request-Id", f"fake-{next(self._request_ids):08d}"))
        if response.body and ORIGIN.encode() in response.body:
            response.body = response.body.replace(ORIGIN.encode(), origin.encode())
        self._record(method, path, query, lowered, body, op, response)
        return response

    @staticmethod
    def _fault_response(decision: FaultDecision) -> FakeResponse:
        if decision.reset:
            return FakeResponse(0, reset=True)
        status = decision.status or 503
        extra: list[tuple[str, str]] = []
        if decision.retry_after is not None:
            extra.append(("Retry-After", str(max(0, round(decision.retry_after)))))
        message = "Too many requests" if status == 429 else "Injected fault"
        return json_response(status, {"status": status, "error": message}, extra)

    def _record(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: dict[str, str],
        body: bytes,
        op: Operation | None,
        response: FakeResponse,
    ) -> None:
        shown = dict(headers)
        if "authorization" in shown:
            shown["authorization"] = "<redacted>"
        decoded: object = None
        if body and "json" in headers.get("content-type", ""):
            with contextlib.suppress(ValueError):
                decoded = json.loads(body)
        recorded = RecordedRequest(
            method,
            path,
            tuple(query),
            shown,
            decoded,
            body,
            op.operation_id if op else None,
            response.status,
        )
        with self._lock:
            self.requests.append(recorded)

    def _respond(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: dict[str, str],
        body: bytes,
        origin: str,
        matched: tuple[Operation, dict[str, str]] | None,
    ) -> FakeResponse:
        if path.startswith(_STORAGE_PREFIX):
            # Hop 2 of a download: authorised by the signature in the URL, not by a token.
            return self._storage(method, path, query, headers)
        auth = headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if (
            scheme.lower() != "bearer"
            or not token.strip()
            or (self.tokens is not None and token.strip() not in self.tokens)
        ):
            return json_response(
                401,
                {"error": "You must be signed in to do that (a valid OAuth Bearer token)."},
                [("WWW-Authenticate", 'Bearer realm="Basecamp"')],
            )
        prefix = f"/{self.account_id}/"
        if not path.startswith(prefix):
            return json_response(404, {"status": 404, "error": "Not Found"})
        if method == "GET" and path.startswith(f"{prefix}blobs/"):
            return self._download(path, origin)
        if matched is None:
            return json_response(404, {"status": 404, "error": "Not Found"})
        op, raw_ids = matched
        try:
            ctx = self._context(op, raw_ids, query, headers, body, origin, path)
            with self._locked():
                handler = _HANDLERS.get(op.operation_id, FakeBasecamp._generic)
                return handler(self, ctx)
        except _HttpError as exc:
            return json_response(exc.status, exc.payload)

    def _context(
        self,
        op: Operation,
        raw_ids: dict[str, str],
        query: list[tuple[str, str]],
        headers: dict[str, str],
        body: bytes,
        origin: str,
        path: str,
    ) -> _Ctx:
        ids: dict[str, Any] = {}
        for name, value in raw_ids.items():
            if name == "account_id":
                continue
            if name in _PATH_KINDS:
                if not value.isdigit():
                    raise _not_found()
                ids[name] = int(value)
            else:
                ids[name] = int(value) if value.isdigit() else value
        parsed: dict[str, Any] = {}
        if op.body_kind == "json" and body.strip():
            # Malformed JSON fails first, as in Rails, where the body is parsed before any
            # controller code runs.
            try:
                decoded = json.loads(body)
            except ValueError:
                raise _HttpError(400, {"status": 400, "error": "Malformed JSON"}) from None
            if not isinstance(decoded, dict):
                raise _HttpError(400, {"status": 400, "error": "Expected a JSON object"})
            parsed = decoded
        # Then the records the path names (404), and only then the body's fields (422): an
        # unknown to-do list answers 404 whatever the body holds.
        with self._locked():
            for name, value in ids.items():
                if name in _PATH_KINDS:
                    self._get(value, _PATH_KINDS[name])
        if op.body_kind == "json":
            blank = {
                p.wire_name: ["can't be blank"]
                for p in op.params
                if p.location == "body"
                and p.required
                and _is_blank(parsed.get(p.wire_name))
                and not (
                    (op.operation_id, p.wire_name) in _BLANK_ALLOWED
                    and parsed.get(p.wire_name) == ""
                )
            }
            if blank:
                raise _invalid(blank)
        content_type = headers.get("content-type", "")
        return _Ctx(op, ids, query, parsed, body, content_type, origin, path)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the state lock; send the webhooks it produced once the outermost hold ends.

        Deliveries go out after the lock is released, so a receiver that calls back into the
        fake (through the loopback server) cannot deadlock it.
        """
        local = self._local
        with self._lock:
            local.depth += 1
            try:
                yield
            finally:
                local.depth -= 1
                events = local.events if local.depth == 0 else []
                if local.depth == 0:
                    local.events = []
        for delivery in events:
            self._deliverer.submit(delivery)

    # -- downloads ------------------------------------------------------------------------------

    def _signature(self, key: str, expires: str) -> str:
        return sign(f"{key}:{expires}".encode(), self.webhook_secret)

    def _download(self, path: str, origin: str) -> FakeResponse:
        # /{account}/blobs/{key}/download/{filename}
        parts = path.split("/")
        if len(parts) < 6 or parts[4] != "download":
            return json_response(404, {"status": 404, "error": "Not Found"})
        key = parts[3]
        blob = self._blobs.get(key)
        if blob is None:
            return json_response(404, {"status": 404, "error": "Not Found"})
        expires = str(int(time.time()) + _SIGNED_URL_SECONDS)
        query = urlencode({"sig": self._signature(key, expires), "expires": expires})
        location = f"{origin}{_STORAGE_PREFIX}{key}/{quote(blob.filename)}?{query}"
        return FakeResponse(302, [("Location", location), ("Content-Length", "0")])

    def _storage(
        self, method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str]
    ) -> FakeResponse:
        if method != "GET":
            return json_response(405, {"status": 405, "error": "Method Not Allowed"})
        if "authorization" in headers:
            # Like S3: a signed URL plus an Authorization header is rejected, which also shows
            # a leak of the API token to storage in any test.
            return json_response(400, {"error": "Only one auth mechanism allowed"})
        key = path[len(_STORAGE_PREFIX) :].split("/", 1)[0]
        values = dict(query)
        expires = values.get("expires", "")
        blob = self._blobs.get(key)
        signature_ok = hmac.compare_digest(values.get("sig", ""), self._signature(key, expires))
        if blob is None or not signature_ok or not expires.isdigit():
            return json_response(403, {"error": "Request signature does not match"})
        if int(expires) < time.time():
            return json_response(403, {"error": "Request has expired"})
        disposition = (
            f"attachment; filename=\"{blob.filename}\"; filename*=UTF-8''{quote(blob.filename)}"
        )
        return FakeResponse(
            200,
            [
                ("Content-Type", blob.content_type),
                ("Content-Disposition", disposition),
                ("Content-Length", str(len(blob.data))),
            ],
            blob.data,
        )

    # -- storage of records ---------------------------------------------------------------------

    def _next_id(self) -> int:
        return next(self._ids)

    def _now(self) -> str:
        # A fake clock a minute per record, so the demo reads the same on every run.
        moment = _EPOCH + timedelta(minutes=self._minutes)
        self._minutes += 1
        return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def _today(self) -> str:
        """The fake clock's date (`YYYY-MM-DD`), without moving it: what "overdue" is before."""
        return (_EPOCH + timedelta(minutes=self._minutes)).strftime("%Y-%m-%d")

    def _get(self, record_id: int, kind: str | None = None, *, trashed: bool = False) -> _Rec:
        rec = self._records.get(record_id)
        if rec is None or (kind is not None and rec.kind != kind):
            raise _not_found()
        if rec.data.get("status") == "trashed" and not trashed:
            raise _not_found()
        return rec

    def _store(self, rec: _Rec) -> _Rec:
        self._records[rec.id] = rec
        if rec.parent_id is not None:
            self._children.setdefault(rec.parent_id, []).append(rec.id)
        return rec

    def _kids(self, parent_id: int, kind: str, status: str | None = "active") -> list[_Rec]:
        found = (self._records[i] for i in self._children.get(parent_id, ()))
        return [
            r for r in found if r.kind == kind and (status is None or r.data["status"] == status)
        ]

    def _url(self, kind: str, record_id: int, **extra: Any) -> str:
        op_id, param = _READERS[kind]
        values: dict[str, Any] = {"account_id": self.account_id, param: record_id, **extra}
        return ORIGIN + self.operations[op_id].path.format(**values)

    def _set(self, kind: str, data: dict[str, Any], **values: Any) -> None:
        """Set only the keys `kind` declares, so records stay true to their model."""
        for key, value in values.items():
            if self._factory.has_field(kind, key):
                data[key] = value

    def _person(self, person_id: int | None = None) -> dict[str, Any]:
        rec = self._records.get(person_id if person_id is not None else self.me["id"])
        if rec is None or rec.kind != "Person":
            rec = self._records[self.me["id"]]
        return copy.deepcopy(rec.data)

    def _bucket(self, project_id: int) -> dict[str, Any]:
        project = self._records[project_id]
        return {"id": project.id, "name": project.data["name"], "type": "Project"}

    def _parent_ref(self, parent: _Rec) -> dict[str, Any]:
        return {
            "id": parent.id,
            "title": parent.data.get("title") or parent.data.get("name", ""),
            "type": parent.data.get("type", parent.kind),
            "url": parent.data.get("url", ""),
            "app_url": parent.data.get("app_url", ""),
        }

    def _recording(
        self,
        kind: str,
        type_name: str,
        title: str,
        *,
        project_id: int,
        parent: _Rec | None,
        creator_id: int | None = None,
        url_extra: Mapping[str, Any] | None = None,
        **values: Any,
    ) -> _Rec:
        record_id = self._next_id()
        data = self._factory.build(kind, record_id)
        now = self._now()
        url = self._url(kind, record_id, **(url_extra or {}))
        noun = type_name.lower().replace("::", "_")
        app_url = f"{APP_ORIGIN}/{self.account_id}/buckets/{project_id}/{noun}s/{record_id}"
        self._set(
            kind,
            data,
            status="active",
            visible_to_clients=False,
            created_at=now,
            updated_at=now,
            title=title,
            inherits_status=True,
            type=type_name,
            url=url,
            app_url=app_url,
            bookmark_url=f"{ORIGIN}/{self.account_id}/recordings/{record_id}/bookmark.json",
            subscription_url=f"{ORIGIN}/{self.account_id}/recordings/{record_id}/subscription.json",
            comments_url=f"{ORIGIN}/{self.account_id}/recordings/{record_id}/comments.json",
            boosts_url=f"{ORIGIN}/{self.account_id}/recordings/{record_id}/boosts.json",
            comments_count=0,
            boosts_count=0,
            bucket=self._bucket(project_id),
            creator=self._person(creator_id),
        )
        if parent is not None:
            self._set(kind, data, parent=self._parent_ref(parent))
        self._set(kind, data, **values)
        parent_id = parent.id if parent is not None else project_id
        return self._store(_Rec(record_id, kind, data, project_id, parent_id))

    def _render(self, rec: _Rec) -> dict[str, Any]:
        data = copy.deepcopy(rec.data)
        kind = rec.kind
        if "comments_count" in data:
            data["comments_count"] = len(self._kids(rec.id, "Comment"))
        if kind == "Todolist":
            todos = self._kids(rec.id, "Todo")
            done = sum(1 for t in todos if t.data.get("completed"))
            data["completed_ratio"] = f"{done}/{len(todos)}"
            data["completed"] = bool(todos) and done == len(todos)
        elif kind == "Todoset":
            lists = self._kids(rec.id, "Todolist")
            todos = [t for tl in lists for t in self._kids(tl.id, "Todo")]
            done = sum(1 for t in todos if t.data.get("completed"))
            data.update(
                todolists_count=len(lists),
                completed_ratio=f"{done}/{len(todos)}",
                completed=bool(todos) and done == len(todos),
            )
        elif kind == "CardTable":
            data["lists"] = [self._render(c) for c in self._kids(rec.id, "CardColumn")]
        elif kind == "CardColumn":
            data["cards_count"] = len(self._kids(rec.id, "Card"))
        elif kind == "Vault":
            data.update(
                uploads_count=len(self._kids(rec.id, "Upload")),
                vaults_count=len(self._kids(rec.id, "Vault")),
                documents_count=0,
            )
        elif kind == "Webhook":
            data["recent_deliveries"] = [
                {
                    "id": i + 1,
                    "created_at": json.loads(d.body).get("created_at"),
                    "request": {"headers": dict(d.headers), "body": json.loads(d.body)},
                    "response": {"code": d.status or 0, "message": d.error or "OK"},
                }
                for i, d in enumerate(self.deliveries[-50:])
                if d.webhook_id == rec.id
            ][-5:]
        return data

    def _public(self, rec: _Rec) -> dict[str, Any]:
        """`_render`, with URLs on `origin` instead of the stored placeholder (for callers)."""
        swapped: dict[str, Any] = _swap_origin(self._render(rec), self._public_origin)
        return swapped

    # -- webhooks -------------------------------------------------------------------------------

    def _emit(self, action: str, rec: _Rec) -> None:
        prefix = _EVENT_PREFIX.get(rec.kind)
        if prefix is None or rec.project_id is None:
            return
        kind = f"{prefix}_{action}"
        self._feed_event(prefix, action, rec)
        hooks = [
            h
            for h in self._kids(rec.project_id, "Webhook")
            if h.data.get("active", True)
            and (not h.data.get("types") or rec.data.get("type") in h.data["types"])
        ]
        if not hooks:
            return
        recording = self._render(rec)
        for hook in hooks:
            payload = {
                "id": next(self._event_ids),
                "kind": kind,
                "created_at": self._now(),
                "recording": recording,
                "creator": self._person(),
                "details": {},
            }
            body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
            raw = body.replace(ORIGIN, self._public_origin).encode()
            delivery = Delivery(
                webhook_id=hook.id,
                payload_url=hook.data["payload_url"],
                kind=kind,
                event_id=int(payload["id"]),  # type: ignore[call-overload]
                body=raw,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "Basecamp3 Webhook (basecamp-testing fake)",
                    SIGNATURE_HEADER: sign(raw, self.webhook_secret),
                },
            )
            self.deliveries.append(delivery)
            self._local.events.append(delivery)

    def _feed_event(self, prefix: str, action: str, rec: _Rec) -> None:
        """Record a write in the event feed; a to-do assigned to the owner also in the inbox."""
        creator = rec.data.get("creator")
        creator_id = creator.get("id") if isinstance(creator, dict) else None
        assignees = rec.data.get("assignees") or []
        assigned = any(isinstance(p, dict) and p.get("id") == self.me["id"] for p in assignees)
        self.feeds.record(
            event_type=f"{prefix}.{action}",
            bucket_id=int(rec.project_id or 0),
            recording_id=rec.id,
            creator_id=int(creator_id if isinstance(creator_id, int) else self.me["id"]),
            performed_by_id=int(self.me["id"]),
            # The record's own time: reading the fake clock would move it for everything else.
            created_at=str(rec.data.get("updated_at") or rec.data.get("created_at") or ""),
            addressed_reason="assignment" if assigned else None,
        )

    # -- public builders (the seed and the handlers use them too) ------------------------------

    def add_person(
        self,
        name: str,
        *,
        email_address: str | None = None,
        title: str = "",
        admin: bool = False,
        owner: bool = False,
        client: bool = False,
    ) -> dict[str, Any]:
        """Add a person to the account and return their record."""
        with self._locked():
            person_id = self._next_id()
            data = self._factory.build("Person", person_id)
            first = name.split()[0].lower()
            self._set(
                "Person",
                data,
                name=name,
                email_address=email_address or f"{first}@example.com",
                personable_type="Client" if client else "User",
                title=title,
                bio="",
                location="Chicago, IL",
                created_at=self._now(),
                updated_at=self._now(),
                admin=admin,
                owner=owner,
                client=client,
                employee=not client,
                time_zone="America/Chicago",
                avatar_url=f"{APP_ORIGIN}/avatars/{person_id}.png",
                attachable_sgid=f"BAh7person{person_id}",
                can_manage_projects=admin,
                can_manage_people=admin,
                can_ping=True,
                can_access_timesheet=admin,
                can_access_hill_charts=True,
                company={"id": 1, "name": "Honcho Design"},
            )
            data["url"] = self._url("Person", person_id)
            rec = self._store(_Rec(person_id, "Person", data, None, None))
            return self._public(rec)

    def add_project(
        self, name: str, description: str = "", *, status: str = "active"
    ) -> dict[str, Any]:
        """Add a project with its full dock (message board, to-dos, docs, chat, card table...)."""
        with self._locked():
            project_id = self._next_id()
            now = self._now()
            data = self._factory.build("Project", project_id)
            self._set(
                "Project",
                data,
                status=status,
                created_at=now,
                updated_at=now,
                name=name,
                description=description,
                purpose="topic",
                clients_enabled=False,
                bookmarked=False,
                url=self._url("Project", project_id),
                app_url=f"{APP_ORIGIN}/{self.account_id}/projects/{project_id}",
                bookmark_url=f"{ORIGIN}/{self.account_id}/recordings/{project_id}/bookmark.json",
            )
            project = self._store(_Rec(project_id, "Project", data, project_id, None))
            dock: list[dict[str, Any]] = []
            for position, (kind, type_name, dock_name, title) in enumerate(_DOCK, 1):
                tool = self._recording(kind, type_name, title, project_id=project_id, parent=None)
                self._set(kind, tool.data, name=dock_name, position=position)
                if kind == "Todoset":
                    tool.data["todolists_url"] = self._op_url("ListTodolists", todoset_id=tool.id)
                elif kind == "MessageBoard":
                    tool.data["messages_url"] = self._op_url("ListMessages", board_id=tool.id)
                elif kind == "Vault":
                    tool.data["uploads_url"] = self._op_url("ListUploads", vault_id=tool.id)
                    tool.data["vaults_url"] = self._op_url("ListVaults", vault_id=tool.id)
                elif kind == "Campfire":
                    tool.data["lines_url"] = self._op_url("ListCampfireLines", campfire_id=tool.id)
                    tool.data["topic"] = title
                dock.append(
                    {
                        "id": tool.id,
                        "title": title,
                        "name": dock_name,
                        "enabled": True,
                        "position": position,
                        "url": tool.data["url"],
                        "app_url": tool.data["app_url"],
                    }
                )
            project.data["dock"] = dock
            if kind_rec := self._dock_record(project_id, "CardTable"):
                for title in ("Triage", "In progress", "Done"):
                    self.add_card_column(kind_rec.id, title)
            return self._public(project)

    def _op_url(self, op_id: str, **values: Any) -> str:
        return ORIGIN + self.operations[op_id].path.format(account_id=self.account_id, **values)

    def _dock_record(self, project_id: int, kind: str) -> _Rec | None:
        project = self._records[project_id]
        for tool in project.data.get("dock", ()):
            rec = self._records.get(tool["id"])
            if rec is not None and rec.kind == kind:
                return rec
        return None

    def dock(self, project_id: int, name: str) -> dict[str, Any]:
        """The record of a project's dock tool by dock name (`todoset`, `vault`, `chat`, ...)."""
        with self._locked():
            project = self._get(project_id, "Project")
            for tool in project.data["dock"]:
                if tool["name"] == name:
                    return self._public(self._records[tool["id"]])
        raise KeyError(name)

    def add_todolist(self, todoset_id: int, name: str, description: str = "") -> dict[str, Any]:
        """Add a to-do list to a to-do set."""
        with self._locked():
            todoset = self._get(todoset_id, "Todoset")
            return self._public(self._new_todolist(todoset, name, description))

    def _new_todolist(self, parent: _Rec, name: str, description: str) -> _Rec:
        assert parent.project_id is not None
        rec = self._recording(
            "Todolist",
            "Todolist",
            name,
            project_id=parent.project_id,
            parent=parent,
            name=name,
            description=description,
            color=None,
        )
        self._set(
            "Todolist",
            rec.data,
            todos_url=self._op_url("ListTodos", todolist_id=rec.id),
            groups_url=self._op_url("ListTodolistGroups", todolist_id=rec.id),
            bubble_up_url=f"{ORIGIN}/{self.account_id}/recordings/{rec.id}/bubble_up.json",
            comments_app_url=f"{rec.data['app_url']}#comments",
        )
        self._emit("created", rec)
        return rec

    def add_todo(
        self,
        todolist_id: int,
        content: str,
        *,
        description: str = "",
        due_on: str | None = None,
        starts_on: str | None = None,
        assignee_ids: Iterable[int] = (),
        completed: bool = False,
    ) -> dict[str, Any]:
        """Add a to-do to a list (or to a to-do set, for a loose to-do)."""
        with self._locked():
            parent = self._get(todolist_id)
            if parent.kind not in ("Todolist", "Todoset"):
                raise _not_found()
            rec = self._new_todo(
                parent,
                {
                    "content": content,
                    "description": description,
                    "due_on": due_on,
                    "starts_on": starts_on,
                    "assignee_ids": list(assignee_ids),
                },
            )
            if completed:
                self._complete(rec, True)
            return self._public(rec)

    def _people(self, ids: object) -> list[dict[str, Any]]:
        if not isinstance(ids, list):
            return []
        return [
            self._person(i)
            for i in ids
            if isinstance(i, int) and (r := self._records.get(i)) is not None and r.kind == "Person"
        ]

    def _new_todo(self, parent: _Rec, body: Mapping[str, Any]) -> _Rec:
        assert parent.project_id is not None
        content = str(body["content"])
        rec = self._recording(
            "Todo",
            "Todo",
            content,
            project_id=parent.project_id,
            parent=parent,
            content=content,
            description=body.get("description") or "",
            due_on=body.get("due_on"),
            starts_on=body.get("starts_on"),
            assignees=self._people(body.get("assignee_ids")),
            completion_subscribers=self._people(body.get("completion_subscriber_ids")),
            completed=False,
            position=len(self._children.get(parent.id, ())) + 1,
        )
        rec.data["completion_url"] = self._op_url("CompleteTodo", todo_id=rec.id)
        self._emit("created", rec)
        return rec

    def _complete(self, rec: _Rec, completed: bool) -> None:
        if bool(rec.data.get("completed")) == completed:
            return  # completing twice is a no-op, as in Basecamp (and no second webhook)
        rec.data["completed"] = completed
        rec.data["updated_at"] = self._now()
        self._emit("completed" if completed else "uncompleted", rec)

    def add_message(self, board_id: int, subject: str, content: str = "") -> dict[str, Any]:
        """Post a message to a message board."""
        with self._locked():
            board = self._get(board_id, "MessageBoard")
            return self._public(self._new_message(board, {"subject": subject, "content": content}))

    def _new_message(self, board: _Rec, body: Mapping[str, Any]) -> _Rec:
        assert board.project_id is not None
        subject = str(body["subject"])
        rec = self._recording(
            "Message",
            "Message",
            subject,
            project_id=board.project_id,
            parent=board,
            subject=subject,
            content=body.get("content") or "",
        )
        self._emit("created", rec)
        return rec

    def add_comment(self, recording_id: int, content: str) -> dict[str, Any]:
        """Comment on any recording (to-do, message, upload, card...)."""
        with self._locked():
            return self._public(self._new_comment(self._get(recording_id), content))

    def _new_comment(self, parent: _Rec, content: str) -> _Rec:
        if parent.project_id is None:
            raise _not_found()
        rec = self._recording(
            "Comment",
            "Comment",
            f"Re: {parent.data.get('title', '')}",
            project_id=parent.project_id,
            parent=parent,
            content=content,
        )
        self._emit("created", rec)
        return rec

    def add_attachment(
        self, data: bytes, filename: str, content_type: str = "application/octet-stream"
    ) -> str:
        """Store bytes as an attachment and return its `attachable_sgid`."""
        with self._locked():
            digest = hashlib.sha256(data).hexdigest()[:16]
            key = f"{digest}{next(self._ids)}"
            self._blobs[key] = _Blob(bytes(data), filename, content_type)
            sgid = f"BAh7attachable{key}"
            self._attachments[sgid] = key
            return sgid

    def add_upload(
        self,
        vault_id: int,
        filename: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        description: str = "",
    ) -> dict[str, Any]:
        """Upload a file to a vault: its `download_url` serves these exact bytes."""
        sgid = self.add_attachment(data, filename, content_type)
        with self._locked():
            vault = self._get(vault_id, "Vault")
            return self._public(self._new_upload(vault, sgid, None, description))

    def _new_upload(self, vault: _Rec, sgid: str, base_name: str | None, description: str) -> _Rec:
        assert vault.project_id is not None
        key = self._attachments.get(sgid)
        if key is None:
            raise _invalid({"attachable_sgid": ["is invalid"]})
        blob = self._blobs[key]
        if base_name:
            extension = blob.filename.rpartition(".")[2] if "." in blob.filename else ""
            blob.filename = f"{base_name}.{extension}" if extension else base_name
        rec = self._recording(
            "Upload",
            "Upload",
            blob.filename,
            project_id=vault.project_id,
            parent=vault,
            description=description,
            content_type=blob.content_type,
            byte_size=len(blob.data),
            filename=blob.filename,
            download_url=f"{ORIGIN}/{self.account_id}/blobs/{key}/download/{quote(blob.filename)}",
        )
        self._emit("created", rec)
        return rec

    def add_campfire_line(self, campfire_id: int, content: str) -> dict[str, Any]:
        """Post a line to a chat."""
        with self._locked():
            return self._public(self._new_line(self._get(campfire_id, "Campfire"), content))

    def _new_line(self, campfire: _Rec, content: str) -> _Rec:
        assert campfire.project_id is not None
        rec = self._recording(
            "CampfireLine",
            "Chat::Lines::Text",
            content,
            project_id=campfire.project_id,
            parent=campfire,
            url_extra={"campfire_id": campfire.id},
            content=content,
        )
        self._emit("created", rec)
        return rec

    def add_card_column(
        self, card_table_id: int, title: str, description: str = ""
    ) -> dict[str, Any]:
        """Add a column to a card table."""
        with self._locked():
            table = self._get(card_table_id, "CardTable")
            assert table.project_id is not None
            rec = self._recording(
                "CardColumn",
                "Kanban::Column",
                title,
                project_id=table.project_id,
                parent=table,
                description=description,
                color="white",
            )
            rec.data["cards_url"] = self._op_url("ListCards", column_id=rec.id)
            return self._public(rec)

    def add_card(
        self, column_id: int, title: str, content: str = "", due_on: str | None = None
    ) -> dict[str, Any]:
        """Add a card to a card-table column."""
        with self._locked():
            column = self._get(column_id, "CardColumn")
            return self._public(
                self._new_card(column, {"title": title, "content": content, "due_on": due_on})
            )

    def _new_card(self, column: _Rec, body: Mapping[str, Any]) -> _Rec:
        assert column.project_id is not None
        rec = self._recording(
            "Card",
            "Kanban::Card",
            str(body["title"]),
            project_id=column.project_id,
            parent=column,
            content=body.get("content") or "",
            due_on=body.get("due_on"),
            completed=False,
            position=len(self._kids(column.id, "Card")) + 1,
        )
        self._emit("created", rec)
        return rec

    def add_webhook(
        self, project_id: int, payload_url: str, types: Iterable[str] = ()
    ) -> dict[str, Any]:
        """Subscribe `payload_url` to a project's events (`types` empty: every type)."""
        with self._locked():
            self._get(project_id, "Project")
            return self._public(self._new_webhook(project_id, payload_url, list(types), True))

    def _new_webhook(
        self, project_id: int, payload_url: str, types: list[str], active: bool
    ) -> _Rec:
        webhook_id = self._next_id()
        now = self._now()
        data = self._factory.build("Webhook", webhook_id)
        data.update(
            active=active,
            created_at=now,
            updated_at=now,
            payload_url=payload_url,
            types=types,
            url=self._url("Webhook", webhook_id),
            app_url=f"{APP_ORIGIN}/{self.account_id}/buckets/{project_id}/webhooks/{webhook_id}",
        )
        # Webhooks are not recordings: they have a status only so trashing hides them.
        data["status"] = "active"
        rec = _Rec(webhook_id, "Webhook", data, project_id, project_id)
        return self._store(rec)

    # -- inspection -----------------------------------------------------------------------------

    def record(self, record_id: int) -> dict[str, Any] | None:
        """Any stored record by id (trashed ones included), or `None`.

        Its URLs are on `origin` (the serving `FakeServer`'s URL, while one serves).
        """
        with self._locked():
            rec = self._records.get(record_id)
            return self._public(rec) if rec is not None else None

    def records(
        self, kind: str | None = None, *, include_trashed: bool = False
    ) -> list[dict[str, Any]]:
        """Stored records, optionally of one model (`"Todo"`, `"Project"`...), in creation order.

        Their URLs are on `origin`, as everywhere in inspection results.
        """
        with self._locked():
            return [
                self._public(r)
                for r in self._records.values()
                if (kind is None or r.kind == kind)
                and (include_trashed or r.data.get("status") != "trashed")
            ]

    def projects(self) -> list[dict[str, Any]]:
        """Every project that is not trashed."""
        return self.records("Project")

    def people(self) -> list[dict[str, Any]]:
        """Everyone on the account."""
        return self.records("Person")

    def todos(self, todolist_id: int | None = None) -> list[dict[str, Any]]:
        """To-dos (of one list, in list order, when `todolist_id` is given)."""
        if todolist_id is None:
            return self.records("Todo")
        with self._locked():
            return [self._public(r) for r in self._kids(todolist_id, "Todo")]

    def webhooks(self) -> list[dict[str, Any]]:
        """Every webhook subscription."""
        return self.records("Webhook")

    def upload_bytes(self, upload_id: int) -> bytes:
        """The stored bytes of an upload."""
        with self._locked():
            url = self._get(upload_id, "Upload").data["download_url"]
            return self._blobs[url.split("/blobs/", 1)[1].split("/", 1)[0]].data

    @property
    def state(self) -> dict[str, list[dict[str, Any]]]:
        """Every stored record, grouped by model name (a snapshot; URLs on `origin`)."""
        with self._locked():
            by_kind: dict[str, list[dict[str, Any]]] = {}
            for rec in self._records.values():
                by_kind.setdefault(rec.kind, []).append(self._public(rec))
        return by_kind

    # -- responses ------------------------------------------------------------------------------

    def _json(self, payload: object, status: int = 200) -> FakeResponse:
        return json_response(status, payload)

    @staticmethod
    def _none() -> FakeResponse:
        return FakeResponse(204)

    def _list(self, ctx: _Ctx, items: list[dict[str, Any]]) -> FakeResponse:
        if not ctx.op.paginated:
            return self._json(items)
        page_text = ctx.q("page") or "1"
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        size = self.page_size
        chunk = items[(page - 1) * size : page * size]
        headers = [("X-Total-Count", str(len(items)))]
        if page * size < len(items):
            query = [(k, v) for k, v in ctx.query if k != "page"] + [("page", str(page + 1))]
            headers.append(("Link", f'<{ctx.origin}{ctx.path}?{urlencode(query)}>; rel="next"'))
        if ctx.op.items_key:
            record = self._generic_record(ctx, 0)
            record[ctx.op.items_key] = chunk
            return json_response(200, record, headers)
        return json_response(200, chunk, headers)

    def _status_filter(self, ctx: _Ctx) -> str:
        status = ctx.q("status") or "active"
        return status if status in ("active", "archived", "trashed") else "active"

    # -- the generic answer ---------------------------------------------------------------------

    def _generic_record(self, ctx: _Ctx, index: int, model: str | None = None) -> dict[str, Any]:
        op = ctx.op
        model = model or op.response_model
        if model is None:
            return {}
        numeric = [v for v in ctx.ids.values() if isinstance(v, int)]
        if op.response_kind == "list" or op.paginated:
            record_id = zlib.crc32(op.operation_id.encode()) % 100_000 * 10 + 500_000_000 + index
        elif op.http_method == "POST":
            record_id = self._next_id()
        else:
            record_id = numeric[-1] if numeric else 1
        record = self._factory.build(model, record_id)
        project_id = ctx.ids.get("project_id")
        if "bucket" in record and isinstance(project_id, int) and project_id in self._records:
            record["bucket"] = self._bucket(project_id)
        if isinstance(record.get("creator"), dict) and "email_address" in record["creator"]:
            record["creator"] = self._person()
        for key, value in ctx.body.items():
            # Echo what was written, as the API does, for scalar keys of the model's own type.
            if key != "id" and self._factory.accepts(model, key, value):
                record[key] = value
        return record

    def _generic(self, ctx: _Ctx) -> FakeResponse:
        op = ctx.op
        if op.response_kind == "none":
            return self._none()
        if op.response_kind == "binary":
            return FakeResponse(200, [("Content-Type", "application/octet-stream")], b"fake-bytes")
        if op.response_kind == "object":
            return self._json({})
        if op.response_kind == "list" or op.paginated:
            # A page object's items are of its `items_key` field's model, not of the page's.
            item_model = None
            if op.items_key and op.response_model:
                item_model = self._factory.item_model(op.response_model, op.items_key)
            return self._list(ctx, [self._generic_record(ctx, i, item_model) for i in range(2)])
        if op.http_method == "GET" and ctx.ids:
            last = list(ctx.ids.values())[-1]
            rec = self._records.get(last) if isinstance(last, int) else None
            if rec is not None and rec.kind == op.response_model:
                return self._json(self._render(rec))
        status = 201 if op.http_method == "POST" else 200
        return self._json(self._generic_record(ctx, 0), status)
