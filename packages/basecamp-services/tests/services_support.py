"""Shared helpers for the basecamp-services tests (a uniquely named module, not a conftest)."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

TESTS = Path(__file__).resolve().parent
BASE_URL = "https://3.basecampapi.com"


def load_cases() -> ModuleType:
    """The generated per-operation test data (tests/_generated/cases.py), loaded by path."""
    name = "_basecamp_services_test_cases"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, TESTS / "_generated" / "cases.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Recorder:
    """A respx side effect that records requests and answers from a queue of responses."""

    def __init__(self, respond: Callable[[httpx.Request, int], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self._respond = respond

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._respond(request, len(self.requests))


def body_json(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


def put_at_source(record: dict[str, Any], source: str, value: Any) -> None:
    """Store `value` in `record` where a replace field's `source` reads it (the inverse lookup).

    `"a.b"` nests objects; `"a[].b"` makes `a` a list with one item per element of `value`.
    """
    head, _, rest = source.partition(".")
    if not rest:
        record[head.removesuffix("[]")] = value
    elif head.endswith("[]"):
        items: list[dict[str, Any]] = []
        for item_value in value:
            item: dict[str, Any] = {}
            put_at_source(item, rest, item_value)
            items.append(item)
        record[head[:-2]] = items
    else:
        put_at_source(record.setdefault(head, {}), rest, value)


def replace_record(case: dict[str, Any]) -> dict[str, Any]:
    """A record from a replace case's read operation, each sourced field at its sample value."""
    record: dict[str, Any] = {"id": 1}
    for field in case["fields"]:
        if field["source"]:
            put_at_source(record, field["source"], field["sample"])
    return record
