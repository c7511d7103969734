"""Workspace-level tests: docs and cross-package guarantees."""

pytest_plugins = ["pytester"]
