"""What the sync follower needs from threading: the twin of `_primitives_async`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeAlias

from ._checkpoints import CheckpointStore
from ._walk import Checkpoint, FeedGap

__all__ = ["AnyStore", "Stopper", "load", "notify", "save"]

AnyStore: TypeAlias = CheckpointStore


class Stopper:
    """A stop flag whose waits end early once it is set (from any thread or a signal handler)."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        """Ask the follower to stop."""
        self._event.set()

    def is_set(self) -> bool:
        """Whether a stop was asked for."""
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; `True` when woken early by `set`."""
        return self._event.wait(max(0.0, seconds))


def load(store: AnyStore, consumer: str, identity: str) -> Checkpoint | None:
    """`store.load`."""
    return store.load(consumer, identity)


def save(store: AnyStore, consumer: str, identity: str, checkpoint: Checkpoint) -> None:
    """`store.save`."""
    store.save(consumer, identity, checkpoint)


def notify(hook: Callable[[FeedGap], object], gap: FeedGap) -> None:
    """Call the gap hook."""
    hook(gap)
