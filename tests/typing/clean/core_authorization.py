"""The token's accounts feed `for_account` directly."""

from basecamp import Client

with Client(access_token="...") as client:
    authorization = client.authorization.get()
    account = client.for_account(authorization["accounts"][0]["id"])
    print(authorization["identity"]["email_address"], account)
