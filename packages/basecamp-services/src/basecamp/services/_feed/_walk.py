"""The sans-I/O core of a feed follower: every decision, no I/O.

A `FeedWalk` knows where the next request starts (a stored position, the page's `next` URL, or a
`since` re-entry), parses pages, decides what an error means (wait and retry, re-enter, report a
gap, give up) and what to checkpoint once the caller has processed a page. The sync and async
followers only send the requests it describes, sleep when it says and call the store.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar
from urllib.parse import urlsplit

from basecamp import ApiError, BasecampError, UsageError

__all__ = [
    "EVENTS",
    "INBOX",
    "Checkpoint",
    "Decision",
    "FeedGap",
    "FeedKind",
    "FeedPage",
    "FeedWalk",
    "Page",
    "Request",
    "check_timing",
    "event_filters",
    "filter_identity",
    "inbox_filters",
    "jittered",
    "parse_since",
]

T = TypeVar("T")
MAX_IDS = 100
ACTOR_TYPES = frozenset({"agent", "person"})


@dataclass(frozen=True, slots=True)
class FeedKind:
    """What differs between the event feed and the inbox feed.

    Attributes:
        name: `"events"` or `"inbox"`; part of the filter identity.
        path: The feed's path under the account.
        items_key: The page key holding the items.
        id_key: The item key the feed is ordered by (and `since` refers to).
    """

    name: str
    path: str
    items_key: str
    id_key: str


EVENTS = FeedKind("events", "/events.json", "events", "id")
INBOX = FeedKind("inbox", "/inbox.json", "items", "addressing_id")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where a consumer is: the feed position to resume from, and the last id it processed.

    Attributes:
        position: The opaque `position` of the last processed page.
        last_id: The id of the last item processed, when any was; the follower re-enters with
            `since=last_id` if the API rejects the position (400) or its filters (409).
    """

    position: str
    last_id: int | None = None


@dataclass(frozen=True, slots=True)
class FeedGap:
    """Items the feed no longer keeps were skipped (the API answered 410).

    Attributes:
        after_id: The last id this consumer processed, when known.
        resumed_after_id: Items up to this id are gone; the walk resumes after it (when the API
            says).
    """

    after_id: int | None
    resumed_after_id: int | None


@dataclass(frozen=True, slots=True)
class Request:
    """The next feed request: an absolute `url` (the page's `next`), or `params` for the path."""

    url: str | None
    params: Mapping[str, str] | None


@dataclass(slots=True)
class Page:
    """One parsed page: its new items (oldest first), its position, and whether more is ready."""

    items: list[object]
    position: str
    has_more: bool
    last_id: int | None


