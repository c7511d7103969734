"""A hook override with the wrong signature."""

from basecamp.hooks import BasecampHooks


class Broken(BasecampHooks):
    def on_paginate(self, url: str) -> None:  # expect-error
        print(url)
