"""Hand-written mixins for services whose spec sets `extension = true`.

`_async/<accessor>.py` defines `Async<Class>Extension`, the source of truth; `tools/unasync.py`
(`make generate`) writes its sync twin `<Class>Extension` into `_sync/<accessor>.py`. The
generated service classes inherit from them.
"""
