"""One worker process of the multi-process dedup tests (run by `test_webhooks_stores.py`).

Usage: `python _dedup_worker.py KIND LOCATION OUT_DIR COUNT FAIL_ID`. Waits for `OUT_DIR/go`,
then delivers ids `0..COUNT-1` to a receiver over the shared store. The handler appends one
line per run to `OUT_DIR/log`; the first run of `FAIL_ID` (across every process) raises.
"""

from __future__ import annotations

import json
import os
import sys
import time

from basecamp.webhooks import RedisStore, SQLiteStore, WebhookEvent, WebhookReceiver


def main() -> None:
    kind, location, out, count, fail_id = sys.argv[1:6]
    store = SQLiteStore(location) if kind == "sqlite" else RedisStore(location)
    receiver = WebhookReceiver(secret=None, insecure_skip_verification=True, dedup_store=store)
    log = os.path.join(out, "log")

    def record(what: str, event_id: object) -> None:
        # O_APPEND writes of one short line are atomic between processes.
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{what} {event_id} {os.getpid()}\n")

    def handler(event: WebhookEvent) -> None:
        if event.id == int(fail_id):
            try:
                fd = os.open(os.path.join(out, "failed-once"), os.O_CREAT | os.O_EXCL)
            except FileExistsError:
                pass
            else:
                os.close(fd)
                record("failed", event.id)
                raise RuntimeError("the first attempt fails")
        time.sleep(0.001)  # widen the window in which a concurrent claim would slip through
        record("processed", event.id)

    receiver.on_any(handler)
    open(os.path.join(out, f"ready-{os.getpid()}"), "w").close()
    while not os.path.exists(os.path.join(out, "go")):
        time.sleep(0.001)
    outcomes: dict[str, int] = {"handled": 0, "duplicate": 0, "failed": 0}
    for event_id in range(int(count)):
        body = json.dumps({"id": event_id, "kind": "todo_created"}).encode()
        try:
            result = receiver.handle_request(body, {})
        except RuntimeError:
            outcomes["failed"] += 1
        else:
            outcomes["handled" if result.handled else "duplicate"] += 1
    print(json.dumps(outcomes))


if __name__ == "__main__":
    main()
