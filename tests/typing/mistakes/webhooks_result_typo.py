"""A misspelled `WebhookResult` attribute."""

from basecamp.webhooks import WebhookReceiver

result = WebhookReceiver(secret="s3cret").handle_request(b"{}", {})
print(result.handeled)  # expect-error
