"""Checked with `mypy --strict` beside `user_code.py`: the account clients satisfy the protocols
the services are typed against (`services/_base.py`), so the two cannot drift apart."""

from basecamp import AccountClient, AsyncAccountClient
from basecamp.services._base import AccountCalls, AsyncAccountCalls


def sync_account(account: AccountClient) -> AccountCalls:
    return account


def async_account(account: AsyncAccountClient) -> AsyncAccountCalls:
    return account
