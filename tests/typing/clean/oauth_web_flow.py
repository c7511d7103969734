"""The web flow: state, PKCE, the authorization URL, the code exchange."""

from basecamp.oauth import (
    PKCE,
    OAuthConfig,
    OAuthToken,
    build_authorization_url,
    discover_launchpad,
    exchange_code,
    generate_pkce,
    generate_state,
)

config: OAuthConfig = discover_launchpad()
pkce: PKCE = generate_pkce()
state: str = generate_state()
url = build_authorization_url(
    endpoint=config.authorization_endpoint,
    client_id="id",
    redirect_uri="https://app.example/callback",
    state=state,
    pkce=pkce,
    scope=["read"],
)
token: OAuthToken = exchange_code(
    token_endpoint=config.token_endpoint,
    code="code",
    redirect_uri="https://app.example/callback",
    client_id="id",
    code_verifier=pkce.verifier,
)
print(url.upper(), token.scope)
