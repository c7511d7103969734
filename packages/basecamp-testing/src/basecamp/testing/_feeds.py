"""The event feed and the inbox feed, with the API's semantics.

`FeedLog` is sans-I/O: the fake's writes append events to it (`record`), and `poll` answers one
request's query with a status and a JSON payload. What it holds to:

- events oldest first in strict id order, at most `page_limit` (100) a page;
- `position` is an opaque token signed with HMAC-SHA256, bound to the account, the feed and the
  filter set; a tampered or foreign one answers 400 (`reason: "position"`), one minted for other
  filters 409 (with both digests), one older than what is kept 410 (with `resume` at the oldest
  kept event and `epoch_after_id`);
- `next` (an absolute URL carrying the position and the filters) only while more matching items
  exist right now;
- entry: no `since`/`position` starts at the present, `since=<id>` after that id, `since=0` at the
  oldest kept, `since=now` at the present; bad filters answer 400 with the filter's name as
  `reason`.

The inbox holds the events addressed to the token's owner (a to-do assigned to them: reason
`assignment`), each with its own `addressing_id`.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

__all__ = ["FeedLog"]

_EVENT_FILTERS = ("types", "buckets", "creators", "performers", "exclude_performers", "actor_types")
_INBOX_FILTERS = ("reasons", "types", "buckets")
_INT_FILTERS = frozenset({"buckets", "creators"})
_PERSON_FILTERS = frozenset({"performers", "exclude_performers"})
_ACTOR_TYPES = frozenset({"agent", "person"})
MAX_FILTER_VALUES = 100


@dataclass(slots=True)
class _Stream:
    """One feed's kept items: ids ascending, with what filtering needs beside each."""

    name: str
    id_key: str
    filters: tuple[str, ...]
    ids: list[int] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    epoch: int = 0  # items up to this id are no longer kept
    last: int = 0  # the highest id ever recorded

    def append(self, item_id: int, item: dict[str, Any], facts: dict[str, Any]) -> None:
        self.ids.append(item_id)
        self.items.append(item)
        self.facts.append(facts)
        self.last = item_id

    def expire(self, through_id: int) -> None:
        cut = bisect.bisect_right(self.ids, through_id)
        del self.ids[:cut], self.items[:cut], self.facts[:cut]
        self.epoch = max(self.epoch, min(through_id, self.last))


