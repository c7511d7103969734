"""Hand-written mixins for services whose spec sets `extension = true`.

`_extensions/<accessor>.py` defines `<Class>Extension` and `Async<Class>Extension`; the generated
service classes inherit from them.
"""
