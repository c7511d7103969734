"""The request pipeline behind `FakeBasecamp.handle()`: one HTTP request in, one answer out.

In order: injected faults, then the signed storage hop (no token), Bearer auth, the account
prefix, the download hop, routing to an operation, the request checks in the API's order
(malformed JSON 400, unknown path ids 404, blank required fields 422, or the bare 400
of the webhook endpoints), the area's handler
under the store's lock, the placeholder origin rewritten to the request's own, and, for a
successful GET, validators (`ETag`, `Last-Modified`) or a `304` (`_validators`). Every
request is recorded. No I/O: the adapters put the answer on a wire.
"""

from __future__ import annotations

import contextlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from basecamp import Operation

from ._faults import FaultDecision, Faults
from ._handlers.base import Registry, Request
from ._http import FakeResponse, HttpError, RecordedRequest, json_response, not_found
from ._models import ORIGIN
from ._routes import Router
from ._store import Store
from ._validators import Validators
from ._webhooks import sign

__all__ = ["App"]

_STORAGE_PREFIX = "/_storage/"
_SIGNED_URL_SECONDS = 300

# Required body fields whose empty string is a value, not a blank: (operation id, wire name).
# Every other required field answers 422 "can't be blank" when missing, null, or a string that
# is empty or only whitespace (Rails' `presence`). From the API definition (`spec/services/`) and
# the reference: a card step's `completion` is "on" (done) or "" (not done).
_BLANK_ALLOWED: frozenset[tuple[str, str]] = frozenset({("SetCardStepCompletion", "completion")})


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _fault_response(decision: FaultDecision) -> FakeResponse:
    if decision.reset:
        return FakeResponse(0, reset=True)
    status = decision.status or 503
    extra: list[tuple[str, str]] = []
    if decision.retry_after is not None:
        extra.append(("Retry-After", str(max(0, round(decision.retry_after)))))
    message = "Too many requests" if status == 429 else "Injected fault"
    return json_response(status, {"status": status, "error": message}, extra)


