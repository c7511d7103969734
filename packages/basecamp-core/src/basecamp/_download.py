"""Download results and the pure helpers behind the two-hop download."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from urllib.parse import unquote, urlsplit

__all__ = ["DownloadInfo", "DownloadResult", "filename_from"]

_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f/\\]")


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
