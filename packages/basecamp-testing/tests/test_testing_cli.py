"""`python -m basecamp.testing serve`."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading

import httpx
import pytest

from basecamp.testing.__main__ import main


def test_serve_prints_its_url_first_and_answers() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "basecamp.testing", "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        token = process.stdout.readline().strip().removeprefix("token: ")
        account = process.stdout.readline().strip().removeprefix("account: ")
        assert url.startswith("http://127.0.0.1:")
        headers = {"Authorization": f"Bearer {token}"}
        response = httpx.get(f"{url}/{account}/projects.json", headers=headers, timeout=10)
        assert response.status_code == 200
        assert next(p["name"] for p in response.json()) == "Launch Plan"
        wrong = httpx.get(f"{url}/{account}/projects.json", headers={"Authorization": "Bearer no"})
        assert wrong.status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0


def test_main_in_process_stops_on_request(capsys: object) -> None:
    stop = threading.Event()
    stop.set()
    assert main(["serve", "--seed", "none", "--quiet", "--token", "t"], stop=stop) == 0


def test_non_loopback_hosts_are_refused() -> None:
    assert main(["serve", "--host", "0.0.0.0", "--quiet"]) == 2


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "basecamp.testing", "serve", "--quiet", *args],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_port_in_use_is_a_one_line_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run("--port", str(port))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("python -m basecamp.testing: error: cannot listen on 127.0.0.1")
    assert str(port) in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("size", ["0", "-3"])
def test_a_page_size_below_one_is_a_one_line_error(size: str) -> None:
    result = _run("--page-size", size, "--seed", "none")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"python -m basecamp.testing: error: --page-size must be at least 1, not {size}"
    )
    assert "Traceback" not in result.stderr


def test_an_out_of_range_port_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000", "--quiet", "--seed", "none"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("python -m basecamp.testing: error: cannot listen on")