class _RefusedError(Exception):
    def __init__(self, status: int, payload: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload


def _bad(reason: str, message: str) -> _RefusedError:
    return _RefusedError(400, {"error": message, "reason": reason})


class FeedLog:
    """The fake's event feed and inbox feed (see the module docstring for the semantics).

    Args:
        account_id: The account the positions are bound to.
        key: The HMAC key positions are signed with.
        page_limit: Items per page at most (the API's is 100).
    """

    def __init__(self, account_id: int, key: bytes, *, page_limit: int = 100) -> None:
        if page_limit < 1:
            raise ValueError("page_limit must be at least 1")
        self.account_id = account_id
        self.page_limit = page_limit
        self._key = key
        self._streams = {
            "events": _Stream("events", "id", _EVENT_FILTERS),
            "inbox": _Stream("inbox", "addressing_id", _INBOX_FILTERS),
        }

    # -- recording ------------------------------------------------------------------------------

    def record(
        self,
        *,
        event_type: str,
        bucket_id: int,
        recording_id: int,
        creator_id: int,
        performed_by_id: int,
        created_at: str,
        actor_type: str = "person",
        details: Mapping[str, Any] | None = None,
        addressed_reason: str | None = None,
    ) -> dict[str, Any]:
        """Append one event (and, with `addressed_reason`, an inbox item for the owner)."""
        events = self._streams["events"]
        event_id = events.last + 1
        kind, _, action = event_type.partition(".")
        event = {
            "id": event_id,
            "event_type": event_type,
            "kind": kind,
            "action": action,
            "bucket_id": bucket_id,
            "recording_id": recording_id,
            "creator_id": creator_id,
            "performed_by_id": performed_by_id,
            "created_at": created_at,
            "details": dict(details or {}),
        }
        facts = {"actor_type": actor_type}
        events.append(event_id, event, facts)
        if addressed_reason is not None:
            inbox = self._streams["inbox"]
            item = {
                "addressing_id": inbox.last + 1,
                "addressed_at": created_at,
                "reason": addressed_reason,
                "event": event,
            }
            inbox.append(inbox.last + 1, item, facts)
        return event

    def expire(self, *, through_id: int, feed: str = "events") -> None:
        """Stop keeping `feed`'s items up to `through_id` (positions before it then answer 410)."""
        self._stream(feed).expire(through_id)

    def events(self, feed: str = "events") -> list[dict[str, Any]]:
        """The kept items of `feed`, oldest first."""
        return list(self._stream(feed).items)

    def _stream(self, feed: str) -> _Stream:
        stream = self._streams.get(feed)
        if stream is None:
            raise ValueError(f"unknown feed {feed!r}; 'events' or 'inbox'")
        return stream

    # -- positions ------------------------------------------------------------------------------

    def _sign(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:32]

    def _position(self, feed: str, digest: str, after: int) -> str:
        payload = json.dumps(
            {"v": 1, "acct": self.account_id, "feed": feed, "f": digest, "after": after},
            separators=(",", ":"),
            sort_keys=True,
        )
        body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        return f"{body}.{self._sign(body)}"

    def _read_position(self, token: str, feed: str) -> tuple[str, int]:
        body, _, signature = token.partition(".")
        if not body or not hmac.compare_digest(signature, self._sign(body)):
            raise _bad("position", "The position is malformed or was not issued by this feed.")
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            raise _bad("position", "The position is malformed.") from None
        if (
            not isinstance(data, dict)
            or data.get("acct") != self.account_id
            or data.get("feed") != feed
            or not isinstance(data.get("after"), int)
            or not isinstance(data.get("f"), str)
        ):
            raise _bad("position", "The position belongs to another account or feed.")
        return data["f"], data["after"]

    # -- polling --------------------------------------------------------------------------------

    @staticmethod
    def _filters(stream: _Stream, query: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
        given = {k: v for k, v in query if k in stream.filters}
        filters: dict[str, list[str]] = {}
        for name, raw in given.items():
            values = sorted({v.strip() for v in raw.split(",") if v.strip()})
            if not values:
                raise _bad(name, f"{name} is empty.")
            if len(values) > MAX_FILTER_VALUES:
                raise _bad(name, f"{name} takes at most {MAX_FILTER_VALUES} values.")
            for value in values:
                if name in _INT_FILTERS and not value.isdigit():
                    raise _bad(name, f"{name} takes ids.")
                if name in _PERSON_FILTERS and not (value.isdigit() or value == "self"):
                    raise _bad(name, f"{name} takes ids or 'self'.")
                if name == "actor_types" and value not in _ACTOR_TYPES:
                    raise _bad(name, "actor_types takes 'agent' and 'person'.")
            filters[name] = values
        return filters

    @staticmethod
    def _digest(filters: Mapping[str, list[str]]) -> str:
        canonical = json.dumps(filters, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @staticmethod
    def _matcher(stream: _Stream, filters: Mapping[str, list[str]], me_id: int) -> Any:
        def people(values: list[str]) -> set[int]:
            return {me_id if v == "self" else int(v) for v in values}

        types = set(filters.get("types", ())) or None
        buckets = {int(v) for v in filters.get("buckets", ())} or None
        creators = {int(v) for v in filters.get("creators", ())} or None
        performers = people(filters["performers"]) if "performers" in filters else None
        excluded = people(filters.get("exclude_performers", []))
        actors = set(filters.get("actor_types", ())) or None
        reasons = set(filters.get("reasons", ())) or None
        nested = stream.name == "inbox"

        def matches(item: dict[str, Any], facts: dict[str, Any]) -> bool:
            event = item["event"] if nested else item
            return (
                (types is None or event["event_type"] in types)
                and (buckets is None or event["bucket_id"] in buckets)
                and (creators is None or event["creator_id"] in creators)
                and (performers is None or event["performed_by_id"] in performers)
                and event["performed_by_id"] not in excluded
                and (actors is None or facts["actor_type"] in actors)
                and (reasons is None or item["reason"] in reasons)
            )

        return matches

    def poll(
        self,
        feed: str,
        query: Sequence[tuple[str, str]],
        *,
        origin: str,
        path: str,
        me_id: int,
    ) -> tuple[int, dict[str, Any]]:
        """Answer one poll of `feed` (`"events"` or `"inbox"`): `(status, JSON payload)`."""
        stream = self._stream(feed)
        try:
            return 200, self._page(stream, query, origin, path, me_id)
        except _RefusedError as refused:
            return refused.status, refused.payload

    def _page(
        self,
        stream: _Stream,
        query: Sequence[tuple[str, str]],
        origin: str,
        path: str,
        me_id: int,
    ) -> dict[str, Any]:
        filters = self._filters(stream, query)
        digest = self._digest(filters)
        params = dict(query)
        position, since = params.get("position"), params.get("since")
        if position is not None:
            minted_for, after = self._read_position(position, stream.name)
            if minted_for != digest:
                raise _RefusedError(
                    409,
                    {
                        "error": "The position was issued for other filters.",
                        "filters_digest": digest,
                        "position_digest": minted_for,
                    },
                )
            if after < stream.epoch:
                payload: dict[str, Any] = {
                    "error": "The position is older than what the feed keeps.",
                    "resume": self._position(stream.name, digest, stream.epoch),
                }
                if stream.name == "events":
                    payload["epoch_after_id"] = stream.epoch
                raise _RefusedError(410, payload)
        elif since is None or since == "now":
            after = stream.last
        elif since.isdigit():
            after = max(int(since), stream.epoch)
        else:
            raise _bad("since", "since takes an id, 0 or 'now'.")
        matches = self._matcher(stream, filters, me_id)
        page: list[dict[str, Any]] = []
        start = bisect.bisect_right(stream.ids, after)
        scanned = after
        more = False
        for index in range(start, len(stream.ids)):
            item, facts = stream.items[index], stream.facts[index]
            if not matches(item, facts):
                if len(page) < self.page_limit:
                    scanned = stream.ids[index]
                continue
            if len(page) == self.page_limit:
                more = True
                break
            page.append(item)
            scanned = stream.ids[index]
        if not more:
            scanned = max(scanned, stream.last)
        token = self._position(stream.name, digest, scanned)
        body: dict[str, Any] = {
            "events" if stream.name == "events" else "items": page,
            "position": token,
        }
        if more:
            next_query = [(k, ",".join(v)) for k, v in filters.items()] + [("position", token)]
            body["next"] = f"{origin}{path}?{urlencode(next_query)}"
        return body
