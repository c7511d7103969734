"""Downloads end to end against real servers on 127.0.0.1: the two hops, their headers, the
result, streaming to files and iterators, and failures mid-stream."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import respx
from core_testkit import TOKEN, Loopback, RecordingHooks, Reply, Runner

import basecamp
from basecamp import (
    ApiError,
    BasecampError,
    Config,
    DownloadResult,
    NetworkError,
    NotFoundError,
    UsageError,
)
from basecamp._download import (
    INFLATION_ALLOWANCE,
    MAX_INFLATION_RATIO,
    DownloadInfo,
    download_target,
    filename_from,
    inflation_exceeded,
    on_api_origin,
)
from basecamp.hooks import console_hooks

BLOB = "/999/blobs/abc/download/report.pdf"
STORED = "/bucket/report.pdf"
SIGNATURE = "X-Amz-Signature=SIGNED-f00d"
BASE = "https://3.basecampapi.com"
PAYLOAD = bytes(range(256)) * 40  # 10 KiB, binary


def names(folder: Path) -> list[str]:
    """The sorted file names in `folder` (temporary files included)."""
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def storage() -> Iterator[Loopback]:
    """The storage server: another origin than the API."""
    server = Loopback()
    try:
        yield server
    finally:
        server.close()


def redirecting(loopback: Loopback, storage: Loopback, *, body: bytes = PAYLOAD) -> str:
    signed = f"{storage.url}{STORED}?{SIGNATURE}"
    loopback.route(BLOB, Reply(302, b"", {"Location": signed}))
    storage.route(
        STORED,
        Reply(
            200,
            body,
            {
                "Content-Type": "application/pdf",
                "Content-Disposition": 'attachment; filename="Q3 report.pdf"',
            },
        ),
    )
    return f"{loopback.url}{BLOB}"


async def test_two_hops(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config
) -> None:
    url = redirecting(loopback, storage)
    result = await runner.call(runner.account(config=loop_config).download_url(url))
    assert isinstance(result, DownloadResult)
    assert result.body == PAYLOAD
    assert result.content_type == "application/pdf"
    assert result.content_length == len(PAYLOAD)
    assert result.filename == "Q3 report.pdf"
    assert SIGNATURE not in repr(result)

    (hop1,) = loopback.seen(BLOB)
    assert hop1.header("Authorization") == f"Bearer {TOKEN}"
    assert (hop1.header("User-Agent") or "").startswith("basecamp-python/")

    (hop2,) = storage.seen(STORED)
    assert hop2.header("Authorization") is None
    assert "basecamp" not in (hop2.header("User-Agent") or "")
    assert TOKEN not in str(hop2.headers)
    assert hop2.path == f"{STORED}?{SIGNATURE}"


async def test_relative_download_path(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config
) -> None:
    redirecting(loopback, storage)
    result = await runner.call(
        runner.account(config=loop_config).download_url("/blobs/abc/download/report.pdf")
    )
    assert result.body == PAYLOAD


async def test_filename_from_url_when_no_disposition(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config
) -> None:
    loopback.route(BLOB, Reply(302, b"", {"Location": f"{storage.url}/b/My%20File.txt?sig=1"}))
    storage.route("/b/My%20File.txt", Reply(200, b"hi"))
    result = await runner.call(
        runner.account(config=loop_config).download_url(f"{loopback.url}{BLOB}")
    )
    assert result.filename == "My File.txt"
    assert result.content_type is None
    assert result.content_length == 2


async def test_api_serving_bytes_directly(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    loopback.route(BLOB, Reply(200, b"direct", {"Content-Type": "text/plain"}))
    result = await runner.call(
        runner.account(config=loop_config).download_url(f"{loopback.url}{BLOB}")
    )
    assert result.body == b"direct"
    assert result.filename == "report.pdf"


async def test_hop1_only_to_api_origin(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config
) -> None:
    storage.route(STORED, Reply(200, b"x"))
    with pytest.raises(UsageError, match="API origin"):
        await runner.call(runner.account(config=loop_config).download_url(f"{storage.url}{STORED}"))
    assert storage.seen() == []


async def test_hop2_follows_no_redirect(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config
) -> None:
    loopback.route(BLOB, Reply(302, b"", {"Location": f"{storage.url}{STORED}"}))
    storage.route(STORED, Reply(302, b"", {"Location": f"{storage.url}/elsewhere"}))
    storage.route("/elsewhere", Reply(200, b"x"))
    with pytest.raises(ApiError, match="302"):
        await runner.call(runner.account(config=loop_config).download_url(f"{loopback.url}{BLOB}"))
    assert storage.seen("/elsewhere") == []


async def test_hop1_redirect_to_api_origin_still_unauthenticated(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    loopback.route(BLOB, Reply(302, b"", {"Location": "/files/report.pdf?sig=1"}))
    loopback.route("/files/report.pdf", Reply(200, b"same origin"))
    result = await runner.call(
        runner.account(config=loop_config).download_url(f"{loopback.url}{BLOB}")
    )
    assert result.body == b"same origin"
    (hop2,) = loopback.seen("/files/report.pdf")
    assert hop2.header("Authorization") is None


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(302, b""), "no Location"),
        (Reply(302, b"", {"Location": "ftp://files.example/x"}), "unsupported URL scheme"),
        (Reply(404, {"error": "No such blob"}), "No such blob"),
    ],
)
async def test_hop1_failures(
    runner: Runner, loopback: Loopback, loop_config: Config, reply: Reply, error: str
) -> None:
    loopback.route(BLOB, reply)
    with pytest.raises(BasecampError, match=error) as caught:
        await runner.call(runner.account(config=loop_config).download_url(f"{loopback.url}{BLOB}"))
    if reply.status == 404:
        assert isinstance(caught.value, NotFoundError)


async def test_hop2_retries_server_errors(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config, sleeps: list[float]
) -> None:
    loopback.route(BLOB, Reply(302, b"", {"Location": f"{storage.url}{STORED}"}))
    storage.route(STORED, Reply(503), Reply(200, b"ok"))
    result = await runner.call(
        runner.account(config=loop_config).download_url(f"{loopback.url}{BLOB}")
    )
    assert result.body == b"ok"
    assert len(storage.seen(STORED)) == 2
    assert all(s.header("Authorization") is None for s in storage.seen(STORED))


async def test_download_limit_is_max_download_bytes(
    runner: Runner, loopback: Loopback, storage: Loopback
) -> None:
    url = redirecting(loopback, storage)  # 10 KiB
    config = Config(base_url=loopback.url, max_response_bytes=1024, max_download_bytes=20_000)
    result = await runner.call(runner.account(config=config).download_url(url))
    assert result.body == PAYLOAD
    small = Config(base_url=loopback.url, max_download_bytes=4096)
    with pytest.raises(ApiError, match="4096-byte limit"):
        await runner.call(runner.account(config=small).download_url(url))


async def test_direct_download_limit_is_max_download_bytes(
    runner: Runner, loopback: Loopback
) -> None:
    loopback.route(BLOB, Reply(200, PAYLOAD))
    config = Config(base_url=loopback.url, max_response_bytes=1024, max_download_bytes=20_000)
    result = await runner.call(runner.account(config=config).download_url(f"{loopback.url}{BLOB}"))
    assert result.body == PAYLOAD


# -- hooks and logs never see the signature ---------------------------------------------------


async def test_signed_query_never_in_hooks_or_logs(
    runner: Runner,
    loopback: Loopback,
    storage: Loopback,
    loop_config: Config,
    recording_hooks: RecordingHooks,
) -> None:
    url = redirecting(loopback, storage)
    log = io.StringIO()
    hooks = basecamp.hooks.chain_hooks(recording_hooks, console_hooks(log))
    account = runner.account(config=loop_config, hooks=hooks)
    await runner.call(account.download_url(url))
    await runner.call(account.download_to(url, io.BytesIO()))
    assert "SIGNED-f00d" not in repr(recording_hooks.calls)
    assert "SIGNED-f00d" not in log.getvalue()
    shown = [c[1].url for c in recording_hooks.calls if c[0] == "request_start"]
    assert f"{storage.url}{STORED}" in shown


@pytest.mark.parametrize(
    "location",
    [
        # a storage host whose name merely starts with the API origin's text
        "https://3.basecampapi.com.storage.example/f.pdf?sig=SIGNED-f00d",
        # a signed URL on the API origin itself: hop 2 is still a foreign, unauthenticated fetch
        "https://3.basecampapi.com/storage/f.pdf?sig=SIGNED-f00d",
    ],
)
async def test_signed_query_redacted_for_lookalike_hosts(
    runner: Runner, recording_hooks: RecordingHooks, location: str
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get("https://3.basecampapi.com/999/blobs/1/download/f.pdf").respond(
            302, headers={"Location": location}
        )
        mock.get(location.split("?")[0]).respond(200, content=b"data")
        account = runner.account(hooks=recording_hooks)
        result = await runner.call(account.download_url("/blobs/1/download/f.pdf"))
    assert result.body == b"data"
    assert "SIGNED-f00d" not in repr(recording_hooks.calls)


# -- streaming --------------------------------------------------------------------------------


async def test_download_to_path(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config, tmp_path: Path
) -> None:
    url = redirecting(loopback, storage)
    target = tmp_path / "out.pdf"
    info = await runner.call(runner.account(config=loop_config).download_to(url, target))
    assert isinstance(info, DownloadInfo)
    assert target.read_bytes() == PAYLOAD
    assert info.content_length == len(PAYLOAD)
    assert info.content_type == "application/pdf"
    assert info.filename == "Q3 report.pdf"
    assert names(tmp_path) == ["out.pdf"]
    assert storage.seen(STORED)[0].header("Authorization") is None


async def test_download_to_str_path_replaces_existing(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config, tmp_path: Path
) -> None:
    url = redirecting(loopback, storage, body=b"new")
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    await runner.call(runner.account(config=loop_config).download_to(url, str(target)))
    assert target.read_bytes() == b"new"


async def test_download_to_file_object(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config
) -> None:
    url = redirecting(loopback, storage)
    sink = io.BytesIO()
    info = await runner.call(runner.account(config=loop_config).download_to(url, sink))
    assert sink.getvalue() == PAYLOAD
    assert not sink.closed
    assert info.content_length == len(PAYLOAD)


async def test_download_to_direct_reply(
    runner: Runner, loopback: Loopback, loop_config: Config, tmp_path: Path
) -> None:
    loopback.route(BLOB, Reply(200, b"direct bytes"))
    target = tmp_path / "d.bin"
    await runner.call(
        runner.account(config=loop_config).download_to(f"{loopback.url}{BLOB}", target)
    )
    assert target.read_bytes() == b"direct bytes"


async def test_iter_download(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config
) -> None:
    url = redirecting(loopback, storage)
    chunks = await runner.collect(runner.account(config=loop_config).iter_download(url))
    assert b"".join(chunks) == PAYLOAD
    assert storage.seen(STORED)[0].header("Authorization") is None


async def test_mid_stream_failure_leaves_no_partial_file(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config, tmp_path: Path
) -> None:
    loopback.route(BLOB, Reply(302, b"", {"Location": f"{storage.url}{STORED}"}))
    storage.route(STORED, Reply(200, PAYLOAD, truncate_at=1000))
    target = tmp_path / "out.pdf"
    with pytest.raises(NetworkError):
        await runner.call(
            runner.account(config=loop_config).download_to(f"{loopback.url}{BLOB}", target)
        )
    assert names(tmp_path) == []


async def test_mid_stream_failure_keeps_previous_file(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config, tmp_path: Path
) -> None:
    loopback.route(BLOB, Reply(302, b"", {"Location": f"{storage.url}{STORED}"}))
    storage.route(STORED, Reply(200, PAYLOAD, truncate_at=10))
    target = tmp_path / "out.pdf"
    target.write_bytes(b"previous version")
    with pytest.raises(NetworkError):
        await runner.call(
            runner.account(config=loop_config).download_to(f"{loopback.url}{BLOB}", target)
        )
    assert target.read_bytes() == b"previous version"
    assert names(tmp_path) == ["out.pdf"]


async def test_iter_download_mid_stream_failure(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config
) -> None:
    loopback.route(BLOB, Reply(302, b"", {"Location": f"{storage.url}{STORED}"}))
    storage.route(STORED, Reply(200, PAYLOAD, truncate_at=1000))
    with pytest.raises(NetworkError):
        await runner.collect(
            runner.account(config=loop_config).iter_download(f"{loopback.url}{BLOB}")
        )


async def test_download_to_hop_failure_creates_nothing(
    runner: Runner, loopback: Loopback, loop_config: Config, tmp_path: Path
) -> None:
    loopback.route(BLOB, Reply(403, {"error": "nope"}))
    with pytest.raises(BasecampError):
        await runner.call(
            runner.account(config=loop_config).download_to(
                f"{loopback.url}{BLOB}", tmp_path / "x.bin"
            )
        )
    assert names(tmp_path) == []


async def test_streaming_write_failure_cleans_up(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config, tmp_path: Path
) -> None:
    url = redirecting(loopback, storage)
    missing_dir = tmp_path / "missing" / "out.pdf"
    with pytest.raises(OSError):
        await runner.call(runner.account(config=loop_config).download_to(url, missing_dir))
    assert names(tmp_path) == []


# -- pure helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("disposition", "url", "expected"),
    [
        ('attachment; filename="a.pdf"', "https://x/y/z.bin", "a.pdf"),
        ("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", "https://x/z", "résumé.pdf"),
        ('attachment; filename="../../etc/passwd"', "https://x/z", "etcpasswd"),
        ('attachment; filename="..\\\\evil.exe"', "https://x/z", "evil.exe"),
        (None, "https://x/files/photo%20one.png?sig=1", "photo one.png"),
        (None, "https://x/", None),
        ('attachment; filename=".."', "https://x/", None),
        ("inline", "https://x/dir/name.txt", "name.txt"),
        ('attachment; filename="a\\r\\nb.txt"', "https://x/", "arnb.txt"),
    ],
)
def test_filename_from(disposition: str | None, url: str, expected: str | None) -> None:
    assert filename_from(disposition, url) == expected


def test_download_result_repr_hides_body() -> None:
    result = DownloadResult(
        body=b"secret bytes", content_type="a/b", content_length=12, filename=None
    )
    assert "secret bytes" not in repr(result)


# -- URLs on Basecamp's hosts (the storage host) are moved onto the API origin ---------------

STORAGE_URL = "https://storage.3.basecamp.com/999/blobs/k3y/download/report.pdf"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (STORAGE_URL, "https://3.basecampapi.com/999/blobs/k3y/download/report.pdf"),
        (
            f"{STORAGE_URL}?disposition=inline",
            f"{BASE}/999/blobs/k3y/download/report.pdf?disposition=inline",
        ),
        ("https://STORAGE.3.Basecamp.COM/999/b/x.pdf", f"{BASE}/999/b/x.pdf"),
        ("https://storage.3.basecamp.com:443/999/b/x.pdf", f"{BASE}/999/b/x.pdf"),
        ("https://3.basecampapi.com/999/b/My%20File.pdf#frag", f"{BASE}/999/b/My%20File.pdf"),
        ("https://basecamp.com/999/b/x", f"{BASE}/999/b/x"),
        ("https://a-b.c1.basecampapi.com/999/b/x", f"{BASE}/999/b/x"),
        ("https://storage.3.basecamp.com", f"{BASE}/"),
        # not a Basecamp host: left to the API-origin rule (None)
        ("https://evilbasecamp.com/999/b/x", None),
        ("https://basecamp.com.evil.org/999/b/x", None),
        ("https://storage.3.basecamp.com.evil.org/999/b/x", None),
        ("https://3.basecampapi.com.storage.example/f.pdf", None),
        ("https://storage.3.basecamp.com@evil.org/999/b/x", None),
        ("https://storage.3.basecamp.com:443@evil.org/x", None),
        ("https://storage.3.basecamp.com./999/b/x", None),
        ("https://storage.3.basecamp%2ecom/999/b/x", None),
        ("https://storage-basecamp.com/x", None),
        ("https://storage.3.basecamp\uff0ecom/x", None),
        ("https://-bad.basecamp.com/x", None),
        ("https://a..basecamp.com/x", None),
        ("https://[::1]/x", None),
        ("https://storage.3.basecamp.com:99999/x", None),
        ("/999/blobs/k/download/x.pdf", None),
    ],
)
def test_basecamp_hosts_move_onto_the_api_origin(url: str, expected: str | None) -> None:
    assert on_api_origin(url, base_url=BASE) == expected


def test_the_base_url_path_prefix_is_kept() -> None:
    moved = on_api_origin(f"{STORAGE_URL}?a=1&b=%2F", base_url="http://127.0.0.1:8080/bc")
    assert moved == "http://127.0.0.1:8080/bc/999/blobs/k3y/download/report.pdf?a=1&b=%2F"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("https://evil.org@storage.3.basecamp.com/999/b/x", "user info"),
        ("https://user:pw@storage.3.basecamp.com/999/b/x", "user info"),
        ("https://evil.org\\@storage.3.basecamp.com/999/b/x", "user info"),
        ("https://storage.3.basecamp.com:8443/999/b/x", "default port"),
        ("http://storage.3.basecamp.com/999/b/x", "plain https"),
        ("//storage.3.basecamp.com/999/b/x", "plain https"),
        ("ftp://storage.3.basecamp.com/999/b/x", "plain https"),
        ("https://storage.3.basecamp.com/999/../admin", "path segments"),
    ],
)
def test_odd_spellings_of_a_basecamp_host_are_refused(url: str, error: str) -> None:
    with pytest.raises(UsageError, match=error):
        on_api_origin(url, base_url=BASE)


@pytest.mark.parametrize(
    "url",
    [
        "https://evilbasecamp.com/999/b/x",
        "https://basecamp.com.evil.org/999/b/x",
        "https://storage.3.basecamp.com@evil.org/999/b/x",
        "https://storage.example.com/999/b/x",
        "https://storage.3.basecamp.com/999/b/x\r\nHost: evil.org",
        "https://storage.3.basecamp.com/999/b/\tx",
    ],
)
def test_download_target_refuses_other_hosts(url: str) -> None:
    with pytest.raises(UsageError):
        download_target(url, base_url=BASE, prefix="/999")


def test_download_target_keeps_paths_and_api_urls() -> None:
    assert download_target("/blobs/x", base_url=BASE, prefix="/999") == f"{BASE}/999/blobs/x"
    assert download_target(f"{BASE}/999/x?y=1", base_url=BASE, prefix="/999") == f"{BASE}/999/x?y=1"


async def _storage_download(runner: Runner, entry: str, url: str, tmp_path: Path) -> bytes:
    account = runner.account()
    if entry == "download_url":
        result = await runner.call(account.download_url(url))
        return bytes(result.body)
    if entry == "iter_download":
        return b"".join(await runner.collect(account.iter_download(url)))
    target = tmp_path / "out.pdf"
    await runner.call(account.download_to(url, target))
    return target.read_bytes()


@pytest.mark.parametrize("entry", ["download_url", "iter_download", "download_to"])
async def test_storage_host_url_goes_to_the_api_then_storage(
    runner: Runner, entry: str, tmp_path: Path
) -> None:
    signed = "https://bc3-blobs.s3.example/k3y?X-Amz-Signature=SIGNED-f00d"
    with respx.mock(assert_all_called=True) as mock:
        hop1 = mock.get(f"{BASE}/999/blobs/k3y/download/report.pdf").respond(
            302, headers={"Location": signed}
        )
        hop2 = mock.get(signed).respond(200, content=b"%PDF-bytes")
        body = await _storage_download(runner, entry, f"{STORAGE_URL}?v=2", tmp_path)
    assert body == b"%PDF-bytes"
    sent = hop1.calls.last.request
    assert sent.url.host == "3.basecampapi.com"
    assert sent.url.params["v"] == "2"
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "authorization" not in hop2.calls.last.request.headers


@pytest.mark.parametrize("entry", ["download_url", "iter_download", "download_to"])
async def test_lookalike_hosts_stay_usage_errors(
    runner: Runner, entry: str, tmp_path: Path
) -> None:
    with respx.mock(assert_all_mocked=False, assert_all_called=False) as mock:
        route = mock.route().respond(200, content=b"x")
        for url in (
            "https://evilbasecamp.com/999/blobs/k/download/x",
            "https://basecamp.com.evil.org/999/blobs/k/download/x",
            "https://storage.3.basecamp.com:444/999/blobs/k/download/x",
            "https://a@storage.3.basecamp.com/999/blobs/k/download/x",
        ):
            with pytest.raises(UsageError):
                await _storage_download(runner, entry, url, tmp_path)
    assert route.calls.call_count == 0
    assert names(tmp_path) == []


async def test_storage_host_url_reaches_a_loopback_fake(
    runner: Runner, loopback: Loopback, storage: Loopback, loop_config: Config
) -> None:
    redirecting(loopback, storage)
    result = await runner.call(
        runner.account(config=loop_config).download_url(
            "https://storage.3.basecamp.com/999/blobs/abc/download/report.pdf"
        )
    )
    assert result.body == PAYLOAD
    (hop1,) = loopback.seen(BLOB)
    assert hop1.header("Authorization") == f"Bearer {TOKEN}"
    (hop2,) = storage.seen(STORED)
    assert hop2.header("Authorization") is None


# -- streamed-download limits (pure parts) ----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "decoded", "refused"),
    [
        (0, INFLATION_ALLOWANCE, False),
        (0, INFLATION_ALLOWANCE + 1, True),
        (1000, 1000 * MAX_INFLATION_RATIO + INFLATION_ALLOWANCE, False),
        (1000, 1000 * MAX_INFLATION_RATIO + INFLATION_ALLOWANCE + 1, True),
        (2 * 1024 * 1024, 2 * 1024**3, True),  # the 2 MB -> 2 GiB bomb of issue 14
        (1024 * 1024, 20 * 1024 * 1024, False),  # text compressed 20:1
    ],
)
def test_inflation_limit(raw: int, decoded: int, refused: bool) -> None:
    assert inflation_exceeded(raw, decoded) is refused


def test_download_deadline_is_finite_and_positive() -> None:
    assert 0 < Config().download_deadline < float("inf")
    for bad in (0, -1, float("inf"), True):
        with pytest.raises(UsageError, match="download_deadline"):
            Config(download_deadline=bad)
