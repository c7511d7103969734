"""The async extension mixins; `tools/unasync.py` generates their sync twins in `_sync/`."""
