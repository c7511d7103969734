"""The operation registry is typed."""

from basecamp import Operation
from basecamp.services import OPERATIONS

op: Operation = OPERATIONS["GetProject"]
method: str = op.http_method
print(method.lower(), op.path, len(OPERATIONS))
