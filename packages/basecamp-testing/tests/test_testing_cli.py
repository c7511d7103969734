"""`python -m basecamp.testing serve`."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

import httpx

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
