"""What the async follower needs from asyncio. `_primitives_sync` has the same names for threads.

`tools/unasync.py` rewrites imports of this module to `_primitives_sync` in the generated twin.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import TypeAlias

from ._checkpoints import AsyncCheckpointStore, CheckpointStore
from ._walk import Checkpoint, FeedGap

__all__ = ["AnyStore", "Stopper", "load", "notify", "save"]

AnyStore: TypeAlias = CheckpointStore | AsyncCheckpointStore


class Stopper:
    """A stop flag whose waits end early once it is set (from the follower's event loop)."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        """Ask the follower to stop."""
        self._event.set()

    def is_set(self) -> bool:
        """Whether a stop was asked for."""
        return self._event.is_set()

    async def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; `True` when woken early by `set`."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return self._event.is_set()
        try:
            async with asyncio.timeout(seconds):
                await self._event.wait()
        except TimeoutError:
            return False
        return True


async def load(store: AnyStore, consumer: str, identity: str) -> Checkpoint | None:
    """`store.load`, awaited when the store is async."""
    result = store.load(consumer, identity)
    if inspect.isawaitable(result):
        return await result
    return result


async def save(store: AnyStore, consumer: str, identity: str, checkpoint: Checkpoint) -> None:
    """`store.save`, awaited when the store is async."""
    result = store.save(consumer, identity, checkpoint)
    if inspect.isawaitable(result):
        await result


async def notify(hook: Callable[[FeedGap], object], gap: FeedGap) -> None:
    """Call the gap hook, awaiting it when it is a coroutine function."""
    result = hook(gap)
    if inspect.isawaitable(result):
        await result
