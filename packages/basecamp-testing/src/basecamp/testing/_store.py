"""The fake's state: records, blobs, ids, the fake clock, rendering and webhook events.

`Store` is what every handler works on, through its public methods only. It does no HTTP: the
request pipeline (`_app.App`) parses a request, then calls a handler with the store and the
parsed request, holding the store's lock (`Store.locked`).

What the store knows about each stateful model (where its `url` points, which webhook events
it sends, which fields are derived when it is rendered) comes from the `Kind`s the resource
areas declare (see `basecamp.testing._handlers`).
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from basecamp import Operation

from ._feeds import FeedLog
from ._http import not_found
from ._models import APP_ORIGIN, ORIGIN, ModelFactory
from ._webhooks import SIGNATURE_HEADER, Delivery, sign

__all__ = ["EPOCH", "Blob", "Kind", "Record", "Renderer", "Store", "swap_origin"]

EPOCH = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
"""Where the fake clock starts; it moves a minute per `Store.now()`."""


@dataclass(slots=True)
class Record:
    """One stored record.

    Attributes:
        id: Its id (unique across every model, as in Basecamp).
        kind: Its model name (`Todo`, `Project`...).
        data: The stored JSON object. URLs in it are on the placeholder `ORIGIN`.
        project_id: The project it lives in (`None` for people).
        parent_id: The record it is listed under (`Store.kids`), if any.
    """

    id: int
    kind: str
    data: dict[str, Any]
    project_id: int | None
    parent_id: int | None


@dataclass(slots=True)
class Blob:
    """The bytes of an attachment or upload."""

    data: bytes
    filename: str
    content_type: str


Renderer = Callable[["Store", Record, dict[str, Any]], None]
"""Fills a record's derived fields (counts, ratios...) into `data`, a copy being rendered."""


@dataclass(frozen=True, slots=True)
class Kind:
    """What the store and the router know about one stateful model.

    Attributes:
        name: The model name, as in `basecamp.services.models` (`Todo`).
        reader: The operation that reads one record (`GetTodo`): where the record's `url`
            points, and answered from the store by default.
        id_param: That operation's path parameter for the id (`todo_id`). In any path it names
            a record of this model: unknown, trashed or of another model, it answers 404.
        event_prefix: The webhook event prefix (`todo` in `todo_created`); `None` sends none.
        render: Fills derived fields when the record is rendered, if any.
    """

    name: str
    reader: str
    id_param: str
    event_prefix: str | None = None
    render: Renderer | None = None


def swap_origin(value: Any, origin: str) -> Any:
    """`value` with the placeholder `ORIGIN` replaced by `origin` in every string."""
    if isinstance(value, str):
        return value.replace(ORIGIN, origin) if ORIGIN in value else value
    if isinstance(value, dict):
        return {k: swap_origin(v, origin) for k, v in value.items()}
    if isinstance(value, list):
        return [swap_origin(v, origin) for v in value]
    return value


class _Local(threading.local):
    """Per-thread: how deep the lock is held, and the deliveries waiting for its release."""

    def __init__(self) -> None:
        self.depth = 0
        self.events: list[Delivery] = []


