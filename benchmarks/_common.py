"""Shared pieces: measurements, result rows, the run context and the clients under test."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from basecamp import AsyncClient, Client

    from .server import FakeServer

ACCOUNT_ID = 999
TOKEN = "bench-token"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sdk_headers() -> dict[str, str]:
    """The exact headers the SDK sends, so the hand-written baseline sends the same."""
    from basecamp._async.client import DEFAULT_USER_AGENT

    return {
        "User-Agent": DEFAULT_USER_AGENT,
        "Accept": "application/json",
        "Authorization": f"Bearer {TOKEN}",
    }


@dataclass(frozen=True)
class Stat:
    """A median with the min and max over repetitions, in `unit`."""

    median: float
    low: float
    high: float
    unit: str
    count: int

    @classmethod
    def of(cls, values: Sequence[float], unit: str) -> Stat:
        if not values:
            raise ValueError("no values")
        return cls(statistics.median(values), min(values), max(values), unit, len(values))

    def show(self) -> str:
        return f"{_num(self.median)} {self.unit} [{_num(self.low)}-{_num(self.high)}]"


def _num(value: float) -> str:
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


@dataclass
class Row:
    """One line of the results table.

    `value` is what the target judges: a ratio SDK/baseline (`unit` "x") or an absolute amount
    (e.g. "MB"). `higher_is_better` flips the comparison (throughput).
    """

    scenario: int
    case: str
    value: float
    target: float | None
    unit: str = "x"
    sdk: Stat | None = None
    baseline: Stat | None = None
    baseline_label: str = "raw httpx"
    value_range: tuple[float, float] | None = None
    higher_is_better: bool = False
    notes: list[str] = field(default_factory=list)
    judged: bool = True  # False in --smoke runs: sizes too small to mean anything

    @property
    def passed(self) -> bool | None:
        if self.target is None or not self.judged:
            return None
        if self.higher_is_better:
            return self.value >= self.target
        return self.value <= self.target

    @property
    def verdict(self) -> str:
        if not self.judged:
            return "smoke"
        passed = self.passed
        return "info" if passed is None else ("PASS" if passed else "MISS")

    def target_text(self) -> str:
        if self.target is None:
            return "-"
        sign = ">=" if self.higher_is_better else "<="
        if self.unit == "modules":
            return f"< {self.target + 1:g} modules"
        return f"{sign} {self.target:g}{self.unit_sep}{self.unit}"

    @property
    def unit_sep(self) -> str:
        return "" if self.unit == "x" else " "

    def value_text(self) -> str:
        shown = f"{self.value:.0f}" if self.unit == "modules" else f"{self.value:.2f}"
        text = f"{shown}{self.unit_sep}{self.unit}"
        if self.value_range is not None:
            low, high = self.value_range
            text += f" [{low:.2f}-{high:.2f}]"
        return text

    def to_json(self) -> dict[str, Any]:
        def stat(s: Stat | None) -> dict[str, Any] | None:
            if s is None:
                return None
            return {
                "median": s.median,
                "min": s.low,
                "max": s.high,
                "unit": s.unit,
                "n": s.count,
            }

        return {
            "scenario": self.scenario,
            "case": self.case,
            "sdk": stat(self.sdk),
            "baseline": stat(self.baseline),
            "baseline_label": self.baseline_label,
            "value": self.value,
            "unit": self.unit,
            "value_range": list(self.value_range) if self.value_range else None,
            "target": self.target,
            "higher_is_better": self.higher_is_better,
            "verdict": self.verdict,
            "notes": self.notes,
        }


@dataclass
class Context:
    """What every scenario gets: the server, the mode, and where to put rows."""

    server: FakeServer
    smoke: bool
    rows: list[Row] = field(default_factory=list)
    log: Callable[[str], None] = print

    @property
    def origin(self) -> str:
        return self.server.origin

    @property
    def account_url(self) -> str:
        return f"{self.server.origin}/{ACCOUNT_ID}"

    def add(self, row: Row) -> None:
        row.judged = not self.smoke
        self.rows.append(row)
        self.log(
            f"  [{row.scenario}] {row.case}: {row.value_text()} "
            f"(target {row.target_text()}) {row.verdict}"
        )

    def sync_client(self, **config: Any) -> Client:
        """A fresh SDK `Client` on the fake server (close it when done)."""
        from basecamp import Client, Config

        return Client(access_token=TOKEN, config=Config(base_url=self.origin, **config))

    def async_client(self, **config: Any) -> AsyncClient:
        """A fresh SDK `AsyncClient` on the fake server (close it when done)."""
        from basecamp import AsyncClient, Config

        return AsyncClient(access_token=TOKEN, config=Config(base_url=self.origin, **config))


def paired_ratio(sdk: Sequence[float], raw: Sequence[float]) -> tuple[float, tuple[float, float]]:
    """Ratio of medians, with the min and max of the per-pair ratios."""
    pairs = [a / b for a, b in zip(sdk, raw, strict=True) if b > 0]
    return statistics.median(sdk) / statistics.median(raw), (min(pairs), max(pairs))


def run_child(args: list[str], *, timeout: float = 120) -> dict[str, Any]:
    """Run `python -m benchmarks._child ARGS` in a fresh interpreter; return its JSON line."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks._child", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"benchmark child {args} failed ({completed.returncode}):\n{completed.stderr}"
        )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def timed(function: Callable[[], object]) -> float:
    """Seconds one call of `function` takes."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started
