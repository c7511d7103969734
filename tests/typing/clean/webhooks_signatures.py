"""Signatures with the standard library only."""

from basecamp.webhooks import SIGNATURE_HEADER, compute_signature, verify_signature

body = b'{"id": 1, "kind": "todo_created"}'
signature: str = compute_signature(body, "secret")
ok: bool = verify_signature(body, "secret", signature)
print(SIGNATURE_HEADER.lower(), ok)
