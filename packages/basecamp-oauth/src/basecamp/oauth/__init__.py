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

from ._async.flows import discover as adiscover
from ._async.flows import discover_launchpad as adiscover_launchpad
from ._async.flows import discover_protected_resource as adiscover_protected_resource
from ._async.flows import exchange_code as aexchange_code
from ._async.flows import poll_device_token as apoll_device_token
from ._async.flows import refresh_token as arefresh_token
from ._async.flows import request_device_authorization as arequest_device_authorization
from ._async.loopback import run_local_flow as arun_local_flow
from ._device import AsyncSleep, DeviceAuthorization, Sleep
from ._errors import OAuthError, OAuthRejectedError, OAuthTimeoutError
from ._metadata import OAuthConfig, ProtectedResourceMetadata
from ._pkce import PKCE, generate_pkce, generate_state
from ._sync.flows import (
    discover,
    discover_launchpad,
    discover_protected_resource,
    exchange_code,
    poll_device_token,
    refresh_token,
    request_device_authorization,
)
from ._sync.loopback import run_local_flow
from ._token import OAuthToken
from ._urls import LAUNCHPAD_BASE_URL, build_authorization_url

__all__ = [
    # discovery
    "LAUNCHPAD_BASE_URL",
    "OAuthConfig",
    "ProtectedResourceMetadata",
    "discover",
    "discover_launchpad",
    "discover_protected_resource",
    "adiscover",
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
    # errors
    "OAuthError",
    "OAuthRejectedError",
    "OAuthTimeoutError",
]
