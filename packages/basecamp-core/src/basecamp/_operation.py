"""Operation records: what core needs to know about an API operation to send it safely.

`basecamp.services` generates one `Operation` per API operation into its registry
(`basecamp.services.OPERATIONS`). It is the one statement of how a call maps to the wire: a
generated method passes its arguments by Python name, and `basecamp._execution` reads `params`
to put each one in the path, the query or the body. The transport reads `idempotent` to decide
whether a failed request may be sent again, and the hooks report `service`, `method` and
`operation_id`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ParamLocation = Literal["path", "query", "body"]
BodyKind = Literal["none", "json", "binary", "multipart"]
ResponseKind = Literal["none", "model", "list", "binary", "object"]


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of an operation.

    Attributes:
        name: The Python keyword argument name, e.g. `project_id`.
        wire_name: The name on the wire, e.g. `due_on` in the body. A query name ending in `[]`
            (`assignee_ids[]`) repeats the pair once per list item; other lists are
            comma-joined. Path values fill the `{name}` placeholder of `Operation.path` by
            Python name. Upload inputs use names in parentheses: `(body)` is the raw body of a
            binary upload and `(Content-Type)` its type; a multipart file part is its form
            field (`logo`), with `logo(filename)` and `logo(Content-Type)` beside it.
        location: Where it travels: `path`, `query` or `body`.
        required: Whether the caller must pass it.
    """

    name: str
    wire_name: str
    location: ParamLocation
    required: bool


@dataclass(frozen=True, slots=True)
class RetrySettings:
    """The retry settings the API advertises for an operation, kept for introspection.

    The SDK's retry *policy* is fixed (see `basecamp.Config`); these values describe what the API
    suggests and are not used to widen it.
    """

    max_attempts: int
    base_delay_ms: int
    retry_on: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Operation:
    """A single API operation, as recorded in the registry.

    Attributes:
        operation_id: The stable operation name, e.g. `ListProjects`.
        service: The accessor on `AccountClient`, e.g. `projects`.
        method: The Python method name on that service, e.g. `list`.
        http_method: `GET`, `POST`, `PUT` or `DELETE`.
        path: The URL template with Python parameter names in braces, starting with
            `/{account_id}`.
        params: The path, query and body parameters.
        idempotent: Whether repeating the request cannot duplicate data. Only idempotent
            operations are retried.
        paginated: Whether the response is an array split across pages by `Link` headers.
        retry: The retry settings the API advertises, if any.
        body_kind: How the request body is encoded.
        response_kind: What the response holds.
        response_model: The model name of the response items, if any.
        items_key: For a paginated object response, the key that holds the items.
    """

    operation_id: str
    service: str
    method: str
    http_method: Literal["GET", "POST", "PUT", "DELETE"]
    path: str
    params: tuple[Param, ...] = ()
    idempotent: bool = False
    paginated: bool = False
    retry: RetrySettings | None = None
    body_kind: BodyKind = "none"
    response_kind: ResponseKind = "model"
    response_model: str | None = None
    items_key: str | None = None
    path_params: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = tuple(p.name for p in self.params if p.location == "path")
        object.__setattr__(self, "path_params", names)

    @property
    def is_mutation(self) -> bool:
        """Whether the operation changes data (anything but `GET`)."""
        return self.http_method != "GET"