@dataclass(frozen=True, slots=True)
class FeedPage(Generic[T]):
    """One page of a followed feed, as `follower.pages()` hands it out.

    Attributes:
        items: The page's items, oldest first (never empty).
        position: The page's position; it is checkpointed when you ask for the next page.
        has_more: More items were ready when the page was read (no poll wait before the next).
    """

    items: list[T]
    position: str
    has_more: bool


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do about a failed request.

    Attributes:
        action: `"retry"` (wait `delay`, send the same request), `"reenter"` (send the next
            request now; the walk already moved) or `"raise"`.
        delay: Seconds to wait before a retry.
        gap: Set when items were skipped (410); report it before going on.
        hint: For `"raise"`: what the caller can do, when the error's own hint says nothing.
    """

    action: Literal["retry", "reenter", "raise"]
    delay: float = 0.0
    gap: FeedGap | None = None
    hint: str | None = None


_NO_KNOWN_ITEM = (
    "The position does not fit this request and no processed item is known to re-enter after; "
    "pass since=<id> (or since=0) to choose where to start."
)


# -- input ------------------------------------------------------------------------------------


def _ids(name: str, values: Iterable[object] | None, *, allow_self: bool) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str | bytes):
        raise UsageError(f"{name} must be a list of ids, not a single string.")
    out: set[str] = set()
    for value in values:
        if allow_self and value == "self":
            out.add("self")
        elif isinstance(value, int) and not isinstance(value, bool) and value > 0:
            out.add(str(value))
        else:
            allowed = "positive integer ids or 'self'" if allow_self else "positive integer ids"
            raise UsageError(f"{name} takes {allowed}; got {value!r}.")
    return _bounded(name, out)


def _words(
    name: str, values: Iterable[object] | None, allowed: frozenset[str] | None = None
) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str | bytes):
        raise UsageError(f"{name} must be a list of strings, such as [{values!r}].")
    out: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip() or "," in value:
            raise UsageError(f"{name} takes non-empty strings without commas; got {value!r}.")
        if allowed is not None and value not in allowed:
            raise UsageError(f"{name} takes {sorted(allowed)}; got {value!r}.")
        out.add(value.strip())
    return _bounded(name, out)


def _bounded(name: str, values: set[str]) -> list[str]:
    if not values:
        raise UsageError(f"{name} must not be empty; leave it out to not filter on it.")
    if len(values) > MAX_IDS:
        raise UsageError(f"{name} takes at most {MAX_IDS} values; got {len(values)}.")
    # Sorted, so the same filter set always has one identity and one wire form.
    return sorted(values, key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v))


def _pack(filters: Mapping[str, list[str] | None]) -> dict[str, str]:
    return {key: ",".join(values) for key, values in filters.items() if values is not None}


def event_filters(
    *,
    types: Iterable[str] | None = None,
    buckets: Iterable[int] | None = None,
    creators: Iterable[int] | None = None,
    performers: Iterable[int | str] | None = None,
    exclude_performers: Iterable[int | str] | None = None,
    actor_types: Iterable[str] | None = None,
) -> dict[str, str]:
    """The event feed's filters, checked and in canonical wire form (sorted, comma-joined).

    Raises:
        UsageError: A filter is empty, has more than 100 values, or a value of the wrong kind.
    """
    return _pack(
        {
            "types": _words("types", types),
            "buckets": _ids("buckets", buckets, allow_self=False),
            "creators": _ids("creators", creators, allow_self=False),
            "performers": _ids("performers", performers, allow_self=True),
            "exclude_performers": _ids("exclude_performers", exclude_performers, allow_self=True),
            "actor_types": _words("actor_types", actor_types, ACTOR_TYPES),
        }
    )


def inbox_filters(
    *,
    reasons: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    buckets: Iterable[int] | None = None,
) -> dict[str, str]:
    """The inbox feed's filters, checked and in canonical wire form.

    Raises:
        UsageError: A filter is empty, has more than 100 values, or a value of the wrong kind.
    """
    return _pack(
        {
            "reasons": _words("reasons", reasons),
            "types": _words("types", types),
            "buckets": _ids("buckets", buckets, allow_self=False),
        }
    )


def parse_since(since: object) -> str | None:
    """`since` as sent: `None` (start at the present), an item id, `"0"` (replay) or `"now"`.

    Raises:
        UsageError: Anything else.
    """
    if since is None:
        return None
    if since == "now":
        return "now"
    if isinstance(since, int) and not isinstance(since, bool) and since >= 0:
        return str(since)
    if isinstance(since, str) and since.isdigit() and since.isascii():
        return str(int(since))
    raise UsageError(
        f"since takes an item id (an int >= 0; 0 replays what the feed keeps) or 'now'; "
        f"got {since!r}."
    )


def filter_identity(kind: FeedKind, account_id: str, filters: Mapping[str, str]) -> str:
    """A stable fingerprint of feed + account + filter set: half of a checkpoint's key.

    A consumer that changes its filters gets a new identity, so it never resumes from a position
    minted for the old ones.
    """
    canonical = json.dumps(
        {"feed": kind.name, "account": account_id, "filters": dict(sorted(filters.items()))},
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def jittered(seconds: float, jitter: float, random_value: float) -> float:
    """`seconds` spread by +/- `jitter` (a fraction), so many followers do not poll in step."""
    return max(0.0, seconds * (1.0 + jitter * (2.0 * random_value - 1.0)))


def check_timing(poll_interval: float, jitter: float) -> None:
    """Raises `UsageError` for a poll interval or jitter the follower cannot use."""
    if not isinstance(poll_interval, int | float) or not math.isfinite(poll_interval):
        raise UsageError(f"poll_interval must be a number of seconds; got {poll_interval!r}.")
    if poll_interval <= 0:
        raise UsageError(f"poll_interval must be > 0 seconds; got {poll_interval!r}.")
    if not isinstance(jitter, int | float) or not 0 <= jitter < 1:
        raise UsageError(f"jitter must be a fraction in [0, 1); got {jitter!r}.")


# -- the walk ---------------------------------------------------------------------------------


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


@dataclass(slots=True)
class FeedWalk:
    """Where a follower is in one feed, and every decision about where to go next.

    Args:
        kind: Which feed.
        base_url: The API origin; a `next` URL is followed only when it is on it.
        account_path: `/{account_id}`; a `next` URL must stay under it.
        filters: The filters in wire form (`event_filters` / `inbox_filters`).
        since: The entry point when there is no position (`parse_since`).
        position: A position to start from when there is no checkpoint.
        checkpoint: What the store held for this consumer; it wins over `since` and `position`.
        backoff_cap: The longest wait between failed polls, in seconds.
    """

    kind: FeedKind
    base_url: str
    account_path: str
    filters: Mapping[str, str]
    since: str | None = None
    position: str | None = None
    checkpoint: Checkpoint | None = None
    backoff_cap: float = 60.0
    last_id: int | None = field(default=None, init=False)
    next_url: str | None = field(default=None, init=False)
    pending: Checkpoint | None = field(default=None, init=False)
    failures: int = field(default=0, init=False)
    reentered: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.checkpoint is not None:
            self.position = self.checkpoint.position
            self.last_id = self.checkpoint.last_id

    # requests

    def request(self) -> Request:
        """The next request to send."""
        if self.next_url is not None:
            return Request(self.next_url, None)
        params = dict(self.filters)
        if self.position is not None:
            params["position"] = self.position
        elif self.since is not None:
            params["since"] = self.since
        return Request(None, params)

    def _follows(self, url: str) -> bool:
        if _origin(url) != _origin(self.base_url):
            return False
        return urlsplit(url).path.startswith(self.account_path + "/")

    # pages

    def on_page(self, data: object) -> Page:
        """Parse a page and move the walk past it (the checkpoint waits for `commit`).

        Items the consumer already had in this walk (an id at or below the last one) are dropped,
        so a re-entry never hands the same item out twice in one run.

        Raises:
            ApiError: The page is not the shape the feed promises.
        """
        if not isinstance(data, Mapping):
            raise ApiError(f"The {self.kind.name} feed answered with something other than a page.")
        raw_items = data.get(self.kind.items_key)
        position = data.get("position")
        next_url = data.get("next")
        if not isinstance(raw_items, list) or not isinstance(position, str) or not position:
            raise ApiError(
                f"The {self.kind.name} page lacks {self.kind.items_key!r} or 'position'."
            )
        key = self.kind.id_key
        try:
            ids = [item[key] for item in raw_items]
        except (TypeError, KeyError, IndexError):
            raise ApiError(f"A {self.kind.name} item lacks its {key!r}.") from None
        if not set(map(type, ids)) <= {int}:  # bools are not ids
            raise ApiError(f"A {self.kind.name} item's {key!r} is not an integer.")
        items: list[object] = raw_items
        floor = self.last_id
        if ids and floor is not None and ids[0] <= floor:
            # Already handed out in this walk (a re-entry overlapped): not again.
            kept = [n for n, item_id in enumerate(ids) if item_id > floor]
            items = [raw_items[n] for n in kept]
            ids = [ids[n] for n in kept]
        if not all(map(operator.lt, ids, ids[1:])):
            raise ApiError(f"The {self.kind.name} page is not in id order.")
        high = ids[-1] if ids else floor
        has_more = isinstance(next_url, str) and bool(next_url)
        follow = isinstance(next_url, str) and has_more and self._follows(next_url)
        self.failures = 0
        self.reentered = False
        self.position = position
        self.next_url = next_url if follow and isinstance(next_url, str) else None
        self.pending = Checkpoint(position, high)
        return Page(items, position, has_more, high)

    def commit(self) -> Checkpoint | None:
        """The caller processed the last page: the checkpoint to save, or `None` if unchanged."""
        pending, self.pending = self.pending, None
        if pending is None:
            return None
        self.last_id = pending.last_id
        if pending == self.checkpoint:
            return None
        self.checkpoint = pending
        return pending

    # errors

    def on_error(
        self, error: BasecampError, *, max_failures: int | None, poll: float, random_value: float
    ) -> Decision:
        """Decide what a failed request means for the walk (and move it when it re-enters).

        Args:
            error: What the request raised (after the client's own retries).
            max_failures: Consecutive failed polls to tolerate before giving up (`None`: never).
            poll: The poll interval; the first wait after a failure.
            random_value: A number in [0, 1) for the jitter.
        """
        status = error.http_status
        had_position = self.next_url is not None or self.position is not None
        if status == 410:
            resume = error.details.get("resume")
            after = error.details.get("epoch_after_id")
            gap = FeedGap(self.last_id, after if isinstance(after, int) else None)
            self.next_url = None
            if isinstance(resume, str) and resume:
                self.position = resume
            else:
                self.position, self.since = None, "0"  # the oldest kept item
            return Decision("reenter", gap=gap)
        if (status == 409 or (status == 400 and had_position and _about_position(error))) and (
            not self.reentered
        ):
            if self.last_id is not None:
                self.since = str(self.last_id)
            elif self.since is None:
                # Re-entering at the present could skip items: the caller must choose.
                return Decision("raise", hint=_NO_KNOWN_ITEM)
            self.position = self.next_url = None
            self.reentered = True
            return Decision("reenter")
        if error.retryable:
            self.failures += 1
            if max_failures is not None and self.failures > max_failures:
                return Decision("raise")
            wait = min(self.backoff_cap, poll * 2 ** (self.failures - 1))
            delay = error.retry_after if error.retry_after is not None else wait
            return Decision("retry", delay=jittered(delay, 0.1, random_value))
        return Decision("raise")


def _about_position(error: BasecampError) -> bool:
    reason = error.details.get("reason")
    return reason is None or (isinstance(reason, str) and "position" in reason.lower())
