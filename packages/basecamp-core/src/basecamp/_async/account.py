"""The account-scoped async client: raw calls, generated-service calls, lists and downloads.

This module is the source of truth for `basecamp/_sync/account.py`, which `tools/unasync.py`
generates from it (`make generate`). Edit this file, never the twin.

It is a thin facade: building and decoding operation calls is `basecamp._execution` (pure), the
pager is `.pager`, the downloads are `.download`, and hooks are reported by `basecamp._report`.
It reaches the client only through `AsyncEngine`, so the client can import it without a cycle.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Mapping
from importlib import import_module
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, cast

from .._errors import UsageError
from .._execution import build_request, decode_result, operation_info
from .._generated.accessors import AsyncAccountServices
from .._pagination import ListResult
from .._report import report
from .._request import NO_BODY, PreparedBody, encode_json_body, encode_query, resolve_url
from .._response import JSON
from .pager import AsyncPager, collect_list

if TYPE_CHECKING:
    from .._download import DownloadInfo, DownloadResult
    from .._operation import Operation
    from ..hooks import BasecampHooks, OperationInfo
    from .engine import AsyncEngine

__all__ = ["AsyncAccountClient", "AsyncPager"]

_SERVICES_PACKAGE = __name__.rsplit(".", 2)[0] + ".services"
_RAW = "raw"


def _raw_info(
    hooks: BasecampHooks | None, operation: str, operation_id: str, is_mutation: bool
) -> OperationInfo | None:
    """What the hooks are told about a raw call; `None` without hooks, so `basecamp.hooks`
    loads with the first hook rather than with the client."""
    if hooks is None:
        return None
    from ..hooks import OperationInfo

    return OperationInfo(_RAW, operation, operation_id, is_mutation)


_NO_ARGS: Mapping[str, object] = MappingProxyType({})


class AsyncAccountClient(AsyncAccountServices):
    """A client scoped to one Basecamp account.

    Services hang off it as properties (`account.projects`, `account.todos`, ...; they need
    basecamp-services). The raw methods `get`, `post`, `put`, `delete`, `paginate` and
    `download_url` work with basecamp-core alone.
    """

    def __init__(self, client: AsyncEngine, account_id: str) -> None:
        self.client = client
        self.account_id = account_id
        self._prefix = f"/{account_id}"
        self._services: dict[str, object] = {}
        self._services_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(account_id={self.account_id!r})"

    # -- services ------------------------------------------------------------------------------

    def _service(self, accessor: str, class_name: str) -> Any:
        service = self._services.get(accessor)
        if service is not None:
            return service
        with self._services_lock:
            service = self._services.get(accessor)
            if service is None:
                try:
                    module = import_module(_SERVICES_PACKAGE)
                except ImportError:
                    raise UsageError(
                        f"account.{accessor} needs the basecamp-services package: "
                        "pip install basecamp-services (or basecamp-sdk)."
                    ) from None
                service = getattr(module, class_name)(self)
                self._services[accessor] = service
        return service

    # -- raw calls -----------------------------------------------------------------------------

    def _url(self, path_or_url: str) -> str:
        return resolve_url(path_or_url, base_url=self.client.config.base_url, prefix=self._prefix)

    async def _raw(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, object] | None,
        body: PreparedBody,
        idempotent: bool,
    ) -> JSON:
        url = self._url(path)
        client = self.client
        hooks = client.hooks
        info = _raw_info(hooks, method.lower(), f"{method} {path}", method != "GET")
        with report(hooks, info) as rep:
            reply = await client._request(
                method, url, params=encode_query(params), body=body, idempotent=idempotent
            )
            if reply.from_cache is not None:
                rep.note(reply.from_cache)
            return cast(JSON, reply.json()) if reply.body.strip() else None

    async def get(self, path: str, *, params: Mapping[str, object] | None = None) -> JSON:
        """GET a path relative to the account (e.g. `/projects.json`) and return its JSON."""
        return await self._raw("GET", path, params=params, body=NO_BODY, idempotent=True)

    async def post(
        self,
        path: str,
        *,
        json: Mapping[str, object] | None = None,
        params: Mapping[str, object] | None = None,
        idempotent: bool = False,
    ) -> JSON:
        """POST JSON to a path relative to the account. Not retried unless `idempotent=True`."""
        body = encode_json_body(json)
        return await self._raw("POST", path, params=params, body=body, idempotent=idempotent)

    async def put(
        self,
        path: str,
        *,
        json: Mapping[str, object] | None = None,
        params: Mapping[str, object] | None = None,
        idempotent: bool = True,
    ) -> JSON:
        """PUT JSON to a path relative to the account and return the JSON answer, if any."""
        body = encode_json_body(json)
        return await self._raw("PUT", path, params=params, body=body, idempotent=idempotent)

    async def delete(
        self,
        path: str,
        *,
        params: Mapping[str, object] | None = None,
        idempotent: bool = True,
    ) -> JSON:
        """DELETE a path relative to the account; returns the JSON answer, if any."""
        return await self._raw("DELETE", path, params=params, body=NO_BODY, idempotent=idempotent)

    async def paginate(
        self,
        path: str,
        params: Mapping[str, object] | None = None,
        *,
        max_items: int | None = None,
        page: int | None = None,
    ) -> ListResult[JSON]:
        """GET every page of a list and return the items, following `Link: rel="next"`.

        Args:
            path: A path relative to the account, e.g. `/projects.json`.
            params: Query parameters.
            max_items: Stop once this many items are collected (sets `meta.truncated` when more
                existed).
            page: Fetch only this page and follow no links.
        """
        info = _raw_info(self.client.hooks, "paginate", f"GET {path}", False)
        return await collect_list(
            self.client,
            self._url(path),
            encode_query(params),
            max_items=max_items,
            page=page,
            items_key=None,
            info=info,
        )

    def iterate(
        self,
        path: str,
        params: Mapping[str, object] | None = None,
        *,
        max_items: int | None = None,
    ) -> AsyncPager[JSON]:
        """Walk a list lazily, one page in memory at a time (`async for item in ...`)."""
        return AsyncPager(self.client, self._url(path), encode_query(params), max_items=max_items)

    # -- generated services call these ---------------------------------------------------------

    async def _call(
        self,
        op: Operation,
        args: Mapping[str, object] = _NO_ARGS,
        /,
        *,
        json: Mapping[str, object] | None = None,
    ) -> Any:
        """Run `op` with `args` (by Python name; `None` means "not passed"); `json` replaces
        the body with one built by the caller, by wire name (a merge-safe update's record)."""
        client = self.client
        request = build_request(
            op, args, base_url=client.config.base_url, account_id=self.account_id, json=json
        )
        hooks = client.hooks
        with report(hooks, None if hooks is None else operation_info(op, args)) as rep:
            reply = await client._request(
                request.method,
                request.url,
                params=request.params,
                body=request.body,
                idempotent=request.idempotent,
            )
            if reply.from_cache is not None:
                rep.note(reply.from_cache)
            return decode_result(op, reply)

    async def _list(
        self,
        op: Operation,
        args: Mapping[str, object] = _NO_ARGS,
        /,
        *,
        max_items: int | None = None,
        page: int | None = None,
    ) -> ListResult[Any]:
        client = self.client
        request = build_request(
            op, args, base_url=client.config.base_url, account_id=self.account_id
        )
        return await collect_list(
            client,
            request.url,
            request.params,
            max_items=max_items,
            page=page,
            items_key=op.items_key,
            info=operation_info(op, args),
        )

    def _pager(
        self,
        op: Operation,
        args: Mapping[str, object] = _NO_ARGS,
        /,
        *,
        max_items: int | None = None,
    ) -> AsyncPager[Any]:
        client = self.client
        request = build_request(
            op, args, base_url=client.config.base_url, account_id=self.account_id
        )
        return AsyncPager(
            client,
            request.url,
            request.params,
            max_items=max_items,
            items_key=op.items_key,
            info=operation_info(op, args),
        )

    # -- downloads -----------------------------------------------------------------------------

    async def download_url(self, url: str) -> DownloadResult:
        """Download a file in two hops and return it in memory.

        Hop 1 goes, authenticated, to the API origin only and does not follow the redirect by
        itself. Hop 2 fetches the redirect target with no credentials and no SDK headers, and
        follows no further redirects. For large files use `download_to` or `iter_download`.

        Args:
            url: The file's `download_url`: on Basecamp's storage host or the API (any
                `*.basecamp.com` or `*.basecampapi.com` URL is moved onto `base_url`, path and
                query kept), or a path or URL on the API origin that redirects to the file.

        Raises:
            UsageError: `url` is on neither a Basecamp host nor the API origin.
            ApiError: A hop answered with an error, or the file exceeds `max_download_bytes`.
        """
        from .download import download_bytes  # loaded on the first download, not at import

        return await download_bytes(self.client, url, prefix=self._prefix)

    async def download_to(
        self, url: str, destination: str | os.PathLike[str] | IO[bytes]
    ) -> DownloadInfo:
        """Stream a download to a path or a binary file object, in constant memory.

        With a path, the bytes go to a temporary file beside it that is renamed into place only
        when complete, so a partial file never appears under the final name.

        Args:
            url: The file's `download_url` (as for `download_url`).
            destination: A file path, or an open binary file object (left open).

        Returns:
            The content type, size and file name of what was written.
        """
        from .download import download_file  # loaded on the first download, not at import

        return await download_file(self.client, url, destination, prefix=self._prefix)

    def iter_download(self, url: str) -> AsyncIterator[bytes]:
        """Yield a download's bytes chunk by chunk, in constant memory.

        Args:
            url: The file's `download_url` (as for `download_url`).
        """
        from .download import download_chunks  # loaded on the first download, not at import

        return download_chunks(self.client, url, prefix=self._prefix)
