"""Config: defaults, environment, validation and immutability."""

from __future__ import annotations

import dataclasses

import pytest

from basecamp import Config, UsageError


def test_defaults() -> None:
    config = Config()
    assert config.base_url == "https://3.basecampapi.com"
    assert config.timeout == 30.0
    assert config.max_retries == 3
    assert config.base_delay == 1.0
    assert config.max_jitter == 0.1
    assert config.max_pages == 10_000
    assert config.max_backoff == 30.0
    assert config.max_retry_after == 60.0
    assert config.launchpad_url == "https://launchpad.37signals.com"


def test_frozen() -> None:
    config = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.max_retries = 5  # type: ignore[misc]


def test_keyword_only() -> None:
    with pytest.raises(TypeError):
        Config("https://3.basecampapi.com")  # type: ignore[misc]


def test_from_env_reads_variables_and_strips_trailing_slash() -> None:
    config = Config.from_env(
        {
            "BASECAMP_BASE_URL": "https://example.com/",
            "BASECAMP_TIMEOUT": "12.5",
            "BASECAMP_MAX_RETRIES": "7",
        }
    )
    assert config.base_url == "https://example.com"
    assert config.timeout == 12.5
    assert config.max_retries == 7


def test_from_env_empty_keeps_defaults() -> None:
    assert Config.from_env({}) == Config()
    assert Config.from_env({"BASECAMP_TIMEOUT": " ", "BASECAMP_BASE_URL": ""}) == Config()


def test_from_env_uses_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASECAMP_MAX_RETRIES", "0")
    monkeypatch.setenv("BASECAMP_BASE_URL", "http://localhost:3000/")
    config = Config.from_env()
    assert config.max_retries == 0
    assert config.base_url == "http://localhost:3000"


def test_from_env_overrides_win() -> None:
    config = Config.from_env({"BASECAMP_MAX_RETRIES": "7"}, max_retries=1, max_pages=5)
    assert config.max_retries == 1
    assert config.max_pages == 5


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"BASECAMP_TIMEOUT": "soon"}, "BASECAMP_TIMEOUT"),
        ({"BASECAMP_MAX_RETRIES": "2.5"}, "BASECAMP_MAX_RETRIES"),
        ({"BASECAMP_MAX_RETRIES": "-1"}, "max_retries"),
        ({"BASECAMP_TIMEOUT": "0"}, "timeout"),
        ({"BASECAMP_TIMEOUT": "inf"}, "timeout"),
        ({"BASECAMP_TIMEOUT": "nan"}, "timeout"),
        ({"BASECAMP_BASE_URL": "http://example.com"}, "https"),
    ],
)
def test_from_env_invalid(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        Config.from_env(env)


def test_from_env_unknown_override() -> None:
    with pytest.raises(UsageError, match="Unknown Config field"):
        Config.from_env({}, max_retry=1)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"max_pages": True}, "max_pages must be an int"),
        ({"max_pages": float("inf")}, "max_pages must be an int"),
        ({"max_pages": 2.0}, "max_pages must be an int"),
        ({"max_pages": 0}, "max_pages must be at least 1"),
        ({"max_retries": True}, "max_retries must be an int"),
        ({"max_retries": -1}, "max_retries must be at least 0"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"max_response_bytes": 10}, "max_response_bytes"),
        ({"timeout": 0}, "timeout must be positive"),
        ({"timeout": -1.0}, "timeout must be positive"),
        ({"timeout": float("nan")}, "timeout must be finite"),
        ({"timeout": float("inf")}, "timeout must be finite"),
        ({"timeout": True}, "timeout must be a number"),
        ({"timeout": "30"}, "timeout must be a number"),
        ({"timeout": 10**400}, "timeout"),
        ({"request_deadline": 0}, "request_deadline must be positive"),
        ({"base_delay": -0.5}, "base_delay must not be negative"),
        ({"max_jitter": -1}, "max_jitter"),
        ({"max_retry_after": float("inf")}, "max_retry_after"),
    ],
)
def test_validation(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        Config(**kwargs)  # type: ignore[arg-type]


def test_zero_delays_allowed() -> None:
    config = Config(base_delay=0, max_jitter=0, max_retries=0)
    assert config.base_delay == 0
    assert config.max_retries == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "http://localhost.example.com",
        "http://127.0.0.2",
        "ftp://example.com",
        "example.com",
        "https://",
        "",
        "https://user:pw@example.com",
        "https://example.com/?x=1",
        "https://example.com/#frag",
    ],
)
def test_base_url_rejected(url: str) -> None:
    with pytest.raises(UsageError, match="base_url"):
        Config(base_url=url)


def test_base_url_not_a_string() -> None:
    with pytest.raises(UsageError, match="base_url"):
        Config(base_url=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://localhost", "http://localhost"),
        ("http://localhost:8080/", "http://localhost:8080"),
        ("http://127.0.0.1:9", "http://127.0.0.1:9"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("https://example.com/", "https://example.com"),
        ("http://LOCALHOST:1", "http://localhost:1"),
    ],
)
def test_base_url_accepted(url: str, expected: str) -> None:
    assert Config(base_url=url).base_url == expected


def test_launchpad_url_validated() -> None:
    with pytest.raises(UsageError, match="launchpad_url"):
        Config(launchpad_url="http://launchpad.example.com")


def test_error_is_usage_error_with_exit_code() -> None:
    with pytest.raises(UsageError) as caught:
        Config(max_pages=True)
    assert caught.value.exit_code == 1
    assert caught.value.code == "usage"


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("https://3.basecampapi.com/api", "without a path"),
        ("https://host:abc", "invalid port"),
        ("https://host:99999", "invalid port"),
        ("https://host?", "query string"),
        ("https://host#", "query string"),
        ("https://ho st", "control characters"),
    ],
)
def test_base_url_must_be_a_clean_origin(url: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        Config(base_url=url)


def test_base_url_scheme_and_host_are_normalised() -> None:
    assert Config(base_url="HTTPS://3.BasecampAPI.com/").base_url == "https://3.basecampapi.com"
