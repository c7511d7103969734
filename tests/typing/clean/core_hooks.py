"""Hooks: override what you need, chain them, hand them to a client."""

from basecamp import Client
from basecamp.hooks import (
    BasecampHooks,
    OperationInfo,
    OperationResult,
    RequestInfo,
    RequestResult,
    chain_hooks,
    console_hooks,
)


class Timing(BasecampHooks):
    def on_operation_end(self, info: OperationInfo, result: OperationResult) -> None:
        print(f"{info.service}.{info.operation} took {result.duration_ms:.1f} ms")

    def on_request_end(self, info: RequestInfo, result: RequestResult) -> None:
        print(info.method, info.url, result.status_code)

    def on_retry(self, info: RequestInfo, attempt: int, error: BaseException, delay: float) -> None:
        print(f"retry {attempt} in {delay:.2f}s: {error}")


hooks = chain_hooks(Timing(), console_hooks())
with Client(access_token="...", hooks=hooks) as client:
    client.for_account(1).projects.list()
