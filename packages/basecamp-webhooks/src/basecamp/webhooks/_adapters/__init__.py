"""HTTP adapters around a `WebhookReceiver`.

`_http` is the sans-I/O core: status codes, bodies, the size cap, error mapping and the
responder for framework views. `_asgi` and `_wsgi` only move bytes between a server and it. To
add an adapter, write one module like them over `_http`. This package imports nothing itself,
and none of its modules imports the receiver: they speak to it through `_http.Dispatcher`.
"""
