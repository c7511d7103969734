"""`Config` fields and `client.config` are typed."""

from basecamp import Client, Config

config = Config(base_url="http://127.0.0.1:8080", timeout=5.0, max_retries=1)
with Client(access_token="...", config=config, user_agent="MyApp (me@example.com)") as client:
    timeout: float = client.config.timeout
    retries: int = client.config.max_retries
    print(timeout * 2, retries + 1, client.config.base_url.upper())
