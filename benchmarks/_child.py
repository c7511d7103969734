"""Measurements that need a fresh interpreter: peak RSS growth of one case.

`python -m benchmarks._child list <case> <origin> <pages> <per_page>` and
`python -m benchmarks._child download <case> <origin> <size>` and
`python -m benchmarks._child feed sdk-follow <origin> <events>` print one JSON line with
`growth_kb`. The case runs once to warm up (imports, connection, allocator), then the peak RSS
is reset (`/proc/self/clear_refs`, Linux) and the case runs again; the growth is the new peak
minus the RSS before the second run. Where the peak cannot be reset, it falls back to the
difference of `VmHWM` (or `ru_maxrss`) before and after.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import tempfile
from collections.abc import Callable
from typing import Any

from ._common import ACCOUNT_ID, TOKEN, sdk_headers


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def _peak_kb() -> int:
    peak = _status_kb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(case: Callable[[], object], warmup: Callable[[], object]) -> dict[str, Any]:
    """Warm up with a small version of the work, then measure the peak RSS growth of `case`.

    The warm-up is small on purpose: after a full-size run the allocator would keep the freed
    memory and the measured run would reuse it, hiding the growth.
    """
    warmup()
    gc.collect()
    before = _status_kb("VmRSS")
    reset = before is not None and _reset_peak()
    baseline = before if reset and before is not None else _peak_kb()
    kept = case()
    peak = _peak_kb()
    del kept
    return {
        "growth_kb": max(peak - baseline, 0),
        "rss_before_kb": before,
        "peak_kb": peak,
        "method": "clear_refs+VmHWM" if reset else "peak delta",
    }


Case = tuple[Callable[[], object], Callable[[], object]]


def _list_case(case: str, origin: str, pages: int, per_page: int) -> Case:
    from basecamp import Client, Config

    client = Client(access_token=TOKEN, config=Config(base_url=origin))
    projects = client.for_account(ACCOUNT_ID).projects
    total = pages * per_page
    small = min(2, pages) * per_page
    if case == "sdk-lazy":

        def lazy() -> int:
            count = sum(1 for _ in projects.iter_list())
            assert count == total
            return count

        return lazy, lambda: sum(1 for _ in projects.iter_list(max_items=small))
    if case == "sdk-eager":

        def eager() -> object:
            items = projects.list()
            assert len(items) == total
            return items

        return eager, lambda: projects.list(max_items=small)
    if case == "items":
        # What the items alone need: the same page bodies decoded, with no HTTP at all.
        from .server import render_page

        bodies = [render_page(n, per_page, origin) for n in range(1, pages + 1)]

        def items_only() -> object:
            items: list[Any] = []
            for body in bodies:
                items.extend(json.loads(body))
            return items

        return items_only, lambda: [json.loads(body) for body in bodies[:2]]
    raise SystemExit(f"unknown list case {case!r}")


def _download_case(case: str, origin: str, size: int) -> Case:
    import httpx

    from basecamp import Client, Config

    client = Client(access_token=TOKEN, config=Config(base_url=origin))
    account = client.for_account(ACCOUNT_ID)
    http = httpx.Client(headers=sdk_headers())
    anonymous = httpx.Client()
    url = f"{origin}/{ACCOUNT_ID}/blobs/7/download/report.bin"
    folder = tempfile.mkdtemp(prefix="basecamp-bench-")
    target = os.path.join(folder, "report.bin")
    warm_url = f"{url}?size={256 * 1024}"

    if case == "sdk-stream":

        def sdk_stream() -> object:
            info = account.download_to(url, target)
            assert info.content_length == size
            return None

        return sdk_stream, lambda: account.download_to(warm_url, target)
    if case == "sdk-iter":

        def sdk_iter() -> object:
            assert sum(len(chunk) for chunk in account.iter_download(url)) == size
            return None

        return sdk_iter, lambda: sum(len(chunk) for chunk in account.iter_download(warm_url))
    if case == "raw-stream":

        def raw_stream(source: str = url) -> int:
            hop = http.get(source)
            assert hop.status_code == 302
            with anonymous.stream("GET", hop.headers["location"]) as response:
                response.raise_for_status()
                written = 0
                with open(target, "wb") as handle:
                    for chunk in response.iter_bytes():
                        handle.write(chunk)
                        written += len(chunk)
            return written

        return lambda: raw_stream() == size or sys.exit("short download"), lambda: raw_stream(
            warm_url
        )
    if case == "sdk-buffered":

        def sdk_buffered() -> object:
            result = account.download_url(url)
            assert result.content_length == size
            return result

        return sdk_buffered, lambda: account.download_url(warm_url)
    raise SystemExit(f"unknown download case {case!r}")


def _feed_case(case: str, origin: str, events: int) -> Case:
    from basecamp import Client, Config
    from basecamp.services import MemoryCheckpointStore

    client = Client(access_token=TOKEN, config=Config(base_url=origin))
    feed = client.for_account(ACCOUNT_ID).event_feed
    if case != "sdk-follow":
        raise SystemExit(f"unknown feed case {case!r}")

    def follow(since: int = 0) -> int:
        follower = feed.follow(since=since, store=MemoryCheckpointStore(), stop_when_idle=True)
        return sum(1 for _ in follower)

    def whole() -> int:
        count = follow()
        assert count == events, count
        return count

    # The warm-up reads the last two pages only (the walk, the store, the connection).
    return whole, lambda: follow(since=max(events - 200, 0))


def main(argv: list[str]) -> None:
    kind, case, origin = argv[0], argv[1], argv[2]
    if kind == "list":
        function, warmup = _list_case(case, origin, int(argv[3]), int(argv[4]))
    elif kind == "download":
        function, warmup = _download_case(case, origin, int(argv[3]))
    elif kind == "feed":
        function, warmup = _feed_case(case, origin, int(argv[3]))
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    print(json.dumps({"kind": kind, "case": case, **measure(function, warmup)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
