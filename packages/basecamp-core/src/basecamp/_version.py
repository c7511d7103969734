"""The version shared by every basecamp-python distribution (kept in step by `tools/bump_version.py`)."""

__version__ = "0.1.0"
