"""Fixtures for the reliability suite. Helpers live in `reliability_kit.py`, loaded here by path
(the suite runs with `--import-mode=importlib`, so test modules cannot import each other)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def _load_kit() -> None:
    if "reliability_kit" in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        "reliability_kit", Path(__file__).with_name("reliability_kit.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["reliability_kit"] = module
    spec.loader.exec_module(module)


_load_kit()

from reliability_kit import HOSTILE_FIGURES, SOAK_FIGURES, RawServer  # noqa: E402


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    """Which client shell a test drives: the sync `Client` or the `AsyncClient`."""
    return str(request.param)


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    """A scripted raw-socket server on 127.0.0.1 (answers `{}` until scripted)."""
    server = RawServer()
    try:
        yield server
    finally:
        server.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Print the figures the soak tests recorded (calls, faults, retries, duplicates, time), and
    those of the hostile-server cases (the error, the time to it, the peak memory)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    write = reporter.write_line if reporter is not None else print
    for title, table in (
        ("reliability soak figures:", SOAK_FIGURES),
        ("hostile server figures:", HOSTILE_FIGURES),
    ):
        if not table:
            continue
        write("")
        write(title)
        for name, figures in table.items():
            shown = ", ".join(f"{key}={value}" for key, value in figures.items())
            write(f"  {name}: {shown}")
