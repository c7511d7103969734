"""`account.uploads.download(...)`: fetch an upload's file in one call.

`tools/unasync.py` generates the sync `UploadsExtension` in `_sync/uploads.py` from this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from basecamp import ApiError

from ..._base import AsyncService
from ..._generated.operations import OPERATIONS

if TYPE_CHECKING:
    from basecamp import DownloadResult

__all__ = ["AsyncUploadsExtension"]

_GET_UPLOAD = OPERATIONS["GetUpload"]


def _download_url(record: object, upload_id: int) -> str:
    url = record.get("download_url") if isinstance(record, dict) else None
    if not isinstance(url, str) or not url:
        raise ApiError(f"Upload {upload_id} has no download_url to fetch.")
    return url


class AsyncUploadsExtension(AsyncService):
    """Adds `download` to `AsyncUploads`."""

    __slots__ = ()

    async def download(self, *, upload_id: int) -> DownloadResult:
        """Download an upload's file.

        Reads the upload (`GetUpload`) and fetches its `download_url`.

        Args:
            upload_id: The upload.

        Returns:
            The file, as a `DownloadResult`.

        Raises:
            basecamp.ApiError: When the upload has no `download_url`.
            basecamp.BasecampError: When a request fails; the subclass says why.
        """
        record = await self._account._call(_GET_UPLOAD, {"upload_id": upload_id})
        return await self._account.download_url(_download_url(record, upload_id))
