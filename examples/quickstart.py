"""Quick start: the Basecamp Python SDK in a dozen calls.

Reads `BASECAMP_BASE_URL` (optional), `BASECAMP_TOKEN` and `BASECAMP_ACCOUNT_ID` from the
environment, then lists projects, walks a paginated list, creates and completes a to-do, catches
a `NotFoundError`, downloads a file and checks its bytes, and receives the webhook for the
completed to-do.

Run it against the embedded fake with `make demo` (or `python examples/demo.py`). With real
credentials it runs against Basecamp itself; it then skips the loopback webhook, which Basecamp
cannot reach, and says so. It creates one to-do and trashes it again at the end.

Against a loopback server (the fake) with `BASECAMP_WEBHOOK_SECRET` set, it subscribes a webhook
and expects the `todo_completed` delivery: if none arrives, or its signature does not verify, it
says why on stderr and exits 1. Exit 0 means every step that ran succeeded.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from basecamp import AccountClient, BasecampError, Client, Config, NotFoundError
from basecamp.webhooks import WebhookEvent, WebhookReceiver

WEBHOOK_WAIT_SECONDS = 5.0


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the output to the quick start's own lines."""


@contextmanager
def _serve_receiver(
    receiver: WebhookReceiver, rejected: list[str], done: threading.Event
) -> Iterator[str]:
    """Serve `receiver.wsgi_app()` on 127.0.0.1 in a thread; yield its URL."""
    app = _watch(receiver.wsgi_app(), rejected, done)
    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/basecamp/webhooks"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _tool(project: Mapping[str, Any], name: str) -> int | None:
    """The id of a project's dock tool (`todoset`, `vault`, ...), if it is enabled."""
    for tool in project.get("dock", []):
        if tool.get("name") == name and tool.get("enabled"):
            return int(tool["id"])
    return None


def _watch(app: Any, rejected: list[str], done: threading.Event) -> Any:
    """Wrap a WSGI app to notice the deliveries it refuses (a wrong secret answers 401)."""

    def watched(environ: dict[str, Any], start_response: Any) -> Any:
        def observe(status: str, headers: Any, exc_info: Any = None) -> Any:
            if not status.startswith("2"):
                rejected.append(status)
                done.set()
            return start_response(status, headers, exc_info)

        return app(environ, observe)

    return watched


def _todos_and_webhook(
    account: AccountClient, project: Mapping[str, Any], env: Mapping[str, str], loopback: bool
) -> str | None:
    """The to-do and webhook steps; returns why they failed, or `None`."""
    todoset_id = _tool(project, "todoset")
    if todoset_id is None:
        print(f"- {project['name']} has no to-dos tool: skipping the to-do steps.")
        return None
    todolists = account.todolists.list(todoset_id=todoset_id)
    if not todolists:
        print(f"- {project['name']} has no to-do lists: skipping the to-do steps.")
        return None
    todolist = todolists[0]

    # Pagination: `list` follows `Link: rel="next"` for you; `.meta` says what it saw.
    todos = account.todos.list(todolist_id=todolist["id"])
    print(
        f"- Listed {len(todos)} to-dos in {todolist['name']!r} across {todos.meta.pages} page(s) "
        f"(X-Total-Count: {todos.meta.total_count})."
    )
    first = account.todos.list(todolist_id=todolist["id"], max_items=3)
    print(f"- With max_items=3: {len(first)} to-dos, truncated={first.meta.truncated}.")

    # The webhook step needs a receiver Basecamp can reach (loopback: the fake) and the secret.
    secret = env.get("BASECAMP_WEBHOOK_SECRET", "")
    received: list[WebhookEvent] = []
    rejected: list[str] = []
    arrived = threading.Event()
    receiver: WebhookReceiver | None = None
    if loopback and secret:
        receiver = WebhookReceiver(secret=secret)

        def on_completed(event: WebhookEvent) -> None:
            received.append(event)
            arrived.set()

        receiver.on("todo_completed", on_completed)

    failure = None
    with _serve_receiver(receiver, rejected, arrived) if receiver else _no_receiver() as url:
        webhook_id = None
        if url:
            webhook = account.webhooks.create(
                project_id=project["id"], payload_url=url, types=["Todo"]
            )
            webhook_id = webhook["id"]
            print(f"- Subscribed webhook #{webhook_id} to to-do events at {url}.")

        todo = account.todos.create(
            todolist_id=todolist["id"], content="Try the Basecamp Python SDK"
        )
        account.todos.complete(todo_id=todo["id"])
        completed = account.todos.get(todo_id=todo["id"])["completed"]
        print(f"- Created to-do #{todo['id']} and completed it (completed={completed}).")

        if url:
            # A subscribed webhook is expected: a missing or unverified delivery is a failure.
            arrived.wait(WEBHOOK_WAIT_SECONDS)
            if received:
                event = received[0]
                print(
                    f"- Webhook received: {event.kind} for to-do #{event.recording_id} "
                    "(signature verified by WebhookReceiver)."
                )
            elif rejected:
                failure = (
                    f"the webhook receiver rejected a delivery ({rejected[0]}): its signature "
                    "does not verify with BASECAMP_WEBHOOK_SECRET"
                )
            else:
                failure = f"no todo_completed webhook arrived within {WEBHOOK_WAIT_SECONDS:g} s"
            if webhook_id is not None:
                account.webhooks.delete(webhook_id=webhook_id)
        elif loopback:
            print("- Skipped the webhook step: set BASECAMP_WEBHOOK_SECRET to verify deliveries.")
        else:
            print(
                "- Skipped the webhook step: Basecamp cannot reach a receiver on this machine's "
                "loopback address."
            )
        account.recordings.trash(recording_id=todo["id"])
    return failure


