"""Checked with `mypy --strict` beside `user_code.py`: the account clients satisfy the protocols
the services are typed against (`services/_base.py`), so the two cannot drift apart."""

from basecamp import AccountClient, AsyncAccountClient
from basecamp.services._base import AccountCalls, AsyncAccountCalls
from basecamp.services._feed._async.follower import AsyncFeedAccount
from basecamp.services._feed._sync.follower import FeedAccount


def sync_account(account: AccountClient) -> AccountCalls:
    return account


def async_account(account: AsyncAccountClient) -> AsyncAccountCalls:
    return account


def sync_feed_account(account: AccountClient) -> FeedAccount:
    return account


def async_feed_account(account: AsyncAccountClient) -> AsyncFeedAccount:
    return account
