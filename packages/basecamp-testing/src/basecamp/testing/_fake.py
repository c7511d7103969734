"""`FakeBasecamp`: an in-memory Basecamp behind one sans-I/O `handle()` call.

The facade over the parts: the state (`_store.Store`), the resource areas that answer the
stateful operations (`_handlers`), the request pipeline (`_app.App`), fault injection and
webhook delivery. Each part imports only the ones below it; none imports this module.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ._app import App
from ._faults import Faults
from ._feeds import FeedLog
from ._handlers import (
    AREAS,
    campfires,
    card_tables,
    comments,
    files,
    messages,
    people,
    projects,
    subtasks,
    todos,
    webhooks,
)
from ._handlers.base import Registry
from ._http import FakeResponse, RecordedRequest, not_found
from ._store import Record, Store
from ._webhooks import Deliverer, Delivery, DeliveryMode, InProcessReceiver

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


@functools.cache
def _registry() -> Registry:
    from basecamp.services import OPERATIONS

    return Registry.build(AREAS, OPERATIONS)


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
        self.token: str = sorted(self.tokens)[0] if self.tokens else DEFAULT_TOKEN
        self.page_size = page_size
        self.webhook_secret = webhook_secret
        self.operations = OPERATIONS
        self.faults: Faults = Faults(clock)
        self._deliverer = Deliverer(webhook_delivery)
        registry = _registry()
        self._store = Store(
            account_id=account_id,
            operations=OPERATIONS,
            kinds=registry.kinds,
            page_size=page_size,
            webhook_secret=webhook_secret,
            submit=self._deliverer.submit,
            origin=DEFAULT_BASE_URL,
        )
        self._app = App(self._store, registry, self.faults, self.tokens)
        self.requests: list[RecordedRequest] = self._app.requests
        self.deliveries: list[Delivery] = self._store.deliveries
        self.me: dict[str, Any] = self.add_person(
            "Annie Bryan", title="Owner", admin=True, owner=True
        )
        self._store.me_id = self.me["id"]
        self.seeded: DemoSeed | None = None
        if seed is not None:
            if seed != "demo":
                raise ValueError(f"unknown seed {seed!r}; the only one is 'demo'")
            from ._seed import seed_demo

            self.seeded = seed_demo(self)

    def __repr__(self) -> str:
        return f"FakeBasecamp(account_id={self.account_id}, records={len(self._store.records)})"

    @property
    def origin(self) -> str:
        """The origin of the URLs in what the fake hands you directly.

        Records keep their URLs on an internal placeholder origin, and every HTTP response
        rewrites it to that request's own origin, so what a client reads is always usable. The
        inspection results (`record()`, `records()`, `state`, `todos()`...), the `add_*`
        builders and webhook payloads use this origin instead: the URL of a `FakeServer` since
        it started, or the origin of the latest request the fake answered, whichever is more
        recent; before either, `DEFAULT_BASE_URL` (the origin of `client()` and the
        transports). So while serving, `fake.record(todo_id)["url"]` is fetchable from the
        server with the token. (An upload's `download_url` is the exception: it stays on
        Basecamp's storage host, as in Basecamp; the fake serves its path on its own origin.)
        A `FakeServer` sets it when it starts and restores it when it stops.
        """
        return self._store.origin

    @origin.setter
    def origin(self, value: str) -> None:
        self._store.origin = value

    @property
    def feeds(self) -> FeedLog:
        """The event and inbox feeds (`PollEvents`, `PollInbox`), recorded from the fake's writes.

        `feeds.record(...)` appends an event directly (for volume); `feeds.expire(through_id=...)`
        stops keeping old ones, so an older position answers 410.
        """
        return self._store.feeds

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
        return self._app.handle(method, url, headers, body)

    # -- builders -------------------------------------------------------------------------------

    def _public(self, rec: Record) -> dict[str, Any]:
        return self._store.public(rec)

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
        with self._store.locked():
            rec = people.create(
                self._store,
                name,
                email_address=email_address,
                title=title,
                admin=admin,
                owner=owner,
                client=client,
            )
            return self._public(rec)

    def add_project(
        self, name: str, description: str = "", *, status: str = "active"
    ) -> dict[str, Any]:
        """Add a project with its full dock (message board, to-dos, docs, chat, card table...)."""
        with self._store.locked():
            return self._public(projects.create(self._store, name, description, status=status))

    def dock(self, project_id: int, name: str) -> dict[str, Any]:
        """The record of a project's dock tool by dock name (`todoset`, `vault`, `chat`, ...)."""
        with self._store.locked():
            return self._public(projects.dock(self._store, project_id, name))

    def add_todolist(self, todoset_id: int, name: str, description: str = "") -> dict[str, Any]:
        """Add a to-do list to a to-do set."""
        with self._store.locked():
            todoset = self._store.get(todoset_id, "Todoset")
            return self._public(todos.create_list(self._store, todoset, name, description))

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
        with self._store.locked():
            parent = self._store.get(todolist_id)
            if parent.kind not in ("Todolist", "Todoset"):
                raise not_found()
            rec = todos.create(
                self._store,
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
                todos.complete(self._store, rec, True)
            return self._public(rec)

    def add_message(self, board_id: int, subject: str, content: str = "") -> dict[str, Any]:
        """Post a message to a message board."""
        with self._store.locked():
            board = self._store.get(board_id, "MessageBoard")
            body = {"subject": subject, "content": content}
            return self._public(messages.create(self._store, board, body))

    def add_comment(self, recording_id: int, content: str) -> dict[str, Any]:
        """Comment on any recording (to-do, message, upload, card...)."""
        with self._store.locked():
            parent = self._store.get(recording_id)
            return self._public(comments.create(self._store, parent, content))

    def add_attachment(
        self, data: bytes, filename: str, content_type: str = "application/octet-stream"
    ) -> str:
        """Store bytes as an attachment and return its `attachable_sgid`."""
        with self._store.locked():
            return files.create_attachment(self._store, data, filename, content_type)

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
        with self._store.locked():
            vault = self._store.get(vault_id, "Vault")
            return self._public(files.create_upload(self._store, vault, sgid, None, description))

    def add_campfire_line(self, campfire_id: int, content: str) -> dict[str, Any]:
        """Post a line to a chat."""
        with self._store.locked():
            campfire = self._store.get(campfire_id, "Campfire")
            return self._public(campfires.create_line(self._store, campfire, content))

    def add_card_column(
        self, card_table_id: int, title: str, description: str = ""
    ) -> dict[str, Any]:
        """Add a column to a card table."""
        with self._store.locked():
            table = self._store.get(card_table_id, "CardTable")
            return self._public(card_tables.create_column(self._store, table, title, description))

    def add_card(
        self, column_id: int, title: str, content: str = "", due_on: str | None = None
    ) -> dict[str, Any]:
        """Add a card to a card-table column."""
        with self._store.locked():
            column = self._store.get(column_id, "CardColumn")
            body = {"title": title, "content": content, "due_on": due_on}
            return self._public(card_tables.create_card(self._store, column, body))

    def add_subtask(
        self,
        parent_id: int,
        title: str,
        *,
        due_on: str | None = None,
        assignee_ids: Iterable[int] = (),
        completed: bool = False,
    ) -> dict[str, Any]:
        """Add a subtask to a to-do or card, last in its checklist."""
        with self._store.locked():
            parent = self._store.get(parent_id)
            if parent.kind not in subtasks.PARENTS:
                raise not_found()
            body = {"title": title, "due_on": due_on, "assignee_ids": list(assignee_ids)}
            rec = subtasks.create(self._store, parent, body)
            if completed:
                subtasks.complete(self._store, rec, True)
            return self._public(rec)

    def add_webhook(
        self, project_id: int, payload_url: str, types: Iterable[str] = ()
    ) -> dict[str, Any]:
        """Subscribe `payload_url` to a project's events (`types` empty: every type)."""
        with self._store.locked():
            self._store.get(project_id, "Project")
            hook = webhooks.create(self._store, project_id, payload_url, list(types))
            return self._public(hook)

    # -- inspection -----------------------------------------------------------------------------

    def record(self, record_id: int) -> dict[str, Any] | None:
        """Any stored record by id (trashed ones included), or `None`.

        Its URLs are on `origin` (the serving `FakeServer`'s URL, while one serves).
        """
        with self._store.locked():
            rec = self._store.records.get(record_id)
            return self._public(rec) if rec is not None else None

    def records(
        self, kind: str | None = None, *, include_trashed: bool = False
    ) -> list[dict[str, Any]]:
        """Stored records, optionally of one model (`"Todo"`, `"Project"`...), in creation order.

        Their URLs are on `origin`, as everywhere in inspection results.
        """
        with self._store.locked():
            return [
                self._public(r)
                for r in self._store.records.values()
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
        with self._store.locked():
            return [self._public(r) for r in self._store.kids(todolist_id, "Todo")]

    def webhooks(self) -> list[dict[str, Any]]:
        """Every webhook subscription."""
        return self.records("Webhook")

    def upload_bytes(self, upload_id: int) -> bytes:
        """The stored bytes of an upload."""
        with self._store.locked():
            return files.blob(self._store, self._store.get(upload_id, "Upload")).data

    @property
    def state(self) -> dict[str, list[dict[str, Any]]]:
        """Every stored record, grouped by model name (a snapshot; URLs on `origin`)."""
        with self._store.locked():
            by_kind: dict[str, list[dict[str, Any]]] = {}
            for rec in self._store.records.values():
                by_kind.setdefault(rec.kind, []).append(self._public(rec))
        return by_kind
