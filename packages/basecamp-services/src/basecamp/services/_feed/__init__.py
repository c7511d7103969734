"""Following the position-resumed feeds (`account.event_feed.follow`, `account.inbox.follow`).

`_walk` is the sans-I/O core (filters, entry, page parsing, error decisions, checkpoint
decisions); `_checkpoints` holds the stores; `_async/follower.py` is the async shell and
`_sync/follower.py` its generated twin (`tools/unasync.py`).
"""
