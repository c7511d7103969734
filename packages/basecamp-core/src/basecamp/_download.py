"""Download results and the pure helpers behind the two-hop download."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from urllib.parse import unquote, urljoin, urlsplit

from ._errors import ApiError, UsageError
from ._request import resolve_url

# The inflation limit lives with the body reader (loaded by every client); named here too.
from ._response import INFLATION_ALLOWANCE, MAX_INFLATION_RATIO, inflation_exceeded

__all__ = [
    "BASECAMP_DOMAINS",
    "INFLATION_ALLOWANCE",
    "MAX_INFLATION_RATIO",
    "DownloadInfo",
    "DownloadResult",
    "download_target",
    "filename_from",
    "inflation_exceeded",
    "on_api_origin",
    "storage_target",
]

_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f/\\]")
# The registrable domains whose hosts hand out download URLs (the API and its storage host,
# e.g. `https://storage.3.basecamp.com/...`). Only these are moved onto the API origin.
BASECAMP_DOMAINS = ("basecamp.com", "basecampapi.com")
_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_DEFAULT_PORTS = {"https": 443}


@dataclass(frozen=True, slots=True)
class DownloadResult:
    """A downloaded file held in memory.

    Attributes:
        body: The file's bytes.
        content_type: The `Content-Type` the storage server sent, if any.
        content_length: The size in bytes.
        filename: The file name from `Content-Disposition` or the URL path, if any.
    """

    body: bytes
    content_type: str | None
    content_length: int
    filename: str | None

    def __repr__(self) -> str:
        return (
            f"DownloadResult(content_type={self.content_type!r}, "
            f"content_length={self.content_length}, filename={self.filename!r})"
        )


@dataclass(frozen=True, slots=True)
class DownloadInfo:
    """What a streaming download wrote (the bytes themselves went to your destination).

    Attributes:
        content_type: The `Content-Type` the storage server sent, if any.
        content_length: The number of bytes written.
        filename: The file name from `Content-Disposition` or the URL path, if any.
    """

    content_type: str | None
    content_length: int
    filename: str | None


def filename_from(content_disposition: str | None, url: str) -> str | None:
    """The file name from a `Content-Disposition` header, else from the URL path.

    Path separators and control characters are removed so the name is safe to join to a folder.
    """
    name: str | None = None
    if content_disposition:
        message = Message()
        message["content-disposition"] = content_disposition
        raw = message.get_filename()
        name = raw if isinstance(raw, str) else None
    if not name:
        last = urlsplit(url).path.rsplit("/", 1)[-1]
        name = unquote(last) if last else None
    if not name:
        return None
    cleaned = _UNSAFE_FILENAME.sub("", name).strip().lstrip(".")
    return cleaned or None


def _is_basecamp_host(host: str) -> bool:
    """Whether `host` (lower case, as `urlsplit` gives it) is a Basecamp domain or below one.

    Each label must be plain LDH text, so look-alikes such as `evilbasecamp.com`,
    `basecamp.com.evil.org`, a trailing dot, percent-escapes or non-ASCII dots never match.
    """
    labels = host.split(".")
    if not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return False
    return any(host == domain or host.endswith("." + domain) for domain in BASECAMP_DOMAINS)


def on_api_origin(url: str, *, base_url: str) -> str | None:
    """Move a download URL on a Basecamp host onto the configured API origin.

    Basecamp hands out download URLs on its own hosts (the API's, or the storage host
    `https://storage.3.basecamp.com/{account}/blobs/{key}/download/{name}`). The SDK sends hop 1
    of a download, with credentials, only to `base_url`: so the scheme and host are replaced by
    `base_url`'s (its path, if any, is put in front), and the path and query are kept as they
    are. Against a fake Basecamp on 127.0.0.1 a storage URL therefore reaches the fake.

    Args:
        url: An absolute URL.
        base_url: The configured API origin (normalised by `Config`).

    Returns:
        The URL on the API origin, or `None` when `url` is not on a Basecamp host (the caller
        then applies the plain API-origin rule).

    Raises:
        UsageError: A Basecamp host spelled in a way Basecamp never uses: user info, a port
            other than the default, or plain http. Nothing is sent.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal: not a Basecamp URL
        return None
    if not host or not _is_basecamp_host(host):
        return None
    if parts.username is not None or parts.password is not None:
        raise UsageError("A Basecamp download URL must not carry user info (`user@`).")
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or port not in (None, _DEFAULT_PORTS[scheme]):
        raise UsageError("A Basecamp download URL must be plain https on the default port.")
    path = parts.path or "/"
    if any(segment in (".", "..") for segment in path.split("/")):
        # Dot segments would climb out of a `base_url` path prefix once resolved.
        raise UsageError("A Basecamp download URL must not contain `.` or `..` path segments.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{base_url}{path}{query}"


def download_target(url: str, *, base_url: str, prefix: str) -> str:
    """The hop-1 URL of a download: where the credentialed request may go.

    A path is taken relative to the account (`prefix`); a URL on a Basecamp host is moved onto
    the API origin (`on_api_origin`); any other absolute URL must already be on the API origin.

    Raises:
        UsageError: A control character, or an absolute URL on neither a Basecamp host nor the
            API origin. Nothing is sent.
    """
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        # Checked before parsing: `urlsplit` silently drops tabs and newlines.
        raise UsageError("URLs must not contain control characters (CR, LF, tab, NUL, ...).")
    moved = on_api_origin(url, base_url=base_url)
    return moved if moved is not None else resolve_url(url, base_url=base_url, prefix=prefix)


def storage_target(location: str | None, *, current_url: str, status: int) -> str:
    """The storage URL a hop-1 redirect points to, checked before anything is sent to it.

    Args:
        location: The redirect's `Location` header.
        current_url: The URL that answered with the redirect.
        status: Its status, for the error.

    Raises:
        ApiError: No `Location`, a scheme other than http(s), or a downgrade from https.
    """
    if not location:
        raise ApiError("The download redirect has no Location header.", http_status=status)
    target = urljoin(current_url, location)
    if not target.startswith(("https://", "http://")):
        raise ApiError("The download redirect points to an unsupported URL scheme.")
    if target.startswith("http://") and current_url.startswith("https://"):
        # The signed URL is a bearer credential for the file: never send it in clear.
        raise ApiError("Refused a download redirect that downgrades https to http.")
    return target
