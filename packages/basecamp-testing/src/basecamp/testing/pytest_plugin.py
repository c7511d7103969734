"""pytest plugin: fixtures for the fake Basecamp."""
