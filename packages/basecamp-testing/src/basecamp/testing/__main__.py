"""`python -m basecamp.testing serve`: run the fake Basecamp on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m basecamp.testing",
        description="An in-memory fake Basecamp API for tests and demos.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the fake on 127.0.0.1 until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    serve.add_argument(
        "--seed", default="demo", choices=("demo", "none"), help="initial data (default demo)"
    )
    serve.add_argument("--token", default=None, help="the one Bearer token accepted")
    serve.add_argument("--account-id", type=int, default=None, help="the account number")
    serve.add_argument("--page-size", type=int, default=15, help="items per page (default 15)")
    serve.add_argument("--webhook-secret", default=None, help="key of webhook signatures")
    serve.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    return parser


def _fail(message: str) -> int:
    print(f"python -m basecamp.testing: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None, *, stop: threading.Event | None = None) -> int:
    """Run the command line.

    The first line printed is the base URL, so scripts can read it even with `--port 0`.

    Args:
        argv: The arguments (default `sys.argv[1:]`).
        stop: Stops the server when set (for embedding); Ctrl-C always does.

    Returns:
        The exit status.
    """
    from ._fake import DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN, DEFAULT_WEBHOOK_SECRET, FakeBasecamp
    from ._server import FakeServer

    args = _parser().parse_args(argv)
    token = args.token or DEFAULT_TOKEN
    account_id = args.account_id or DEFAULT_ACCOUNT_ID
    secret = args.webhook_secret or DEFAULT_WEBHOOK_SECRET
    log = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    # Bad options and a port that cannot be bound are the user's to fix: one line, exit 2.
    if args.page_size < 1:
        return _fail(f"--page-size must be at least 1, not {args.page_size}")
    try:
        fake = FakeBasecamp(
            seed=None if args.seed == "none" else args.seed,
            account_id=account_id,
            tokens=[token],
            page_size=args.page_size,
            webhook_secret=secret,
        )
    except ValueError as exc:
        return _fail(str(exc))
    try:
        server = FakeServer(fake, host=args.host, port=args.port, log=log)
        server.start()
    except ValueError as exc:
        fake.close()
        return _fail(str(exc))
    except (OSError, OverflowError) as exc:
        fake.close()
        reason = getattr(exc, "strerror", None) or str(exc)
        return _fail(f"cannot listen on {args.host} port {args.port}: {reason}")
    with server:
        print(server.url, flush=True)
        print(f"token: {token}")
        print(f"account: {account_id}")
        print(f"webhook secret: {secret}")
        print(
            f"export BASECAMP_BASE_URL={server.url} BASECAMP_TOKEN={token} "
            f"BASECAMP_ACCOUNT_ID={account_id}",
            flush=True,
        )
        print("Serving until Ctrl-C.", file=sys.stderr, flush=True)
        waiter = stop or threading.Event()
        try:
            while not waiter.wait(0.5):
                pass
        except KeyboardInterrupt:
            print("Stopped.", file=sys.stderr)
    fake.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
