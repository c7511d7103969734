"""Scenario 8: verifying a webhook signature over a 2 KB payload.

SDK: `basecamp.webhooks.verify_signature(payload, secret, signature)`. Baseline: the bare
standard-library check a hand-written receiver does, `hmac.compare_digest(hmac.new(
secret.encode(), payload, hashlib.sha256).hexdigest(), signature)`. Both encode the `str`
secret on every call, like a receiver that keeps the secret as text. Blocks of calls alternate.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable

from ._common import Context, Row, Stat, paired_ratio

TARGET = 1.05


def _payload() -> bytes:
    event = {
        "id": 9007199254740993,
        "kind": "todo_created",
        "details": {},
        "created_at": "2024-06-01T17:45:12.345Z",
        "recording": {"id": 1, "title": "x" * 1500, "type": "Todo"},
        "creator": {"id": 2, "name": "Ada Lovelace", "email_address": "ada@example.com"},
    }
    body = json.dumps(event).encode()
    return body + b" " * max(0, 2048 - len(body))


def run(ctx: Context) -> None:
    from basecamp.webhooks import compute_signature, verify_signature

    payload = _payload()
    secret = "whsec-benchmark-secret"
    signature = compute_signature(payload, secret)
    expected = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    assert signature == expected

    def sdk() -> bool:
        return verify_signature(payload, secret, signature)

    def bare() -> bool:
        return hmac.compare_digest(
            hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest(), signature
        )

    assert sdk()
    assert bare()
    blocks, per_block = (4, 500) if ctx.smoke else (40, 5000)

    def block(function: Callable[[], bool]) -> float:
        started = time.perf_counter()
        for _ in range(per_block):
            function()
        return (time.perf_counter() - started) / per_block * 1e6

    block(sdk)
    block(bare)
    sdk_times: list[float] = []
    bare_times: list[float] = []
    for index in range(blocks):
        if index % 2 == 0:
            sdk_times.append(block(sdk))
            bare_times.append(block(bare))
        else:
            bare_times.append(block(bare))
            sdk_times.append(block(sdk))
    ratio, spread = paired_ratio(sdk_times, bare_times)
    ctx.add(
        Row(
            scenario=8,
            case="verify_signature, 2 KB payload (per call)",
            value=ratio,
            value_range=spread,
            target=TARGET,
            sdk=Stat.of(sdk_times, "us"),
            baseline=Stat.of(bare_times, "us"),
            baseline_label="hmac.new + compare_digest",
        )
    )
