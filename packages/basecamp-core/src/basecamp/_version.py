"""The version every basecamp-python distribution shares (see `tools/versions.py`)."""

__version__ = "0.30.0"
