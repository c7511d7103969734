"""The account-scoped async client: raw calls, pagination, downloads and service accessors.

This module is the source of truth for `basecamp/_sync/account.py`, which `tools/unasync.py`
generates from it (`make generate`). Edit this file, never the twin.
"""

from __future__ import annotations

# unasync: remove-start
import asyncio

# unasync: remove-end
import contextlib
import os
import secrets
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from importlib import import_module
from pathlib import Path
from typing import IO, Any, Generic, TypeVar, cast
from urllib.parse import urlencode, urljoin

from .._download import DownloadInfo, DownloadResult, filename_from
from .._errors import ApiError, UsageError
from .._generated.accessors import AsyncAccountServices
from .._operation import Operation
from .._pagination import ListMeta, ListResult, PageWalk, find_next_link, parse_total_count
from .._request import (
    NO_BODY,
    PreparedBody,
    check_header_value,
    encode_json_body,
    encode_query,
    expand_path,
    resolve_url,
)
from .._response import JSON, expect_list
from ..hooks import OperationInfo, OperationResult, safe_call
from .body import iter_decoded, read_capped
from .client import AsyncClient, Reply

__all__ = ["AsyncAccountClient", "AsyncPager"]

T = TypeVar("T")
_SERVICES_PACKAGE = __name__.rsplit(".", 2)[0] + ".services"
_RAW = "raw"
_DOWNLOAD = OperationInfo(_RAW, "download", "Download", is_mutation=False)


def _check_count(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"{name} must be a whole number of at least 1.")
    return value


def _operation_info(op: Operation, path: Mapping[str, object] | None) -> OperationInfo:
    values = path or {}
    project = values.get("project_id")
    resource = next(
        (str(values[n]) for n in reversed(op.path_params) if n != "project_id" and n in values),
        None,
    )
    return OperationInfo(
        service=op.service,
        operation=op.method,
        operation_id=op.operation_id,
        is_mutation=op.is_mutation,
        resource_id=resource,
        project_id=str(project) if project is not None else None,
    )


