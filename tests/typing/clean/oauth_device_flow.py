"""The device flow."""

from basecamp.oauth import (
    DeviceAuthorization,
    discover_launchpad,
    poll_device_token,
    request_device_authorization,
)

config = discover_launchpad()
if config.device_authorization_endpoint:
    device: DeviceAuthorization = request_device_authorization(
        endpoint=config.device_authorization_endpoint, client_id="id"
    )
    print(device.verification_uri, device.user_code.upper(), device.interval)
    token = poll_device_token(token_endpoint=config.token_endpoint, device=device, client_id="id")
    print(token.token_type)
