"""OAuth 2.0 for Basecamp apps: discovery, PKCE, code exchange, refresh, device and loopback flows.

Every network function comes in two forms: a sync one (`discover`, `exchange_code`, ...) and an
async twin with an `a` prefix (`adiscover`, `aexchange_code`, ...). Both take the same keyword
arguments, except that the async ones accept an async httpx transport and an async `sleep`.
That includes the loopback flow: `run_local_flow` and `arun_local_flow`.

Example:
    ```python
    from basecamp.oauth import discover_launchpad

    config = discover_launchpad()
    print(config.token_endpoint)
    ```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._async.device import poll_device_token as apoll_device_token
    from ._async.device import request_device_authorization as arequest_device_authorization
    from ._async.device import run_device_flow as arun_device_flow
    from ._async.discovery import discover as adiscover
    from ._async.discovery import discover_from_resource as adiscover_from_resource
    from ._async.discovery import discover_launchpad as adiscover_launchpad
    from ._async.discovery import discover_protected_resource as adiscover_protected_resource
    from ._async.flows import exchange_code as aexchange_code
    from ._async.flows import refresh_token as arefresh_token
    from ._async.loopback import run_local_flow as arun_local_flow
    from ._device import AsyncSleep, DeviceAuthorization, Sleep
    from ._errors import DeviceFlowError, OAuthError, OAuthRejectedError, OAuthTimeoutError
    from ._metadata import Discovery, OAuthConfig, ProtectedResourceMetadata
    from ._pkce import PKCE, generate_pkce, generate_state
    from ._sync.device import poll_device_token, request_device_authorization, run_device_flow
    from ._sync.discovery import (
        discover,
        discover_from_resource,
        discover_launchpad,
        discover_protected_resource,
    )
    from ._sync.flows import exchange_code, refresh_token
    from ._sync.loopback import run_local_flow
    from ._token import OAuthToken
    from ._urls import LAUNCHPAD_BASE_URL, build_authorization_url

__all__ = [
    # discovery
    "LAUNCHPAD_BASE_URL",
    "Discovery",
    "OAuthConfig",
    "ProtectedResourceMetadata",
    "discover",
    "discover_from_resource",
    "discover_launchpad",
    "discover_protected_resource",
    "adiscover",
    "adiscover_from_resource",
    "adiscover_launchpad",
    "adiscover_protected_resource",
    # authorization code flow
    "PKCE",
    "generate_pkce",
    "generate_state",
    "build_authorization_url",
    "exchange_code",
    "aexchange_code",
    "run_local_flow",
    "arun_local_flow",
    # tokens
    "OAuthToken",
    "refresh_token",
    "arefresh_token",
    # device flow
    "DeviceAuthorization",
    "Sleep",
    "AsyncSleep",
    "request_device_authorization",
    "arequest_device_authorization",
    "poll_device_token",
    "apoll_device_token",
    "run_device_flow",
    "arun_device_flow",
    # errors
    "DeviceFlowError",
    "OAuthError",
    "OAuthRejectedError",
    "OAuthTimeoutError",
]

# Public names load on first use (PEP 562): `import basecamp.oauth` costs next to nothing, and
# a sync program never imports asyncio, nor an async one httpcore's sync internals.
# name -> (module, attribute in it)
_LAZY: dict[str, tuple[str, str]] = {
    "LAUNCHPAD_BASE_URL": ("._urls", "LAUNCHPAD_BASE_URL"),
    "build_authorization_url": ("._urls", "build_authorization_url"),
    "Discovery": ("._metadata", "Discovery"),
    "OAuthConfig": ("._metadata", "OAuthConfig"),
    "ProtectedResourceMetadata": ("._metadata", "ProtectedResourceMetadata"),
    "PKCE": ("._pkce", "PKCE"),
    "generate_pkce": ("._pkce", "generate_pkce"),
    "generate_state": ("._pkce", "generate_state"),
    "OAuthToken": ("._token", "OAuthToken"),
    "DeviceAuthorization": ("._device", "DeviceAuthorization"),
    "Sleep": ("._device", "Sleep"),
    "AsyncSleep": ("._device", "AsyncSleep"),
    "DeviceFlowError": ("._errors", "DeviceFlowError"),
    "OAuthError": ("._errors", "OAuthError"),
    "OAuthRejectedError": ("._errors", "OAuthRejectedError"),
    "OAuthTimeoutError": ("._errors", "OAuthTimeoutError"),
    "run_local_flow": ("._sync.loopback", "run_local_flow"),
    "arun_local_flow": ("._async.loopback", "run_local_flow"),
}
_SHELL_MODULES = {
    "discovery": (
        "discover",
        "discover_from_resource",
        "discover_launchpad",
        "discover_protected_resource",
    ),
    "flows": ("exchange_code", "refresh_token"),
    "device": ("request_device_authorization", "poll_device_token", "run_device_flow"),
}
for _module, _names in _SHELL_MODULES.items():
    for _name in _names:
        _LAZY[_name] = (f"._sync.{_module}", _name)
        _LAZY[f"a{_name}"] = (f"._async.{_module}", _name)


def __getattr__(name: str) -> object:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    from importlib import import_module

    value = getattr(import_module(module, __name__), attribute)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*__all__, *(name for name in globals() if name.startswith("_"))})
