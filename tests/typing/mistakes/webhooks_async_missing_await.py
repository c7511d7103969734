"""A missing `await` on `handle_request_async`."""

from basecamp.webhooks import WebhookReceiver


async def handle(receiver: WebhookReceiver, body: bytes) -> bool:
    return receiver.handle_request_async(body, {}).handled  # expect-error
