"""The async feed follower: a thin shell over `_walk.FeedWalk` that sends, sleeps and saves.

`tools/unasync.py` generates the sync `FeedFollower` in `_sync/follower.py` from this module.
"""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator, Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from basecamp import BasecampError, UsageError

from .._checkpoints import MemoryCheckpointStore
from .._primitives_async import AnyStore, Stopper, load, notify, save
from .._walk import (
    Checkpoint,
    FeedGap,
    FeedKind,
    FeedPage,
    FeedWalk,
    Page,
    check_timing,
    jittered,
)

if TYPE_CHECKING:
    from basecamp import Config

__all__ = ["AsyncFeedAccount", "AsyncFeedFollower"]

T = TypeVar("T")
_log = logging.getLogger("basecamp.feed")


class _Configured(Protocol):
    @property
    def config(self) -> Config: ...


class AsyncFeedAccount(Protocol):
    """What a follower uses of its account: public members of `basecamp.AsyncAccountClient`."""

    @property
    def account_id(self) -> str: ...

    @property
    def client(self) -> _Configured: ...

    async def get(self, path: str, *, params: Mapping[str, object] | None = None) -> Any: ...


class AsyncFeedFollower(Generic[T]):
    """Follows a feed for ever (or until stopped), checkpointing each page once it is processed.

    Iterate it for items (`async for event in follower`) or for pages
    (`async for page in follower.pages()`). Delivery is at least once: a page's position is saved
    only when you ask for what comes after the page (the first item of the next page, or the next
    page), so a crash while handling a page delivers that page again on the next run. Make your
    handler idempotent (key it on the item's id).

    Made by `account.event_feed.follow(...)` and `account.inbox.follow(...)`.
    """

    def __init__(
        self,
        account: AsyncFeedAccount,
        kind: FeedKind,
        filters: Mapping[str, str],
        identity: str,
        *,
        consumer: str,
        store: AnyStore | None,
        since: str | None,
        position: str | None,
        poll_interval: float,
        jitter: float,
        on_gap: Callable[[FeedGap], object] | None,
        max_failed_polls: int | None,
        stop_when_idle: bool,
    ) -> None:
        if not isinstance(consumer, str) or not consumer.strip():
            raise UsageError("consumer must be a non-empty name, such as 'search-indexer'.")
        if since is not None and position is not None:
            raise UsageError("Pass since or position, not both.")
        if position is not None and (not isinstance(position, str) or not position):
            raise UsageError("position must be a non-empty string from a page's 'position'.")
        check_timing(poll_interval, jitter)
        if max_failed_polls is not None and (
            not isinstance(max_failed_polls, int) or max_failed_polls < 0
        ):
            raise UsageError("max_failed_polls must be an int >= 0, or None to never give up.")
        self._account = account
        self._kind = kind
        self._filters = dict(filters)
        self.consumer = consumer
        self.identity = identity
        self.store: AnyStore = MemoryCheckpointStore() if store is None else store
        self._since = since
        self._position = position
        self._poll = float(poll_interval)
        self._jitter = float(jitter)
        self._on_gap = on_gap
        self._max_failed_polls = max_failed_polls
        self._stop_when_idle = stop_when_idle
        self._stopper = Stopper()
        self._stopping = False  # mirrors the stopper, read once per item
        self._running = False
        self.checkpoint: Checkpoint | None = None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(feed={self._kind.name!r}, consumer={self.consumer!r}, "
            f"filters={self._filters!r})"
        )

    def stop(self) -> None:
        """Stop the running iteration at its next step: a poll wait ends now, and no further item
        is handed out.

        The current page is checkpointed only if you had already asked past its last item, so
        a stop in the middle of a page delivers the page again next time. Iterating again later
        starts afresh from the store. The sync follower takes it from any thread or a signal
        handler; the async one from its event loop (elsewhere: `loop.call_soon_threadsafe`).
        """
        self._stopping = True
        self._stopper.set()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    def pages(self) -> AsyncIterator[FeedPage[T]]:
        """Iterate page by page; a page is checkpointed when you ask for the next one."""
        return self._pages()

    async def _items(self) -> AsyncIterator[T]:
        walk = await self._begin()
        try:
            idle = False
            while (page := await self._next(walk, idle)) is not None:
                items = cast("list[T]", page.items)
                last = len(items) - 1
                for index, item in enumerate(items):
                    yield item
                    if self._stopping and index != last:
                        return
                await self._commit(walk)
                idle = not page.has_more
        finally:
            self._running = False

    async def _pages(self) -> AsyncIterator[FeedPage[T]]:
        walk = await self._begin()
        try:
            idle = False
            while (page := await self._next(walk, idle)) is not None:
                if page.items:
                    yield FeedPage(cast("list[T]", page.items), page.position, page.has_more)
                await self._commit(walk)
                idle = not page.has_more
        finally:
            self._running = False

    async def _begin(self) -> FeedWalk:
        if self._running:
            raise UsageError("This follower is already being iterated; make one per consumer.")
        self._running = True
        try:
            stored = await load(self.store, self.consumer, self.identity)
        except BaseException:
            self._running = False
            raise
        self.checkpoint = stored
        self._stopper = Stopper()
        self._stopping = False
        return FeedWalk(
            self._kind,
            self._account.client.config.base_url,
            f"/{self._account.account_id}",
            self._filters,
            since=self._since,
            position=self._position,
            checkpoint=stored,
        )

    async def _next(self, walk: FeedWalk, idle: bool) -> Page | None:
        """The next page, after the poll wait when caught up; `None` once stopped."""
        if self._stopper.is_set():
            return None
        if idle:
            if self._stop_when_idle:
                return None
            if await self._stopper.wait(jittered(self._poll, self._jitter, random.random())):  # noqa: S311
                return None
        while True:
            request = walk.request()
            try:
                if request.url is not None:
                    data = await self._account.get(request.url)
                else:
                    data = await self._account.get(self._kind.path, params=request.params)
            except BasecampError as error:
                decision = walk.on_error(
                    error,
                    max_failures=self._max_failed_polls,
                    poll=self._poll,
                    random_value=random.random(),  # noqa: S311 (jitter, not security)
                )
                if decision.action == "raise":
                    if decision.hint is not None and error.hint is None:
                        error.hint = decision.hint
                    raise
                if decision.gap is not None:
                    await self._report(decision.gap)
                if decision.action == "retry" and await self._stopper.wait(decision.delay):
                    return None
                continue
            return walk.on_page(data)

    async def _commit(self, walk: FeedWalk) -> None:
        checkpoint = walk.commit()
        if checkpoint is not None:
            await save(self.store, self.consumer, self.identity, checkpoint)
            self.checkpoint = checkpoint

    async def _report(self, gap: FeedGap) -> None:
        if self._on_gap is not None:
            await notify(self._on_gap, gap)
            return
        _log.warning(
            "The %s feed no longer keeps items after id %s up to id %s; consumer %r skipped them.",
            self._kind.name,
            gap.after_id,
            gap.resumed_after_id,
            self.consumer,
        )
