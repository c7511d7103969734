"""Pagination, sans I/O: `Link` parsing, next-URL safety, and the state of a page walk."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from ._errors import ApiError

__all__ = [
    "ListMeta",
    "ListResult",
    "PageWalk",
    "find_next_link",
    "parse_total_count",
    "resolve_next_url",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ListMeta:
    """What the server said about a list, beyond its items.

    Attributes:
        total_count: The `X-Total-Count` header: how many items exist in all pages, if sent.
        truncated: True when the walk stopped early (`max_pages` or `max_items`) although more
            items existed; for an explicit `page=N`, when that page links to a next one.
        pages: How many pages were fetched.
    """

    total_count: int | None = None
    truncated: bool = False
    pages: int = 0


class ListResult(list[T], Generic[T]):
    """A `list` of items with `.meta` (`ListMeta`). Indexing, slicing and iteration are a list's."""

    __slots__ = ("meta",)

    meta: ListMeta

    def __init__(self, items: list[T] | tuple[T, ...] = (), meta: ListMeta | None = None) -> None:
        super().__init__(items)
        self.meta = meta or ListMeta()

    def __repr__(self) -> str:
        return f"ListResult({list.__repr__(self)}, meta={self.meta!r})"


def _link_rels(params: str) -> list[str]:
    for raw in params.split(";"):
        key, sep, value = raw.partition("=")
        if sep and key.strip().lower() == "rel":
            return value.strip().strip('"').lower().split()
    return []


def find_next_link(header: str | None) -> str | None:
    """Return the target of the first `rel="next"` entry of a `Link` header (RFC 8288).

    Runs in linear time whatever the header holds: a hostile 10,000-entry header costs one pass.
    Malformed entries are skipped, and so is a next entry with no target (`<>`).
    """
    if not header:
        return None
    position, length = 0, len(header)
    while position < length:
        start = header.find("<", position)
        if start < 0:
            return None
        end = header.find(">", start + 1)
        if end < 0:
            return None
        # params run to the next entry, which starts at the next "<"
        following = header.find("<", end + 1)
        params = header[end + 1 : following if following >= 0 else length]
        if "next" in _link_rels(params.rstrip().rstrip(",")):
            target = header[start + 1 : end].strip()
            if target:
                return target
            # `<>` names no page: a later well-formed next link may still follow.
        if following < 0:
            return None
        position = following
    return None


def parse_total_count(value: str | None) -> int | None:
    """Parse `X-Total-Count`; anything but a non-negative whole number gives `None`."""
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > 18 or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


_DEFAULT_PORTS = {"https": 443, "http": 80}


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    try:
        port = parts.port
    except ValueError:
        port = -1
    default = _DEFAULT_PORTS.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port if port is not None else default


@functools.lru_cache(maxsize=8)
def _base_origin(base_url: str) -> tuple[tuple[str, str, int | None], tuple[str, str]]:
    """`base_url`'s origin and its (scheme, netloc): parsed once, not on every page."""
    parts = urlsplit(base_url)
    return _origin(parts), (parts.scheme, parts.netloc)


def _plain_link_on(link: str, base_url: str) -> bool:
    """Whether `link` is an absolute URL under `base_url` (`base_url` + "/...") without the
    characters URL parsing treats specially past the origin (`;` params, `#` fragment).

    For such a link the full resolution below comes to keeping its path and query as they
    are: `base_url` is a bare origin and the "/" ends it, so the origin cannot differ.
    """
    return (
        link.startswith(base_url)
        and link[len(base_url) : len(base_url) + 1] == "/"
        and ";" not in link
        and "#" not in link
    )


def resolve_next_url(link: str, *, current_url: str, base_url: str) -> str:
    """Resolve a `next` link and refuse it unless it stays on the API origin.

    Args:
        link: The raw link target (absolute or relative).
        current_url: The URL of the page that carried the link.
        base_url: The configured API origin.

    Raises:
        ApiError: The link points to another origin, or downgrades https to http. The message
            names only the origin, never the path or query.
    """
    if any(c in link for c in "\r\n\t"):
        raise ApiError("Refused a pagination link that contains control characters.")
    (base_scheme, base_host, base_port), base_parts = _base_origin(base_url)
    if _plain_link_on(link, base_url):
        # The common case (Basecamp's own next links), without the cost of `urljoin` on
        # every page; it gives what the general path below gives for these links.
        path, _, query = link[len(base_url) :].partition("?")
        return urlunsplit((*base_parts, path, query, ""))
    parts: SplitResult | None
    try:
        parts = urlsplit(urljoin(current_url, link))
    except ValueError:  # e.g. a malformed IPv6 literal: "https://[::1/"
        parts = None
    if parts is None:
        # Raised outside the handler: the parser's error may quote the link.
        raise ApiError("Refused a pagination link that is not a valid URL.")
    scheme, host, port = _origin(parts)
    if base_scheme == "https" and scheme == "http":
        raise ApiError("Refused a pagination link that downgrades https to http.")
    if (scheme, host, port) != (base_scheme, base_host, base_port):
        shown = f"{scheme}://{host}" if scheme in ("http", "https") else "another origin"
        raise ApiError(
            f"Refused a pagination link to {shown}: links must stay on the API origin.",
            hint="Credentials are only ever sent to the configured base_url.",
        )
    # Rebuild on the configured origin: the same origin spelled another way (":443", upper
    # case, "user@") must neither fail the shells' base_url prefix check nor carry userinfo.
    return urlunsplit((*base_parts, parts.path or "/", parts.query, ""))


class PageWalk:
    """The state of one walk through a paginated list. Pure: the shells do the fetching.

    Usage: after each page, call `take(n)` to learn how many of its `n` items to keep, then
    `advance(...)` to learn the next URL (or `None` when the walk is over).
    """

    __slots__ = (
        "_visited",
        "base_url",
        "items",
        "max_items",
        "max_pages",
        "pages",
        "total_count",
        "truncated",
    )

    def __init__(
        self,
        *,
        first_url: str,
        base_url: str,
        max_pages: int,
        max_items: int | None = None,
    ) -> None:
        self.base_url = base_url
        self.max_pages = max_pages
        self.max_items = max_items
        self.pages = 0
        self.items = 0
        self.total_count: int | None = None
        self._visited = {first_url}
        self.truncated = False

    def take(self, count: int) -> int:
        """Record a fetched page of `count` items; return how many of them to keep."""
        self.pages += 1
        if self.max_items is None:
            self.items += count
            return count
        room = max(self.max_items - self.items, 0)
        kept = min(room, count)
        self.items += kept
        if kept < count:
            self.truncated = True
        return kept

    def advance(
        self, *, link_header: str | None, total_count: str | None, current_url: str
    ) -> str | None:
        """Return the next URL to fetch, or `None` when the walk ends.

        Raises:
            ApiError: The next link leaves the API origin or downgrades to http.
        """
        parsed_total = parse_total_count(total_count)
        if parsed_total is not None:
            self.total_count = parsed_total
        link = find_next_link(link_header)
        if link is None:
            return None
        next_url = resolve_next_url(link, current_url=current_url, base_url=self.base_url)
        if self.max_items is not None and self.items >= self.max_items:
            self.truncated = True
            return None
        if next_url in self._visited:
            return None
        if self.pages >= self.max_pages:
            self.truncated = True
            return None
        self._visited.add(next_url)
        return next_url

    def meta(self) -> ListMeta:
        """The `ListMeta` describing the walk so far."""
        return ListMeta(total_count=self.total_count, truncated=self.truncated, pages=self.pages)
