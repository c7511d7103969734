"""The async network shell of `basecamp.oauth`: the source of truth for `_sync/`.

`tools/unasync.py` generates the sync twin of every module here. Keep this folder thin: it only
moves bytes; every decision lives in the sans-I/O modules one level up.
"""