class Store:
    """The in-memory state of one fake account.

    Args:
        account_id: The account number in every path and URL.
        operations: The operation registry (`basecamp.services.OPERATIONS`).
        kinds: The stateful models, by name.
        page_size: Items per page of a paginated list.
        webhook_secret: The key of webhook signatures.
        submit: Sends a webhook delivery; called after the outermost `locked()` block ends.

    Attributes:
        records: Every record by id, in creation order (trashed ones included).
        children: Parent id to the ids listed under it, in list order.
        blobs: Stored bytes by storage key.
        attachments: `attachable_sgid` to storage key.
        deliveries: Every webhook delivery made, in order.
        origin: The origin of URLs in `public()` results and webhook payloads.
        me_id: The id of the token's owner (set by the fake once that person exists).
        marks: What areas note about records beside the records' own fields, by area name:
            record id to a value, in the order noted (spotlights, bubble-ups, visits). Use
            `marked`.
    """

    def __init__(
        self,
        *,
        account_id: int,
        operations: Mapping[str, Operation],
        kinds: Mapping[str, Kind],
        page_size: int,
        webhook_secret: str,
        submit: Callable[[Delivery], None],
        origin: str,
    ) -> None:
        self.account_id = account_id
        self.operations = operations
        self.kinds = kinds
        self.page_size = page_size
        self.webhook_secret = webhook_secret
        self.factory = ModelFactory(account_id)
        self.records: dict[int, Record] = {}
        self.children: dict[int, list[int]] = {}
        self.blobs: dict[str, Blob] = {}
        self.attachments: dict[str, str] = {}
        self.deliveries: list[Delivery] = []
        self.origin = origin
        self.me_id = 0
        self.marks: dict[str, dict[int, Any]] = {}
        self._submit = submit
        self._lock = threading.RLock()
        self._local = _Local()
        self._ids = itertools.count(1001)
        self._minutes = 0  # the fake clock: minutes since EPOCH
        self._event_ids = itertools.count(9_000_001)
        # The event and inbox feeds (`_feeds`): every `emit` records its change there too.
        self.feeds = FeedLog(account_id, secrets.token_bytes(32))

    # -- the lock -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
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
            self._submit(delivery)

    # -- ids and the clock ----------------------------------------------------------------------

    def next_id(self) -> int:
        """A fresh record id."""
        return next(self._ids)

    def now(self) -> str:
        """The fake clock's time, then moved on a minute (so every run reads the same)."""
        moment = EPOCH + timedelta(minutes=self._minutes)
        self._minutes += 1
        return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def today(self) -> str:
        """The fake clock's date (`YYYY-MM-DD`), without moving it: what "overdue" is before."""
        return (EPOCH + timedelta(minutes=self._minutes)).strftime("%Y-%m-%d")

    # -- records --------------------------------------------------------------------------------

    def get(self, record_id: int, kind: str | None = None, *, trashed: bool = False) -> Record:
        """The record, of model `kind` if given; raises the API's 404 otherwise (or if trashed)."""
        rec = self.records.get(record_id)
        if rec is None or (kind is not None and rec.kind != kind):
            raise not_found()
        if rec.data.get("status") == "trashed" and not trashed:
            raise not_found()
        return rec

    def add(self, rec: Record) -> Record:
        """Store `rec`, listed last under its parent."""
        self.records[rec.id] = rec
        if rec.parent_id is not None:
            self.children.setdefault(rec.parent_id, []).append(rec.id)
        return rec

    def remove(self, rec: Record) -> None:
        """Delete `rec` for good (for models with no `status` to trash them by)."""
        del self.records[rec.id]
        if rec.parent_id is not None:
            self.children[rec.parent_id].remove(rec.id)

    def kids(self, parent_id: int, kind: str, status: str | None = "active") -> list[Record]:
        """The records of model `kind` listed under `parent_id`, with that status (`None`: any)."""
        found = (self.records[i] for i in self.children.get(parent_id, ()))
        return [
            r for r in found if r.kind == kind and (status is None or r.data["status"] == status)
        ]

    def move(self, rec: Record, parent: Record, index: int | None = None) -> None:
        """List `rec` under `parent` at `index` (0-based; `None`: last)."""
        if rec.parent_id is not None:
            self.children[rec.parent_id].remove(rec.id)
        siblings = self.children.setdefault(parent.id, [])
        position = len(siblings) if index is None else min(index, len(siblings))
        siblings.insert(position, rec.id)
        rec.parent_id = parent.id
        rec.data["parent"] = self.parent_ref(parent)

    def marked(self, name: str) -> dict[int, Any]:
        """The marks named `name` (`spotlights`...): record id to value, oldest first."""
        return self.marks.setdefault(name, {})

    def touch(self, rec: Record) -> None:
        """Set `updated_at` to now."""
        rec.data["updated_at"] = self.now()

    def set_fields(self, kind: str, data: dict[str, Any], **values: Any) -> None:
        """Set only the keys model `kind` declares, so records stay true to their model."""
        for key, value in values.items():
            if self.factory.has_field(kind, key):
                data[key] = value

    def set_status(self, rec: Record, status: str) -> None:
        """Trash, archive or reactivate `rec` (and send that event once)."""
        if rec.data.get("status") == status:
            return
        rec.data["status"] = status
        self.touch(rec)
        action = {"trashed": "trashed", "archived": "archived", "active": "unarchived"}[status]
        self.emit(action, rec)

    def url(self, kind: str, record_id: int, **extra: Any) -> str:
        """The API URL of a record (its reader's path), on the placeholder origin."""
        info = self.kinds[kind]
        return self.op_url(info.reader, **{info.id_param: record_id, **extra})

    def op_url(self, op_id: str, **values: Any) -> str:
        """An operation's URL with these path values, on the placeholder origin."""
        return ORIGIN + self.operations[op_id].path.format(account_id=self.account_id, **values)

    def recording_url(self, record_id: int, suffix: str) -> str:
        """`/{account}/recordings/{id}/{suffix}` on the placeholder origin."""
        return f"{ORIGIN}/{self.account_id}/recordings/{record_id}/{suffix}"

    def app_url(self, path: str) -> str:
        """A URL in the web app (`https://3.basecamp.com/{account}/{path}`)."""
        return f"{APP_ORIGIN}/{self.account_id}/{path}"

    def dock_record(self, project_id: int, kind: str) -> Record | None:
        """The project's dock tool of model `kind`, if it has one."""
        project = self.records[project_id]
        for tool in project.data.get("dock", ()):
            rec = self.records.get(tool["id"])
            if rec is not None and rec.kind == kind:
                return rec
        return None

    # -- the shapes records embed ---------------------------------------------------------------

    def person(self, person_id: int | None = None) -> dict[str, Any]:
        """A person's record (the token's owner by default, or for an unknown id)."""
        rec = self.records.get(person_id if person_id is not None else self.me_id)
        if rec is None or rec.kind != "Person":
            rec = self.records[self.me_id]
        return copy.deepcopy(rec.data)

    def people(self, ids: object) -> list[dict[str, Any]]:
        """The people among `ids` (a JSON value: anything but a list of known ids is dropped)."""
        if not isinstance(ids, list):
            return []
        return [
            self.person(i)
            for i in ids
            if isinstance(i, int) and (r := self.records.get(i)) is not None and r.kind == "Person"
        ]

    def bucket(self, project_id: int) -> dict[str, Any]:
        """The `bucket` a recording of that project embeds."""
        project = self.records[project_id]
        return {"id": project.id, "name": project.data["name"], "type": "Project"}

    def parent_ref(self, parent: Record) -> dict[str, Any]:
        """The `parent` a recording embeds."""
        return {
            "id": parent.id,
            "title": parent.data.get("title") or parent.data.get("name", ""),
            "type": parent.data.get("type", parent.kind),
            "url": parent.data.get("url", ""),
            "app_url": parent.data.get("app_url", ""),
        }

    def recording(
        self,
        kind: str,
        type_name: str,
        title: str,
        *,
        project_id: int,
        parent: Record | None,
        creator_id: int | None = None,
        url_extra: Mapping[str, Any] | None = None,
        **values: Any,
    ) -> Record:
        """Store a new recording (to-do, message, upload...) with Basecamp's common fields.

        Args:
            kind: The model name.
            type_name: Its Basecamp `type` (`Todo`, `Kanban::Card`...).
            title: Its `title`.
            project_id: The project it is in.
            parent: The record it is listed under (`None`: the project itself).
            creator_id: Its creator (default: the token's owner).
            url_extra: Other path values of its reader's URL.
            **values: Model fields to set (keys the model does not declare are dropped).
        """
        record_id = self.next_id()
        data = self.factory.build(kind, record_id)
        now = self.now()
        noun = type_name.lower().replace("::", "_")
        self.set_fields(
            kind,
            data,
            status="active",
            visible_to_clients=False,
            created_at=now,
            updated_at=now,
            title=title,
            inherits_status=True,
            type=type_name,
            url=self.url(kind, record_id, **(url_extra or {})),
            app_url=self.app_url(f"buckets/{project_id}/{noun}s/{record_id}"),
            bookmark_url=self.recording_url(record_id, "bookmark.json"),
            subscription_url=self.recording_url(record_id, "subscription.json"),
            comments_url=self.recording_url(record_id, "comments.json"),
            boosts_url=self.recording_url(record_id, "boosts.json"),
            comments_count=0,
            boosts_count=0,
            bucket=self.bucket(project_id),
            creator=self.person(creator_id),
        )
        if parent is not None:
            self.set_fields(kind, data, parent=self.parent_ref(parent))
        self.set_fields(kind, data, **values)
        parent_id = parent.id if parent is not None else project_id
        return self.add(Record(record_id, kind, data, project_id, parent_id))

    # -- rendering ------------------------------------------------------------------------------

    def render(self, rec: Record) -> dict[str, Any]:
        """A copy of the record as the API returns it (derived fields filled; placeholder URLs)."""
        data = copy.deepcopy(rec.data)
        if "comments_count" in data:
            data["comments_count"] = len(self.kids(rec.id, "Comment"))
        if "boosts_count" in data:
            data["boosts_count"] = len(self.kids(rec.id, "Boost", None))
        info = self.kinds.get(rec.kind)
        if info is not None and info.render is not None:
            info.render(self, rec, data)
        return data

    def public(self, rec: Record) -> dict[str, Any]:
        """`render`, with URLs on `origin` (what the fake hands a caller directly)."""
        swapped: dict[str, Any] = swap_origin(self.render(rec), self.origin)
        return swapped

    # -- webhooks -------------------------------------------------------------------------------

    def _feed_event(self, prefix: str, action: str, rec: Record) -> None:
        """Record a change in the event feed; a to-do assigned to the owner also in the inbox."""
        creator = rec.data.get("creator")
        creator_id = creator.get("id") if isinstance(creator, dict) else None
        assignees = rec.data.get("assignees") or []
        assigned = any(isinstance(p, dict) and p.get("id") == self.me_id for p in assignees)
        self.feeds.record(
            event_type=f"{prefix}.{action}",
            bucket_id=int(rec.project_id or 0),
            recording_id=rec.id,
            creator_id=int(creator_id if isinstance(creator_id, int) else self.me_id),
            performed_by_id=int(self.me_id),
            # The record's own time: reading the fake clock would move it for everything else.
            created_at=str(rec.data.get("updated_at") or rec.data.get("created_at") or ""),
            addressed_reason="assignment" if assigned else None,
        )

    def emit(self, action: str, rec: Record) -> None:
        """Queue the `{prefix}_{action}` event of `rec` for every webhook subscribed to it."""
        info = self.kinds.get(rec.kind)
        prefix = info.event_prefix if info is not None else None
        if prefix is None or rec.project_id is None:
            return
        kind = f"{prefix}_{action}"
        self._feed_event(prefix, action, rec)
        hooks = [
            h
            for h in self.kids(rec.project_id, "Webhook")
            if h.data.get("active", True)
            and (not h.data.get("types") or rec.data.get("type") in h.data["types"])
        ]
        if not hooks:
            return
        recording = self.render(rec)
        for hook in hooks:
            event_id = next(self._event_ids)
            payload = {
                "id": event_id,
                "kind": kind,
                "created_at": self.now(),
                "recording": recording,
                "creator": self.person(),
                "details": {},
            }
            body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
            raw = body.replace(ORIGIN, self.origin).encode()
            delivery = Delivery(
                webhook_id=hook.id,
                payload_url=hook.data["payload_url"],
                kind=kind,
                event_id=event_id,
                body=raw,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "Basecamp3 Webhook (basecamp-testing fake)",
                    SIGNATURE_HEADER: sign(raw, self.webhook_secret),
                },
            )
            self.deliveries.append(delivery)
            self._local.events.append(delivery)
