"""The registry operations the fake does not serve yet: the one list of that gap.

These are the account's event feed and inbox (`PollEvents`, `PollInbox`). The fake has no
handler for them: whatever it answers is its generic record of the response model, with none of
the feeds' semantics (signed positions bound to the filters, `next` only while more exists, 409
and 410). So the per-operation suite (`test_testing_operations.py`) leaves them out, and
`test_the_cases_cover_every_operation` holds this list to the registry.

When the fake gains a handler for one of them, delete its id here: the suite then runs it.
"""

from __future__ import annotations

NOT_YET_SERVED_BY_THE_FAKE: frozenset[str] = frozenset(
    {
        # event_feed
        "PollEvents",
        # inbox
        "PollInbox",
    }
)
