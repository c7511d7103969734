"""`with` on a subclass keeps the subclass: `__enter__` returns `Self`."""

from basecamp import Client


class AppClient(Client):
    def default_account(self) -> int:
        return 12345


with AppClient(access_token="...") as client:
    account = client.for_account(client.default_account())
    print(account.account_id)
