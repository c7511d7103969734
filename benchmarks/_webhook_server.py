"""A webhook receiver's ASGI app under uvicorn, for scenario 9 (`benchmarks/webhook_stores.py`).

Usage: `python -m benchmarks._webhook_server STORE [LOCATION]` with STORE one of `memory`,
`sqlite` (LOCATION: the database file) or `redis` (LOCATION: the URL). Prints `{"port": N}` on
one line once it listens on 127.0.0.1, then serves until terminated.
"""

from __future__ import annotations

import json
import socket
import sys

SECRET = "whsec-benchmark-secret"


def main() -> None:
    import uvicorn

    from basecamp.webhooks import DedupStore, MemoryStore, RedisStore, SQLiteStore, WebhookReceiver

    kind = sys.argv[1]
    location = sys.argv[2] if len(sys.argv) > 2 else ""
    store: DedupStore
    if kind == "memory":
        store = MemoryStore(1_000_000)
    elif kind == "sqlite":
        store = SQLiteStore(location)
    elif kind == "redis":
        store = RedisStore(location)
    else:
        raise SystemExit(f"unknown store {kind!r}")
    receiver = WebhookReceiver(secret=SECRET, dedup_store=store).on_any(lambda event: None)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)  # connections wait in the backlog until uvicorn accepts them
    config = uvicorn.Config(
        receiver.asgi_app(), log_level="critical", access_log=False, lifespan="off"
    )
    print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