class App:
    """The fake's HTTP core over a `Store`.

    Args:
        store: The state.
        registry: The resource areas, merged.
        faults: The fault-injection controls.
        tokens: The Bearer tokens accepted; `None` accepts any non-empty token.

    Attributes:
        requests: Every request answered, in order.
    """

    def __init__(
        self,
        store: Store,
        registry: Registry,
        faults: Faults,
        tokens: frozenset[str] | None,
    ) -> None:
        self.store = store
        self.registry = registry
        self.faults = faults
        self.tokens = tokens
        self.requests: list[RecordedRequest] = []
        self._router = Router(store.operations)
        self._request_ids = itertools.count(1)
        self._requests_lock = threading.Lock()
        self._validators = Validators()

    def handle(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> FakeResponse:
        """Answer one request (see `FakeBasecamp.handle`)."""
        method = method.upper()
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        path = unquote(parts.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        lowered = {k.lower(): v for k, v in pairs}
        matched = self._router.match(method, path)
        op = matched[0] if matched else None
        decision = self.faults.decide(method, path, op.operation_id if op else None)
        if decision.short_circuits:
            response = _fault_response(decision)
        else:
            self.store.origin = origin
            response = self._respond(method, path, query, lowered, body, origin, matched)
            if response.body and ORIGIN.encode() in response.body:
                response.body = response.body.replace(ORIGIN.encode(), origin.encode())
            if method == "GET" and response.status == 200 and matched is not None:
                response = self._validators.apply(url.partition("#")[0], lowered, response)
            if decision.reset:
                response.reset = True
        response.delay = decision.delay
        response.headers.append(("X-Request-Id", f"fake-{next(self._request_ids):08d}"))
        self._record(method, path, query, lowered, body, op, response)
        return response

    def _record(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: dict[str, str],
        body: bytes,
        op: Operation | None,
        response: FakeResponse,
    ) -> None:
        shown = dict(headers)
        if "authorization" in shown:
            shown["authorization"] = "<redacted>"
        decoded: object = None
        if body and "json" in headers.get("content-type", ""):
            with contextlib.suppress(ValueError):
                decoded = json.loads(body)
        recorded = RecordedRequest(
            method,
            path,
            tuple(query),
            shown,
            decoded,
            body,
            op.operation_id if op else None,
            response.status,
        )
        with self._requests_lock:
            self.requests.append(recorded)

    def _authorized(self, headers: dict[str, str]) -> bool:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        token = token.strip()
        return (
            scheme.lower() == "bearer"
            and bool(token)
            and (self.tokens is None or token in self.tokens)
        )

    def _respond(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: dict[str, str],
        body: bytes,
        origin: str,
        matched: tuple[Operation, dict[str, str]] | None,
    ) -> FakeResponse:
        if path.startswith(_STORAGE_PREFIX):
            # Hop 2 of a download: authorised by the signature in the URL, not by a token.
            return self._storage(method, path, query, headers)
        if not self._authorized(headers):
            return json_response(
                401,
                {"error": "You must be signed in to do that (a valid OAuth Bearer token)."},
                [("WWW-Authenticate", 'Bearer realm="Basecamp"')],
            )
        prefix = f"/{self.store.account_id}/"
        if not path.startswith(prefix):
            return json_response(404, {"status": 404, "error": "Not Found"})
        if method == "GET" and path.startswith(f"{prefix}blobs/"):
            return self._download(path, origin)
        if matched is None:
            return json_response(404, {"status": 404, "error": "Not Found"})
        op, raw_ids = matched
        try:
            request = self._parse(op, raw_ids, query, headers, body, origin, path)
            with self.store.locked():
                return self.registry.handler(op.operation_id)(self.store, request)
        except HttpError as exc:
            return json_response(exc.status, exc.payload)

    def _parse(
        self,
        op: Operation,
        raw_ids: dict[str, str],
        query: list[tuple[str, str]],
        headers: dict[str, str],
        body: bytes,
        origin: str,
        path: str,
    ) -> Request:
        path_kinds = self.registry.path_kinds
        ids: dict[str, Any] = {}
        for name, value in raw_ids.items():
            if name == "account_id":
                continue
            if name in path_kinds:
                if not value.isdigit():
                    raise not_found()
                ids[name] = int(value)
            else:
                ids[name] = int(value) if value.isdigit() else value
        parsed: dict[str, Any] = {}
        if op.body_kind == "json" and body.strip():
            # Malformed JSON fails first, as in Rails, where the body is parsed before any
            # controller code runs.
            try:
                decoded = json.loads(body)
            except ValueError:
                raise HttpError(400, {"status": 400, "error": "Malformed JSON"}) from None
            if not isinstance(decoded, dict):
                raise HttpError(400, {"status": 400, "error": "Expected a JSON object"})
            parsed = decoded
        # Then the records the path names (404), and only then the body's fields (422): an
        # unknown to-do list answers 404 whatever the body holds.
        checks = self.registry.path_checks.get(op.operation_id, {})
        with self.store.locked():
            for name, value in ids.items():
                if name in path_kinds:
                    found = self.store.get(value, path_kinds[name])
                    if name in checks and not checks[name](found):
                        raise not_found()
        if op.body_kind == "json":
            blank = {
                p.wire_name: ["can't be blank"]
                for p in op.params
                if p.location == "body"
                and p.required
                and _is_blank(parsed.get(p.wire_name))
                and not (
                    (op.operation_id, p.wire_name) in _BLANK_ALLOWED
                    and parsed.get(p.wire_name) == ""
                )
            }
            if blank:
                raise self.registry.invalid(op.operation_id, blank)
        content_type = headers.get("content-type", "")
        return Request(op, ids, query, parsed, body, content_type, origin, path)

    # -- downloads ------------------------------------------------------------------------------

    def _signature(self, key: str, expires: str) -> str:
        return sign(f"{key}:{expires}".encode(), self.store.webhook_secret)

    def _download(self, path: str, origin: str) -> FakeResponse:
        # /{account}/blobs/{key}/download/{filename}
        parts = path.split("/")
        if len(parts) < 6 or parts[4] != "download":
            return json_response(404, {"status": 404, "error": "Not Found"})
        key = parts[3]
        blob = self.store.blobs.get(key)
        if blob is None:
            return json_response(404, {"status": 404, "error": "Not Found"})
        expires = str(int(time.time()) + _SIGNED_URL_SECONDS)
        query = urlencode({"sig": self._signature(key, expires), "expires": expires})
        location = f"{origin}{_STORAGE_PREFIX}{key}/{quote(blob.filename)}?{query}"
        return FakeResponse(302, [("Location", location), ("Content-Length", "0")])

    def _storage(
        self, method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str]
    ) -> FakeResponse:
        if method != "GET":
            return json_response(405, {"status": 405, "error": "Method Not Allowed"})
        if "authorization" in headers:
            # Like S3: a signed URL plus an Authorization header is rejected, which also shows
            # a leak of the API token to storage in any test.
            return json_response(400, {"error": "Only one auth mechanism allowed"})
        key = path[len(_STORAGE_PREFIX) :].split("/", 1)[0]
        values = dict(query)
        expires = values.get("expires", "")
        blob = self.store.blobs.get(key)
        signature_ok = hmac.compare_digest(values.get("sig", ""), self._signature(key, expires))
        if blob is None or not signature_ok or not expires.isdigit():
            return json_response(403, {"error": "Request signature does not match"})
        if int(expires) < time.time():
            return json_response(403, {"error": "Request has expired"})
        disposition = (
            f"attachment; filename=\"{blob.filename}\"; filename*=UTF-8''{quote(blob.filename)}"
        )
        return FakeResponse(
            200,
            [
                ("Content-Type", blob.content_type),
                ("Content-Disposition", disposition),
                ("Content-Length", str(len(blob.data))),
            ],
            blob.data,
        )
