"""The token's accounts feed `for_account` directly, and annotate user helpers."""

from basecamp import AuthorizationAccount, AuthorizationIdentity, AuthorizationInfo, Client


def basecamp_ids(accounts: list[AuthorizationAccount]) -> list[int]:
    return [account["id"] for account in accounts if account["product"] == "bc3"]


def greeting(identity: AuthorizationIdentity) -> str:
    return f"Hello {identity['first_name']} <{identity['email_address']}>"


with Client(access_token="...") as client:
    authorization: AuthorizationInfo = client.authorization.get()
    account = client.for_account(authorization["accounts"][0]["id"])
    print(greeting(authorization["identity"]), basecamp_ids(authorization["accounts"]), account)
