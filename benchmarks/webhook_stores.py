"""Scenario 9: webhook deliveries per second through each dedup store, ASGI on loopback.

Each store serves `receiver.asgi_app()` under uvicorn in its own process (`_webhook_server`):
the in-memory window (the default), `SQLiteStore` on a temporary file, `RedisStore` on a
throwaway `redis-server` (no persistence). The client sends signed deliveries of fresh event
ids (so every one claims and commits) one after the other over a keep-alive connection, in
blocks that alternate between the stores. Measured: deliveries per second; the ratio is the
time per delivery through a store over the time through the in-memory one.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

from ._common import ROOT, Context, Row, Stat, paired_ratio
from ._webhook_server import SECRET

TARGETS = {"sqlite": 2.0, "redis": 3.0}
_ids = itertools.count(1)


@contextlib.contextmanager
def _redis() -> Iterator[str | None]:
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def _start(kind: str, location: str = "") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks._webhook_server", kind, location],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


@contextlib.contextmanager
def _connected(process: subprocess.Popen[str]) -> Iterator[http.client.HTTPConnection]:
    try:
        assert process.stdout is not None
        port = json.loads(process.stdout.readline())["port"]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            yield conn
        finally:
            conn.close()
    finally:
        process.terminate()
        process.wait(10)


def _deliver(conn: http.client.HTTPConnection, count: int) -> float:
    """Seconds per delivery, over `count` fresh deliveries."""
    import hashlib
    import hmac

    bodies = []
    for _ in range(count):
        body = json.dumps({"id": next(_ids), "kind": "todo_created", "recording": {"id": 1}})
        raw = body.encode()
        signature = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        bodies.append(
            (raw, {"X-Basecamp-Signature": signature, "Content-Type": "application/json"})
        )
    started = time.perf_counter()
    for raw, headers in bodies:
        conn.request("POST", "/webhooks/basecamp", body=raw, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 204:
            raise RuntimeError(f"delivery answered {response.status}")
    return (time.perf_counter() - started) / count


def run(ctx: Context) -> None:
    blocks, per_block = (2, 20) if ctx.smoke else (12, 250)
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        redis_url = stack.enter_context(_redis())
        # Started together: each child's imports overlap with the others'.
        processes = {
            "memory": _start("memory"),
            "sqlite": _start("sqlite", os.path.join(tmp, "webhook-ids.sqlite3")),
        }
        if redis_url is not None:
            processes["redis"] = _start("redis", redis_url)
        servers = {kind: stack.enter_context(_connected(p)) for kind, p in processes.items()}
        for conn in servers.values():
            _deliver(conn, per_block // 2 or 1)  # warm-up: connections, caches, tables
        times: dict[str, list[float]] = {kind: [] for kind in servers}
        order = list(servers)
        for index in range(blocks):
            for kind in order if index % 2 == 0 else reversed(order):
                times[kind].append(_deliver(servers[kind], per_block))

    def rate(values: list[float]) -> Stat:
        return Stat.of([1 / v for v in values], "deliveries/s")

    for kind, target in TARGETS.items():
        case = f"{kind} store vs in-memory, time per delivery"
        if kind not in times:
            ctx.add(
                Row(
                    scenario=9,
                    case=case,
                    value=float("nan"),
                    target=target,
                    notes=["redis-server is not installed: not measured"],
                )
            )
            continue
        ratio, spread = paired_ratio(times[kind], times["memory"])
        ctx.add(
            Row(
                scenario=9,
                case=case,
                value=ratio,
                value_range=spread,
                target=target,
                sdk=rate(times[kind]),
                baseline=rate(times["memory"]),
                baseline_label="MemoryStore",
                notes=[f"{blocks} alternating blocks of {per_block} sequential keep-alive POSTs"],
            )
        )
