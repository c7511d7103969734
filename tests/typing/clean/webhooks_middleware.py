"""Middleware, sync and async, and the async path."""

import asyncio

from basecamp.webhooks import AsyncNextFn, NextFn, WebhookEvent, WebhookReceiver


def only_project_7(event: WebhookEvent, next_fn: NextFn) -> None:
    if event.bucket_id == 7:
        next_fn()


async def audit(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
    await next_fn()
    print("audited", event.kind)


async def notify(event: WebhookEvent) -> None:
    await asyncio.sleep(0)


sync_receiver = WebhookReceiver(secret="s3cret").use(only_project_7)
async_receiver = WebhookReceiver(secret="s3cret").use(audit).on("todo_*", notify)


async def main() -> None:
    result = await async_receiver.handle_request_async(b"{}", {})
    print(result.stopped_by_middleware, sync_receiver.has_seen(1))


asyncio.run(main())
