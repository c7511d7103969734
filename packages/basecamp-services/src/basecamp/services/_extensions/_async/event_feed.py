"""`account.event_feed.follow(...)`: walk the event feed for ever, checkpointing as you go.

`tools/unasync.py` generates the sync `EventFeedExtension` in `_sync/event_feed.py` from this
module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

from ..._base import AsyncService
from ..._feed._async.follower import AsyncFeedAccount, AsyncFeedFollower
from ..._feed._walk import EVENTS, FeedGap, event_filters, filter_identity, parse_since

if TYPE_CHECKING:
    from ..._feed._checkpoints import AsyncCheckpointStore, CheckpointStore
    from ..._generated.models import FeedEvent

__all__ = ["AsyncEventFeedExtension"]


class AsyncEventFeedExtension(AsyncService):
    """Adds `follow` to `AsyncEventFeed`."""

    __slots__ = ()

    def follow(
        self,
        *,
        consumer: str = "default",
        # unasync: remove-start
        store: CheckpointStore | AsyncCheckpointStore | None = None,
        # unasync: remove-end
        # unasync: sync store: CheckpointStore | None = None,
        since: int | str | None = None,
        position: str | None = None,
        types: Iterable[str] | None = None,
        buckets: Iterable[int] | None = None,
        creators: Iterable[int] | None = None,
        performers: Iterable[int | str] | None = None,
        exclude_performers: Iterable[int | str] | None = None,
        actor_types: Iterable[str] | None = None,
        poll_interval: float = 5.0,
        jitter: float = 0.1,
        on_gap: Callable[[FeedGap], object] | None = None,
        max_failed_polls: int | None = 10,
        stop_when_idle: bool = False,
    ) -> AsyncFeedFollower[FeedEvent]:
        """Follow the event feed: every event, oldest first, until stopped.

        Delivery is at least once. A page's position is saved in `store` only once you ask for
        what comes after that page (the next event, or with `.pages()` the next page), so a crash
        while you handle a page delivers the page again. Make the handler idempotent.

        Where it starts: the checkpoint `store` holds for `consumer` and these filters, if any;
        else `position`; else `since`; else the present (only new events).

        When caught up it waits `poll_interval` seconds (spread by `jitter`) and polls again, until
        `stop()` (or `break`, closing the iterator, cancelling the task). A position the feed no
        longer keeps (410) resumes at the oldest kept event and reports the skipped range to
        `on_gap`; a position the API rejects (400) or that belongs to other filters (409) is
        replaced by re-entering after the last processed event.

        Args:
            consumer: Names this reader in the store, such as `"search-indexer"`.
            store: Where checkpoints live: `FileCheckpointStore`, `SQLiteCheckpointStore`, your
                own `CheckpointStore`... Default: memory (lost when the process ends).
            since: Start after this event id (`0`: replay what the feed keeps; `"now"`: skip
                history). Used only when the store has no checkpoint.
            position: Start from a page's `position` (instead of `since`).
            types: Only these event types, such as `"todo.completed"`.
            buckets: Only events in these projects (at most 100 ids).
            creators: Only events on items made by these people (at most 100 ids).
            performers: Only events done by these people: ids or `"self"` (at most 100).
            exclude_performers: Leave out events done by these people: ids or `"self"`.
            actor_types: Only these kinds of actor: `"person"`, `"agent"`.
            poll_interval: Seconds between polls once caught up.
            jitter: Spread of each wait, as a fraction of it (0.1: +/- 10%).
            on_gap: Called with a `FeedGap` when events were skipped because the feed no longer
                kept them (default: a warning on the `basecamp.feed` logger).
            max_failed_polls: Polls in a row that may fail with a retryable error (after the
                client's own retries) before the error is raised; `None`: never give up.
            stop_when_idle: Stop once caught up instead of waiting for more (batch jobs, tests).

        Returns:
            The follower: iterate it (`async for event in follower`) for events, or `.pages()`
            for pages.

        Raises:
            basecamp.UsageError: A filter, `since`, `position` or timing is invalid.
        """
        filters = event_filters(
            types=types,
            buckets=buckets,
            creators=creators,
            performers=performers,
            exclude_performers=exclude_performers,
            actor_types=actor_types,
        )
        # The services are typed against the calls they make (`AccountCalls`); the follower uses
        # the account's public `get`, `account_id` and `client` (`AsyncFeedAccount`) as well.
        account = cast(AsyncFeedAccount, self._account)
        return AsyncFeedFollower(
            account,
            EVENTS,
            filters,
            filter_identity(EVENTS, account.account_id, filters),
            consumer=consumer,
            store=store,
            since=parse_since(since),
            position=position,
            poll_interval=poll_interval,
            jitter=jitter,
            on_gap=on_gap,
            max_failed_polls=max_failed_polls,
            stop_when_idle=stop_when_idle,
        )
