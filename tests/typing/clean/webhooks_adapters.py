"""The ASGI and WSGI adapters are typed callables."""

from basecamp.webhooks import DEFAULT_MAX_BODY_SIZE, WebhookAsgiApp, WebhookReceiver, WebhookWsgiApp

receiver = WebhookReceiver(secret="s3cret")
asgi: WebhookAsgiApp = receiver.asgi_app()
wsgi: WebhookWsgiApp = receiver.wsgi_app(max_body_size=DEFAULT_MAX_BODY_SIZE // 2)
print(asgi, wsgi)
