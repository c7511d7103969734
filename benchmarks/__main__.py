"""`python -m benchmarks [--smoke] [--only N ...] [--json PATH] [--readme] [--strict]`."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import sys
import time
from typing import Any

from ._common import ROOT, Context, Row
from .server import FakeServer

SCENARIOS: dict[int, tuple[str, str]] = {
    1: ("per_request", "Per-request overhead, sequential GETs and POSTs"),
    2: ("listing", "Listing pages of 15 items: lazy at 20 / 200 / 2,000 pages, eager at 200"),
    3: ("memory", "Memory of listing 20 / 200 / 2,000 pages (fresh process per case)"),
    4: ("concurrent_pages", "Async listing, 10 ms latency, 50 pages: concurrent fetch"),
    5: ("burst", "Burst of 500 gathered GETs on a fresh async client"),
    6: ("download", "Download 50 MB through two hops"),
    7: ("imports", "Cold import in a fresh interpreter"),
    8: ("webhooks", "Webhook signature verification, 2 KB payload"),
    9: ("webhook_stores", "Webhook deliveries through each dedup store, ASGI on loopback"),
    10: ("feed", "Following the event feed, 10,000 events"),
    11: ("cache", "HTTP caching: re-listing unchanged pages, and the memory bound"),
}
RESULTS = os.path.join(ROOT, "benchmarks", "results")
README = os.path.join(ROOT, "benchmarks", "README.md")
_START, _END = "<!-- results:start -->", "<!-- results:end -->"


def machine() -> dict[str, Any]:
    """The machine the numbers come from."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import httpx

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "httpx": httpx.__version__,
    }


def table(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    header = ["#", "case", "SDK", "baseline", "measured", "target", "result"]
    lines = [header]
    for row in rows:
        baseline = "-"
        if row.baseline is not None:
            baseline = f"{row.baseline.show()} ({row.baseline_label})"
        lines.append(
            [
                str(row.scenario),
                row.case,
                row.sdk.show() if row.sdk is not None else "-",
                baseline,
                row.value_text(),
                row.target_text(),
                row.verdict,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for index, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if index == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def notes(rows: list[Row]) -> str:
    """The rows' notes, as a Markdown list keyed by scenario and case."""
    return "\n".join(f"- [{row.scenario}] {row.case}: {note}" for row in rows for note in row.notes)


def _update_readme(markdown: str) -> None:
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    if _START not in text or _END not in text:
        raise SystemExit(f"{README} has no {_START} ... {_END} section")
    before, rest = text.split(_START, 1)
    after = rest.split(_END, 1)[1]
    with open(README, "w", encoding="utf-8") as handle:
        handle.write(f"{before}{_START}\n{markdown}\n{_END}{after}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--smoke", action="store_true", help="every scenario, tiny sizes, no speed asserts"
    )
    parser.add_argument(
        "--only", type=int, action="append", choices=sorted(SCENARIOS), help="run scenario N"
    )
    parser.add_argument(
        "--json",
        help="where to write the JSON results (default results/latest.json, or smoke.json)",
    )
    parser.add_argument(
        "--readme", action="store_true", help="also write the table into benchmarks/README.md"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.json is None:
        args.json = os.path.join(RESULTS, "smoke.json" if args.smoke else "latest.json")

    chosen = sorted(set(args.only)) if args.only else sorted(SCENARIOS)
    started = time.perf_counter()
    info = machine()
    mode = "smoke" if args.smoke else "full"
    print(
        f"basecamp-python benchmarks ({mode}): {info['nproc']} CPUs, {info['cpu']}, "
        f"Python {info['python']}, httpx {info['httpx']}",
        flush=True,
    )
    with FakeServer() as server:
        ctx = Context(server=server, smoke=args.smoke, log=lambda m: print(m, flush=True))
        for number in chosen:
            module_name, title = SCENARIOS[number]
            print(f"[{number}] {title}", flush=True)
            scenario_started = time.perf_counter()
            server.configure(pages=200, per_page=15, latency_ms=0, bandwidth_mbps=0)
            module = importlib.import_module(f".{module_name}", __package__)
            module.run(ctx)
            print(f"    ({time.perf_counter() - scenario_started:.1f} s)", flush=True)
    elapsed = time.perf_counter() - started

    markdown = table(ctx.rows)
    if any(row.notes for row in ctx.rows):
        markdown += "\n\nNotes:\n\n" + notes(ctx.rows)
    print()
    print(markdown)
    print()
    missed = [row for row in ctx.rows if row.passed is False]
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    summary = (
        f"{len(ctx.rows)} rows, {len(missed)} missed, {elapsed:.1f} s "
        f"({mode}, {today}, {info['nproc']} x {info['cpu']}, Python {info['python']})"
    )
    print(summary)
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": mode,
        "scenarios": chosen,
        "duration_s": round(elapsed, 2),
        "machine": info,
        "rows": [row.to_json() for row in ctx.rows],
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
        handle.write("\n")
    print(f"wrote {os.path.relpath(args.json)}")
    if args.readme:
        machine_line = (
            f"Machine: `nproc` = {info['nproc']}, {info['cpu']}, Python {info['python']} "
            f"({info['implementation']}), httpx {info['httpx']}, {info['platform']}. "
            f"Date: {today}. Whole run: {elapsed:.0f} s."
        )
        _update_readme(f"{machine_line}\n\n{markdown}")
        print(f"updated {os.path.relpath(README)}")
    if args.strict and missed and not args.smoke:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
