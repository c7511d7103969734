"""`AsyncClient` needs `async with`."""

from basecamp import AsyncClient


def main() -> None:
    with AsyncClient(access_token="..."):  # expect-error
        pass
