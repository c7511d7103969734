"""Scenario 3: peak RSS growth of listing 20, 200 and 2,000 pages, each in a fresh process.

Cases (sync client, 15 items a page, run by `benchmarks._child`):

- `sdk-lazy`: `sum(1 for _ in account.projects.iter_list())`. Target: flat, at most 3 MB.
- `sdk-eager`: `account.projects.list()`, kept alive until the peak is read.
- `items`: the same page bodies decoded with `json.loads` and kept, with no HTTP at all: what
  the items themselves need. The eager form should hold about that (target: at most 1.2x).
"""

from __future__ import annotations

from ._common import Context, Row, Stat, run_child

LAZY_TARGET_MB = 3.0
EAGER_TARGET = 1.2
PER_PAGE = 15


def _growth(ctx: Context, case: str, pages: int, reps: int) -> list[float]:
    values = []
    for _ in range(reps):
        result = run_child(["list", case, ctx.origin, str(pages), str(PER_PAGE)])
        values.append(result["growth_kb"] / 1024)
    return values


def run(ctx: Context) -> None:
    sizes = (2, 5) if ctx.smoke else (20, 200, 2000)
    reps = 1 if ctx.smoke else 2
    for pages in sizes:
        ctx.server.configure(pages=pages, per_page=PER_PAGE)
        lazy = _growth(ctx, "sdk-lazy", pages, reps)
        eager = _growth(ctx, "sdk-eager", pages, 1)
        items = _growth(ctx, "items", pages, 1)
        lazy_stat = Stat.of(lazy, "MB")
        ctx.add(
            Row(
                scenario=3,
                case=f"lazy iter_list(), {pages} pages: peak RSS growth",
                value=lazy_stat.high,
                unit="MB",
                target=LAZY_TARGET_MB,
                sdk=lazy_stat,
                notes=["value is the worst repetition"],
            )
        )
        eager_stat = Stat.of(eager, "MB")
        items_stat = Stat.of(items, "MB")
        ctx.add(
            Row(
                scenario=3,
                case=f"eager list(), {pages} pages: growth vs items alone",
                value=eager_stat.median / max(items_stat.median, 0.25),
                # Below a few MB the allocator's free space left by start-up absorbs the items,
                # so the ratio says nothing there.
                target=EAGER_TARGET if items_stat.median >= 5 else None,
                sdk=eager_stat,
                baseline=items_stat,
                baseline_label="json.loads only",
                notes=["ratio judged only when the items alone need at least 5 MB"],
            )
        )