class AsyncPager(Generic[T]):
    """A lazy, page-by-page walk through a list. Memory holds one page at a time.

    Iterate it for items (`async for item in pager`), or call `pages()` for whole pages. After
    (or during) the walk, `meta` tells the total count and whether the walk was truncated.
    """

    def __init__(
        self,
        account: AsyncAccountClient,
        url: str,
        params: list[tuple[str, str]],
        *,
        max_items: int | None = None,
        items_key: str | None = None,
        info: OperationInfo | None = None,
    ) -> None:
        self._account = account
        self._url = url
        self._params = params
        self._max_items = _check_count("max_items", max_items)
        self._items_key = items_key
        self._info = info
        self._walk: PageWalk | None = None

    @property
    def meta(self) -> ListMeta:
        """The `ListMeta` of the walk so far (`total_count`, `truncated`, `pages`)."""
        return self._walk.meta() if self._walk is not None else ListMeta()

    def _start(self) -> tuple[PageWalk, str]:
        config = self._account.client.config
        first_url = f"{self._url}?{urlencode(self._params)}" if self._params else self._url
        walk = PageWalk(
            first_url=first_url,
            base_url=config.base_url,
            max_pages=config.max_pages,
            max_items=self._max_items,
        )
        self._walk = walk
        return walk, first_url

    async def _walk_from(
        self, walk: PageWalk, url: str | None, *, report: bool = True
    ) -> AsyncGenerator[list[T], None]:
        client = self._account.client
        hooks = client.hooks
        # A lazy walk is one operation for the hooks: from its first page to its end (or the
        # caller's `break`, which is not an error).
        info = self._info if hooks is not None and report else None
        if hooks is not None and info is not None:
            safe_call(hooks.on_operation_start, info)
        started = time.monotonic()
        error: BaseException | None = None
        try:
            while url is not None:
                if walk.pages and hooks is not None:
                    safe_call(hooks.on_paginate, url, walk.pages + 1)
                reply = await client._request("GET", url, idempotent=True)
                items = expect_list(reply.json(), "list response", key=self._items_key)
                kept = walk.take(len(items))
                url = walk.advance(
                    link_header=reply.headers.get("link"),
                    total_count=reply.headers.get("x-total-count"),
                    current_url=url,
                )
                yield cast(list[T], items[:kept] if kept < len(items) else items)
        except GeneratorExit:
            raise
        except BaseException as exc:
            error = exc
            raise
        finally:
            if hooks is not None and info is not None:
                duration = (time.monotonic() - started) * 1000
                safe_call(hooks.on_operation_end, info, OperationResult(duration, error))

    def pages(self) -> AsyncGenerator[list[T], None]:
        """Yield each page's items as a list, following `Link: rel="next"`."""
        walk, first_url = self._start()
        return self._walk_from(walk, first_url)

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page:
                yield item

    async def collect(
        self,
        # unasync: remove-start
        *,
        concurrency: int = 1,
        # unasync: remove-end
    ) -> ListResult[T]:
        # unasync: remove-start
        """Fetch every page and return the items as one `ListResult`.

        Args:
            concurrency: With more than 1, fetch pages 2..N concurrently by page number (at most
                this many in flight), once the first page's `X-Total-Count` tells how many
                there are. Items keep their order. Without a total count it walks the links.
        """
        # unasync: remove-end
        # unasync: sync """Fetch every page and return the items as one `ListResult`."""
        # unasync: remove-start
        if _check_count("concurrency", concurrency) != 1:
            return await self._collect_concurrently(concurrency)
        # unasync: remove-end
        items: list[T] = []
        async for page in self.pages():
            items.extend(page)
        return ListResult(items, self.meta)

    # unasync: remove-start
    async def _collect_concurrently(self, concurrency: int) -> ListResult[T]:
        client = self._account.client
        async with client._operation(self._info):  # one operation, all pages inside it
            walk, first_url = self._start()
            pages = self._walk_from(walk, first_url, report=False)
            items = list(await anext(pages))
            total, per_page = walk.total_count, len(items)
            if total is None or per_page == 0 or total <= per_page or walk.truncated:
                async for page in pages:  # no usable total: follow the links instead
                    items.extend(page)
                return ListResult(items, walk.meta())
            await pages.aclose()
            available = -(-total // per_page)
            last = min(available, client.config.max_pages)
            if self._max_items is not None:
                last = min(last, -(-self._max_items // per_page))
            semaphore = asyncio.Semaphore(concurrency)
            hooks = client.hooks

            async def fetch(number: int) -> list[T]:
                params = [*self._params, ("page", str(number))]
                async with semaphore:
                    if hooks is not None:
                        safe_call(hooks.on_paginate, f"{self._url}?{urlencode(params)}", number)
                    reply = await client._request("GET", self._url, params=params, idempotent=True)
                page = expect_list(reply.json(), "list response", key=self._items_key)
                return cast(list[T], page)

            for page in await asyncio.gather(*(fetch(n) for n in range(2, last + 1))):
                kept = walk.take(len(page))
                items.extend(page[:kept])
            if last < available:
                walk.truncated = True
            return ListResult(items, walk.meta())

    # unasync: remove-end
    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self._url!r})"


class AsyncAccountClient(AsyncAccountServices):
    """A client scoped to one Basecamp account.

    Services hang off it as properties (`account.projects`, `account.todos`, ...; they need
    basecamp-services). The raw methods `get`, `post`, `put`, `delete`, `paginate` and
    `download_url` work with basecamp-core alone.
    """

    def __init__(self, client: AsyncClient, account_id: str) -> None:
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
        if self.client.hooks is None:  # nothing to report: skip building the operation record
            reply = await self.client._request(
                method, url, params=encode_query(params), body=body, idempotent=idempotent
            )
            return cast(JSON, reply.json()) if reply.body.strip() else None
        info = OperationInfo(_RAW, method.lower(), f"{method} {path}", method != "GET")
        async with self.client._operation(info):
            reply = await self.client._request(
                method, url, params=encode_query(params), body=body, idempotent=idempotent
            )
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
        info = OperationInfo(_RAW, "paginate", f"GET {path}", False)
        return await self._collect(
            self._url(path), encode_query(params), max_items, page, None, info
        )

    def iterate(
        self,
        path: str,
        params: Mapping[str, object] | None = None,
        *,
        max_items: int | None = None,
    ) -> AsyncPager[JSON]:
        """Walk a list lazily, one page in memory at a time (`async for item in ...`)."""
        return AsyncPager(self, self._url(path), encode_query(params), max_items=max_items)

    # -- generated services call these ---------------------------------------------------------

    def _op_url(self, op: Operation, path: Mapping[str, object] | None) -> str:
        values = dict(path or {})
        values["account_id"] = self.account_id
        return self.client.config.base_url + expand_path(op.path, values)

    async def _call(
        self,
        op: Operation,
        /,
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        json: Mapping[str, object] | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        data: Mapping[str, object] | None = None,
    ) -> Any:
        url = self._op_url(op, path)
        if content is not None:
            if not isinstance(content, bytes | bytearray | memoryview):
                raise UsageError("content must be bytes.")
            media = check_header_value("Content-Type", content_type or "application/octet-stream")
            body = PreparedBody(bytes(content), media)
        elif files is not None:
            body = _multipart(files, data)
        else:
            body = encode_json_body(json) if json is not None else NO_BODY
        if self.client.hooks is None:  # nothing to report: skip building the operation record
            reply = await self.client._request(
                op.http_method, url, params=encode_query(query), body=body, idempotent=op.idempotent
            )
            return _call_result(op, reply)
        async with self.client._operation(_operation_info(op, path)):
            reply = await self.client._request(
                op.http_method, url, params=encode_query(query), body=body, idempotent=op.idempotent
            )
            return _call_result(op, reply)

    async def _list(
        self,
        op: Operation,
        /,
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        max_items: int | None = None,
        page: int | None = None,
    ) -> ListResult[Any]:
        url = self._op_url(op, path)
        info = _operation_info(op, path)
        return await self._collect(url, encode_query(query), max_items, page, op.items_key, info)

    def _pager(
        self,
        op: Operation,
        /,
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        max_items: int | None = None,
    ) -> AsyncPager[Any]:
        return AsyncPager(
            self,
            self._op_url(op, path),
            encode_query(query),
            max_items=max_items,
            items_key=op.items_key,
            info=_operation_info(op, path),
        )

    async def _collect(
        self,
        url: str,
        params: list[tuple[str, str]],
        max_items: int | None,
        page: int | None,
        items_key: str | None,
        info: OperationInfo,
    ) -> ListResult[Any]:
        async with self.client._operation(info):
            if _check_count("page", page) is not None:
                # An explicit page: exactly that one page, no links followed.
                limit = _check_count("max_items", max_items)
                params = [*(p for p in params if p[0] != "page"), ("page", str(page))]
                reply = await self.client._request("GET", url, params=params, idempotent=True)
                items = expect_list(reply.json(), "list response", key=items_key)
                truncated = limit is not None and len(items) > limit
                # More pages exist past this one: the caller did not get the whole list.
                truncated = truncated or find_next_link(reply.headers.get("link")) is not None
                meta = ListMeta(
                    total_count=parse_total_count(reply.headers.get("x-total-count")),
                    truncated=truncated,
                    pages=1,
                )
                return ListResult(items[:limit] if truncated else items, meta)
            pager: AsyncPager[Any] = AsyncPager(
                self, url, params, max_items=max_items, items_key=items_key
            )
            return await pager.collect()

    # -- downloads -----------------------------------------------------------------------------

    @staticmethod
    def _storage_url(reply: Reply) -> str:
        """The storage URL a hop-1 redirect points to, checked before anything is sent to it."""
        location: str | None = reply.headers.get("location")
        if not location:
            raise ApiError(
                "The download redirect has no Location header.", http_status=reply.status
            )
        target = urljoin(reply.url, location)
        if not target.startswith(("https://", "http://")):
            raise ApiError("The download redirect points to an unsupported URL scheme.")
        if target.startswith("http://") and reply.url.startswith("https://"):
            # The signed URL is a bearer credential for the file: never send it in clear.
            raise ApiError("Refused a download redirect that downgrades https to http.")
        return target

    async def download_url(self, url: str) -> DownloadResult:
        """Download a file in two hops and return it in memory.

        Hop 1 goes, authenticated, to the API origin only and does not follow the redirect by
        itself. Hop 2 fetches the redirect target with no credentials and no SDK headers, and
        follows no further redirects. For large files use `download_to` or `iter_download`.

        Args:
            url: The file's `download_url` (or any URL on the API origin that redirects to it).

        Raises:
            UsageError: `url` is not on the API origin.
            ApiError: A hop answered with an error, or the file exceeds `max_download_bytes`.
        """
        limit = self.client.config.max_download_bytes
        async with self.client._operation(_DOWNLOAD):
            reply = await self.client._request(
                "GET", self._url(url), idempotent=True, accept_redirect=True, body_limit=limit
            )
            if 300 <= reply.status < 400:
                reply = await self.client._request(
                    "GET",
                    self._storage_url(reply),
                    idempotent=True,
                    authenticated=False,
                    body_limit=limit,
                )
        return DownloadResult(
            body=reply.body,
            content_type=reply.headers.get("content-type"),
            content_length=len(reply.body),
            filename=filename_from(reply.headers.get("content-disposition"), reply.url),
        )

    @contextlib.asynccontextmanager
    async def _open_download(self, url: str) -> AsyncIterator[tuple[Reply, AsyncIterator[bytes]]]:
        """Both hops, streamed: the body is never held whole, whichever hop serves it."""
        async with self.client._open(
            "GET",
            self._url(url),
            params=None,
            body=NO_BODY,
            idempotent=True,
            authenticated=True,
            accept_redirect=True,
            stream=True,
        ) as first:
            assert first.response is not None
            if not 300 <= first.status < 400:  # the API served the bytes itself
                yield first, iter_decoded(first.response)
                return
            target = self._storage_url(first)
            # Drain the short redirect body so its connection goes back to the pool for hop 2.
            await read_capped(first.response, self.client.config.max_response_bytes, truncate=True)
        # Hop 1 is closed (and its place in the gate given back) before hop 2 starts.
        async with self.client._open(
            "GET",
            target,
            params=None,
            body=NO_BODY,
            idempotent=True,
            authenticated=False,
            accept_redirect=False,
            stream=True,
        ) as reply:
            assert reply.response is not None
            yield reply, iter_decoded(reply.response)

    async def download_to(
        self, url: str, destination: str | os.PathLike[str] | IO[bytes]
    ) -> DownloadInfo:
        """Stream a download to a path or a binary file object, in constant memory.

        With a path, the bytes go to a temporary file beside it that is renamed into place only
        when complete, so a partial file never appears under the final name.

        Args:
            url: The file's `download_url`.
            destination: A file path, or an open binary file object (left open).

        Returns:
            The content type, size and file name of what was written.
        """
        written = 0
        async with self.client._operation(_DOWNLOAD), self._open_download(url) as (reply, chunks):
            if isinstance(destination, str | os.PathLike):
                target = Path(destination)
                # Created like any new file (O_EXCL: never clobbers), so it follows the umask.
                temp_name = target.parent / f".{target.name}.{secrets.token_hex(8)}.part"
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
                fd = os.open(temp_name, flags, 0o666)
                try:
                    with os.fdopen(fd, "wb") as handle:
                        async for chunk in chunks:
                            handle.write(chunk)
                            written += len(chunk)
                    os.replace(temp_name, target)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(temp_name)
                    raise
            else:
                async for chunk in chunks:
                    destination.write(chunk)
                    written += len(chunk)
            return DownloadInfo(
                content_type=reply.headers.get("content-type"),
                content_length=written,
                filename=filename_from(reply.headers.get("content-disposition"), reply.url),
            )

    async def iter_download(self, url: str) -> AsyncIterator[bytes]:
        """Yield a download's bytes chunk by chunk, in constant memory."""
        async with self.client._operation(_DOWNLOAD), self._open_download(url) as (_, chunks):
            async for chunk in chunks:
                yield chunk


def _call_result(op: Operation, reply: Reply) -> Any:
    """What a generated service method returns for `reply`, by the operation's response kind."""
    kind = op.response_kind
    if kind == "none":
        return None
    if kind == "binary":
        return reply.body
    decoded = reply.json()
    if kind == "list":
        return expect_list(decoded, op.operation_id, key=op.items_key)
    if not isinstance(decoded, dict):
        raise ApiError(f"Expected {op.operation_id} to return a JSON object.")
    return decoded


def _multipart(
    files: Mapping[str, tuple[str, bytes, str]], data: Mapping[str, object] | None
) -> PreparedBody:
    import httpx

    fields = {k: str(v) for k, v in (data or {}).items() if v is not None}
    request = httpx.Request("POST", "http://multipart.invalid/", files=files, data=fields)
    return PreparedBody(request.read(), request.headers["content-type"])
