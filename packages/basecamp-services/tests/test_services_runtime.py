"""The services runtime: uploads, the lazy public map, service objects and accessors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest
import respx

import basecamp.services
from basecamp import AccountClient, ApiError, AsyncClient, Client, Config, DownloadResult
from basecamp.services import AsyncProjects, AsyncService, Projects, Service
from basecamp.services._generated._index import EXPORTS, SERVICES
from basecamp.services._runtime import clean_header_text, multipart_file

CONFIG = Config(base_delay=0.0, max_jitter=0.0)


# -- upload helpers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("report.pdf", "report.pdf"),
        ("re\r\nport.pdf", "report.pdf"),
        ("a\rb\nc", "abc"),
        ("\r\n\r\n", ""),
        ("ünï cödé.txt", "ünï cödé.txt"),
    ],
)
def test_clean_header_text(raw: str, clean: str) -> None:
    assert clean_header_text(raw) == clean


def test_multipart_file_strips_cr_lf_but_not_content() -> None:
    content = b"line1\r\nline2\n"
    assert multipart_file("a\r\n.txt", content, "text/plain\r\nX-Evil: 1") == (
        "a.txt",
        content,
        "text/plainX-Evil: 1",
    )


def test_binary_upload_sends_raw_bytes() -> None:
    with respx.mock() as mock:
        route = mock.post("https://3.basecampapi.com/999/attachments.json").mock(
            return_value=httpx.Response(200, json={"attachable_sgid": "sgid"})
        )
        with Client(access_token="t", config=CONFIG) as client:
            result = client.for_account(999).attachments.create(
                name="a.png", content=b"\x00\x01\xff", content_type="image/png"
            )
    assert result == {"attachable_sgid": "sgid"}
    request = route.calls.last.request
    assert request.content == b"\x00\x01\xff"
    assert request.headers["content-type"] == "image/png"
    assert request.url.params["name"] == "a.png"


def test_binary_upload_strips_cr_lf_from_content_type_like_multipart() -> None:
    with respx.mock() as mock:
        route = mock.post("https://3.basecampapi.com/999/attachments.json").mock(
            return_value=httpx.Response(200, json={"attachable_sgid": "sgid"})
        )
        with Client(access_token="t", config=CONFIG) as client:
            client.for_account(999).attachments.create(
                name="a.png", content=b"\r\nPNG\n", content_type="image/png\r\nX-Evil: 1"
            )
    request = route.calls.last.request
    assert request.headers["content-type"] == clean_header_text("image/png\r\nX-Evil: 1")
    assert request.headers["content-type"] == "image/pngX-Evil: 1"
    assert "x-evil" not in request.headers
    assert request.content == b"\r\nPNG\n"  # the bytes themselves are untouched


async def test_binary_campfire_upload_strips_cr_lf_from_content_type_async() -> None:
    with respx.mock() as mock:
        route = mock.post("https://3.basecampapi.com/999/chats/7/uploads.json").mock(
            return_value=httpx.Response(201, json={"id": 1})
        )
        async with AsyncClient(access_token="t", config=CONFIG) as client:
            await client.for_account(999).campfires.upload(
                campfire_id=7, name="a.txt", content=b"hi", content_type="text/plain\n"
            )
    assert route.calls.last.request.headers["content-type"] == "text/plain"


async def test_multipart_upload_strips_cr_lf_async() -> None:
    with respx.mock() as mock:
        route = mock.put("https://3.basecampapi.com/999/account/logo.json").mock(
            return_value=httpx.Response(204)
        )
        async with AsyncClient(access_token="t", config=CONFIG) as client:
            await client.for_account(999).account.update_logo(
                content=b"PNG", filename="lo\r\ngo.png", content_type="image/png\n"
            )
    body = route.calls.last.request.content
    assert b'filename="logo.png"' in body
    assert b"Content-Type: image/png\r\n" in body
    assert b"lo\r\ngo" not in body


# -- uploads.download (the hand-written extension) ----------------------------------------


def test_download_reads_the_upload_then_fetches_its_file() -> None:
    file_url = "https://3.basecampapi.com/999/blobs/abc/download/report.pdf"
    with respx.mock() as mock:
        mock.get("https://3.basecampapi.com/999/uploads/1001").mock(
            return_value=httpx.Response(200, json={"id": 1001, "download_url": file_url})
        )
        mock.get(file_url).mock(
            return_value=httpx.Response(
                200, content=b"%PDF", headers={"Content-Type": "application/pdf"}
            )
        )
        with Client(access_token="t", config=CONFIG) as client:
            result = client.for_account(999).uploads.download(upload_id=1001)
    assert isinstance(result, DownloadResult)
    assert result.body == b"%PDF"
    assert result.content_type == "application/pdf"


async def test_download_from_the_storage_host_async() -> None:
    # Basecamp puts an upload's download_url on its storage host, not on the API origin.
    file_url = "https://storage.3.basecamp.com/999/blobs/abc/download/report.pdf"
    signed = "https://blobs.example/abc?sig=1"
    with respx.mock() as mock:
        mock.get("https://3.basecampapi.com/999/uploads/1001").mock(
            return_value=httpx.Response(200, json={"id": 1001, "download_url": file_url})
        )
        hop1 = mock.get("https://3.basecampapi.com/999/blobs/abc/download/report.pdf").mock(
            return_value=httpx.Response(302, headers={"Location": signed})
        )
        hop2 = mock.get(signed).mock(return_value=httpx.Response(200, content=b"%PDF"))
        async with AsyncClient(access_token="t", config=CONFIG) as client:
            result = await client.for_account(999).uploads.download(upload_id=1001)
    assert result.body == b"%PDF"
    assert hop1.calls.last.request.headers["authorization"] == "Bearer t"
    assert "authorization" not in hop2.calls.last.request.headers


async def test_download_without_download_url_raises_api_error() -> None:
    with respx.mock() as mock:
        mock.get("https://3.basecampapi.com/999/uploads/1001").mock(
            return_value=httpx.Response(200, json={"id": 1001})
        )
        async with AsyncClient(access_token="t", config=CONFIG) as client:
            with pytest.raises(ApiError, match="download_url"):
                await client.for_account(999).uploads.download(upload_id=1001)


def test_uploads_has_download_on_both_twins() -> None:
    assert callable(basecamp.services.Uploads.download)
    assert callable(basecamp.services.AsyncUploads.download)


# -- service objects and accessors --------------------------------------------------------


def test_accessors_return_cached_typed_services() -> None:
    with Client(access_token="t", config=CONFIG) as client:
        account = client.for_account(999)
        projects = account.projects
        assert isinstance(projects, Projects)
        assert isinstance(projects, Service)
        assert account.projects is projects
        assert projects._account is account
        assert "Projects" in repr(projects)
        assert "999" in repr(projects)
        assert isinstance(account.card_columns, basecamp.services.CardColumns)
        assert isinstance(account.my_notes, basecamp.services.MyNotes)


async def test_async_accessors_return_async_services() -> None:
    async with AsyncClient(access_token="t", config=CONFIG) as client:
        account = client.for_account(999)
        assert isinstance(account.projects, AsyncProjects)
        assert isinstance(account.projects, AsyncService)
        assert account.projects is account.projects


def test_every_accessor_exists_on_both_clients() -> None:
    for accessor, class_name in SERVICES.items():
        assert isinstance(getattr(AccountClient, accessor), property)
        assert getattr(basecamp.services, class_name).__name__ == class_name
        assert getattr(basecamp.services, "Async" + class_name).__name__ == "Async" + class_name


def test_public_map() -> None:
    feed = {
        "AsyncCheckpointStore",
        "AsyncFeedFollower",
        "Checkpoint",
        "CheckpointStore",
        "FeedFollower",
        "FeedGap",
        "FeedPage",
        "FileCheckpointStore",
        "MemoryCheckpointStore",
        "SQLiteCheckpointStore",
    }
    assert set(basecamp.services.__all__) == {"Service", "AsyncService", *EXPORTS, *feed}
    assert len(SERVICES) >= 53
    for name in basecamp.services.__all__:
        assert getattr(basecamp.services, name) is not None
    assert set(basecamp.services.__all__) <= set(dir(basecamp.services))
    with pytest.raises(AttributeError):
        basecamp.services.NoSuchService  # noqa: B018


def test_models_module_reexports_the_typed_dicts() -> None:
    from basecamp.services import models

    assert "Project" in models.__all__
    assert "Todo" in models.__all__
    assert models.Project.__name__ == "Project"
    assert models.Todo.__doc__


def _run(code: str) -> Any:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )


def test_import_is_lazy() -> None:
    out = _run(
        """
        import sys
        import basecamp.services
        loaded = sorted(m for m in sys.modules if m.startswith("basecamp.services."))
        print(loaded)
        assert loaded == [
            "basecamp.services._base",
            "basecamp.services._generated",
            "basecamp.services._generated._index",
        ], loaded
        assert "httpx" not in sys.modules

        basecamp.services.Projects
        loaded = {m for m in sys.modules if m.startswith("basecamp.services._generated.")}
        assert "basecamp.services._generated.projects" in loaded
        assert "basecamp.services._generated.todos" not in loaded
        assert "basecamp.services._generated.models" not in loaded
        """
    )
    assert out.returncode == 0


def test_all_service_modules_import_quickly() -> None:
    out = _run(
        """
        import time
        start = time.perf_counter()
        import basecamp.services as s
        for name in s.__all__:
            getattr(s, name)
        print(time.perf_counter() - start)
        """
    )
    assert float(out.stdout) < 2.0
