# The Basecamp API client.
#
# `basecamp` is one import namespace shipped as several distributions: this package
# (basecamp-core) holds the clients, configuration, auth, errors, retry, pagination, hooks and
# downloads. `basecamp.services`, `basecamp.oauth` and `basecamp.webhooks` are installed separately.
#
# Public names load on first use (PEP 562), so `import basecamp.webhooks` stays light and never
# imports httpx.
#
# Example:
#     ```python
#     from basecamp import Client
#
#     with Client(access_token="...") as client:
#         account = client.for_account(12345)
#         for project in account.projects.list():
#             print(project["name"])
#     ```

# Not `from typing import TYPE_CHECKING`: typing costs more to import than `basecamp.webhooks`
# itself, and type checkers treat any `TYPE_CHECKING` name alike.
TYPE_CHECKING = False


def _namespace_path(path: list[str]) -> list[str]:
    """Add the other distributions' `basecamp/` folders on `sys.path` to `path`.

    With every wheel in one `site-packages` there is one folder and this adds nothing; editable
    installs, `pip install --target` and a vendored core put them in different places. It is
    `pkgutil.extend_path` for plain folders: importing `pkgutil` would cost more than the rest
    of `import basecamp.webhooks`, so it is left to zip entries on `sys.path`, which need it.
    """
    import os
    import sys

    path = list(path)
    entries: list[object] = list(sys.path)  # typed `list[str]`, but anything can be put there
    for entry in entries:
        if not isinstance(entry, str):
            continue
        folder = entry or os.getcwd()
        if os.path.isfile(folder):  # a zip archive: only an import finder can look inside
            import pkgutil

            return pkgutil.extend_path(path, __name__)
        portion = os.path.join(folder, __name__)
        if portion not in path and os.path.isdir(portion):
            path.append(portion)
    return path


__path__ = _namespace_path(__path__)

if TYPE_CHECKING:
    from ._async.account import AsyncAccountClient
    from ._async.auth import AsyncOAuthTokenProvider, AsyncStaticTokenProvider
    from ._async.client import (
        AsyncClient,
        AuthorizationAccount,
        AuthorizationIdentity,
        AuthorizationInfo,
    )
    from ._async.pager import AsyncPager
    from ._auth import AsyncTokenProvider, AuthStrategy, BearerAuth, TokenProvider
    from ._cache import CacheEntry, CacheStore, MemoryCache
    from ._config import Config
    from ._download import DownloadInfo, DownloadResult
    from ._errors import (
        AmbiguousError,
        ApiError,
        AuthError,
        BasecampError,
        ErrorCode,
        ExitCode,
        ForbiddenError,
        LimitExceededError,
        NetworkError,
        NotFoundError,
        RateLimitError,
        UsageError,
        ValidationError,
    )
    from ._operation import Operation, Param, RetrySettings
    from ._pagination import ListMeta, ListResult
    from ._response import JSON
    from ._sync.account import AccountClient
    from ._sync.auth import OAuthTokenProvider, StaticTokenProvider
    from ._sync.client import Client
    from ._sync.pager import Pager
    from ._version import __version__

__all__ = [
    # clients
    "Client",
    "AsyncClient",
    "AccountClient",
    "AsyncAccountClient",
    "Config",
    # caching
    "MemoryCache",
    "CacheStore",
    "CacheEntry",
    # results
    "ListResult",
    "ListMeta",
    "Pager",
    "AsyncPager",
    "DownloadResult",
    "DownloadInfo",
    "AuthorizationInfo",
    "AuthorizationIdentity",
    "AuthorizationAccount",
    "JSON",
    # auth
    "AuthStrategy",
    "BearerAuth",
    "TokenProvider",
    "AsyncTokenProvider",
    "StaticTokenProvider",
    "AsyncStaticTokenProvider",
    "OAuthTokenProvider",
    "AsyncOAuthTokenProvider",
    # errors
    "BasecampError",
    "ErrorCode",
    "ExitCode",
    "UsageError",
    "NotFoundError",
    "AuthError",
    "ForbiddenError",
    "RateLimitError",
    "NetworkError",
    "ApiError",
    "AmbiguousError",
    "ValidationError",
    "LimitExceededError",
    # operation registry records
    "Operation",
    "Param",
    "RetrySettings",
    "__version__",
]

# Checkers see only the imports above: a misspelled name is an error, not an `object`.
if not TYPE_CHECKING:
    # name -> module (relative, so a vendored copy under another package name still works)
    _LAZY = {
        "Client": "._sync.client",
        "AccountClient": "._sync.account",
        "Pager": "._sync.pager",
        "AsyncClient": "._async.client",
        "AsyncAccountClient": "._async.account",
        "AsyncPager": "._async.pager",
        "Config": "._config",
        **dict.fromkeys(("MemoryCache", "CacheStore", "CacheEntry"), "._cache"),
        "ListResult": "._pagination",
        "ListMeta": "._pagination",
        "DownloadResult": "._download",
        "DownloadInfo": "._download",
        **dict.fromkeys(
            ("AuthorizationInfo", "AuthorizationIdentity", "AuthorizationAccount"), "._async.client"
        ),
        "JSON": "._response",
        "Operation": "._operation",
        "Param": "._operation",
        "RetrySettings": "._operation",
        "__version__": "._version",
        "StaticTokenProvider": "._sync.auth",
        "OAuthTokenProvider": "._sync.auth",
        "AsyncStaticTokenProvider": "._async.auth",
        "AsyncOAuthTokenProvider": "._async.auth",
        **dict.fromkeys(
            ("AuthStrategy", "BearerAuth", "TokenProvider", "AsyncTokenProvider"), "._auth"
        ),
        **dict.fromkeys(
            (
                "BasecampError",
                "ErrorCode",
                "ExitCode",
                "UsageError",
                "NotFoundError",
                "AuthError",
                "ForbiddenError",
                "RateLimitError",
                "NetworkError",
                "ApiError",
                "AmbiguousError",
                "ValidationError",
                "LimitExceededError",
            ),
            "._errors",
        ),
    }

    def __getattr__(name: str) -> object:
        module_name = _LAZY.get(name)
        if module_name is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(module_name, __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__))