@contextmanager
def _no_receiver() -> Iterator[str | None]:
    yield None


def _download(account: AccountClient, project: Mapping[str, Any], env: Mapping[str, str]) -> bool:
    vault_id = _tool(project, "vault")
    uploads = account.uploads.list(vault_id=vault_id) if vault_id else []
    if not uploads:
        print(f"- {project['name']} has no uploads: skipping the download.")
        return True
    upload = uploads[0]
    # Two hops: the API answers a redirect; the file comes from storage without credentials.
    result = account.uploads.download(upload_id=upload["id"])
    digest = hashlib.sha256(result.body).hexdigest()
    size_ok = result.content_length == upload.get("byte_size", result.content_length)
    expected = env.get("BASECAMP_EXPECT_SHA256")
    checks = f"size {'matches' if size_ok else 'DIFFERS from'} byte_size"
    if expected:
        checks += ", sha256 " + ("matches" if digest == expected else "DIFFERS")
    print(f"- Downloaded {result.filename!r}: {result.content_length} bytes, {checks}.")
    return size_ok and (not expected or digest == expected)


def main(env: Mapping[str, str] | None = None) -> int:
    """Run the quick start; return the exit status."""
    env = os.environ if env is None else env
    token = env.get("BASECAMP_TOKEN", "")
    account_id = env.get("BASECAMP_ACCOUNT_ID", "")
    if not token or not account_id:
        print("Set BASECAMP_TOKEN and BASECAMP_ACCOUNT_ID (or run examples/demo.py).")
        return 1
    config = Config.from_env(env)
    host = (urlsplit(config.base_url).hostname or "").lower()
    loopback = host in ("127.0.0.1", "localhost", "::1")

    try:
        with Client(access_token=token, config=config) as client:
            account = client.for_account(account_id)
            projects = account.projects.list()
            names = ", ".join(project["name"] for project in projects[:5])
            print(f"- {len(projects)} projects on account {account_id}: {names}.")
            if not projects:
                return 0
            project = projects[0]
            failure = _todos_and_webhook(account, project, env, loopback)
            if failure:
                print(f"Failed: {failure}.", file=sys.stderr)
                return 1

            try:
                account.todos.get(todo_id=1)
            except NotFoundError as exc:
                print(f"- Looking up to-do #1 raised NotFoundError (HTTP {exc.http_status}).")

            if not _download(account, project, env):
                return 1
    except BasecampError as exc:
        print(f"Failed: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    print("Quick start finished.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
