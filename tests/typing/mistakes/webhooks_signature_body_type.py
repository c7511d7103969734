"""Signatures are computed over the raw bytes, not a str."""

from basecamp.webhooks import compute_signature

print(compute_signature('{"id": 1}', "secret"))  # expect-error
