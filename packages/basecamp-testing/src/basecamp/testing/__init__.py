"""An embedded fake Basecamp for tests and demos."""

__all__: list[str] = []
