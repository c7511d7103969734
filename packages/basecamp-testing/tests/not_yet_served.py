"""The registry operations the fake does not serve yet: the one list of that gap.

It is empty: the fake has a handler for every operation, the event feed and the inbox included
(`_feeds.py`). An operation listed here would be left out of the per-operation suite
(`test_testing_operations.py`), and `test_the_cases_cover_every_operation` holds this list to the
registry.

When an operation is added to the definition before the fake serves it, list its id here; delete
it once the fake gains its handler, and the suite runs it.
"""

from __future__ import annotations

NOT_YET_SERVED_BY_THE_FAKE: frozenset[str] = frozenset()
