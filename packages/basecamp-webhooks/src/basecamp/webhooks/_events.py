"""The webhook event model and Basecamp event kinds."""

from __future__ import annotations

import re
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal, NamedTuple, NotRequired, TypedDict, overload

from ._errors import InvalidEventKindError, WebhookPayloadError

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "KNOWN_ACTIONS",
    "CopiedRecording",
    "CopiedRecordingBucket",
    "EventKind",
    "ParsedEventKind",
    "Person",
    "PersonCompany",
    "Recording",
    "RecordingBucket",
    "RecordingParent",
    "WebhookEvent",
    "parse_event_kind",
]

EventId = int | str
"""An event id as Basecamp sends it: normally a (possibly > 2**53) integer."""


# -- payload shapes ---------------------------------------------------------------------------
# The keys Basecamp always sends are required; the others are `NotRequired`, so a type checker
# asks for `.get(...)` before reading them. At run time these are the decoded JSON dicts.


class PersonCompany(TypedDict):
    """The company a person belongs to."""

    id: int
    name: str


class Person(TypedDict):
    """Someone in the account: the creator of an event or of a recording."""

    id: int
    name: str
    attachable_sgid: NotRequired[str]
    email_address: NotRequired[str]
    personable_type: NotRequired[str]
    title: NotRequired[str]
    bio: NotRequired[str]
    location: NotRequired[str]
    created_at: NotRequired[str]
    updated_at: NotRequired[str]
    admin: NotRequired[bool]
    owner: NotRequired[bool]
    client: NotRequired[bool]
    employee: NotRequired[bool]
    time_zone: NotRequired[str]
    avatar_url: NotRequired[str]
    company: NotRequired[PersonCompany]


class RecordingBucket(TypedDict):
    """The project (bucket) a recording lives in."""

    id: int
    name: str
    type: str


class RecordingParent(TypedDict):
    """The recording another one belongs to (the to-do list of a to-do, ...)."""

    id: int
    title: str
    type: str
    url: str
    app_url: str


class Recording(TypedDict):
    """The recording (to-do, message, comment, ...) an event is about."""

    id: int
    status: str
    visible_to_clients: bool
    created_at: str
    updated_at: str
    title: str
    inherits_status: bool
    type: str
    url: str
    app_url: str
    bucket: RecordingBucket
    creator: Person
    parent: NotRequired[RecordingParent]
    bookmark_url: NotRequired[str]
    subscription_url: NotRequired[str]
    comments_count: NotRequired[int]
    comments_url: NotRequired[str]
    content: NotRequired[str]
    description: NotRequired[str]
    position: NotRequired[int]


class CopiedRecordingBucket(TypedDict):
    """The project a copied or moved recording went to."""

    id: int


class CopiedRecording(TypedDict, total=False):
    """The new recording of a `*_copied` or `*_moved` event (the payload's `copy`)."""

    id: int
    url: str
    app_url: str
    bucket: CopiedRecordingBucket


def _no_recording() -> Recording:
    return {}  # type: ignore[typeddict-item]  # absent from the payload


def _no_person() -> Person:
    return {}  # type: ignore[typeddict-item]  # absent from the payload


@dataclass(frozen=True, slots=True)
class WebhookEvent(Mapping[str, object]):
    """One verified Basecamp webhook delivery: typed attributes and the decoded JSON at once.

    The event is a read-only mapping over the whole decoded payload, so `event["kind"]`,
    `event["recording"]["title"]`, `event.get("details")`, `"id" in event`, iteration and
    `dict(event)` behave as on the JSON object itself. The attributes give the same data typed
    and normalised (`recording`, `creator` and `details` are `{}` when absent).

    The nested dicts are the decoded JSON objects themselves: treat them as read-only.
    Equality compares every field; the hash uses `id`, `kind` and `created_at` only.

    Attributes:
        id: The event id (an `int`, or a `str` if the sender used one), or `None` when the
            payload has none. Events without an id are never deduplicated.
        kind: The event kind, e.g. `"todo_created"` (see `EventKind` and `parse_event_kind`).
        created_at: The ISO 8601 timestamp string, or `None` (see `timestamp`).
        recording: The recording (to-do, message, comment...) the event is about.
        creator: The person who caused the event.
        details: Kind-specific extras, often empty.
        raw: The whole decoded payload, including keys this model does not name. Built from
            the other fields when the event is constructed directly.
    """

    id: EventId | None
    kind: str
    created_at: str | None = None
    recording: Recording = field(default_factory=_no_recording, hash=False)
    creator: Person = field(default_factory=_no_person, hash=False)
    details: dict[str, object] = field(default_factory=dict, hash=False)
    raw: dict[str, object] = field(default_factory=dict, hash=False, repr=False)

    def __post_init__(self) -> None:
        if not self.raw:
            # Constructed by hand (tests, replays): the mapping view shows the fields.
            raw: dict[str, object] = {"kind": self.kind}
            if self.id is not None:
                raw["id"] = self.id
            if self.created_at is not None:
                raw["created_at"] = self.created_at
            raw["recording"] = self.recording
            raw["creator"] = self.creator
            raw["details"] = self.details
            object.__setattr__(self, "raw", raw)

    @classmethod
    def from_payload(cls, payload: dict[str, object]) -> WebhookEvent:
        """Build an event from a decoded JSON payload.

        Args:
            payload: The decoded JSON object.

        Returns:
            The event.

        Raises:
            WebhookPayloadError: If `payload` is not a dict, `kind` is not a non-empty string,
                `id` is not an integer or string, `created_at` is not a string, or one of
                `recording`, `creator`, `details` is present but not an object.
        """
        if not isinstance(payload, dict):
            raise WebhookPayloadError("webhook body must be a JSON object")
        kind = payload.get("kind")
        if not isinstance(kind, str) or not kind:
            raise WebhookPayloadError("webhook body has no 'kind' string")
        event_id = payload.get("id")
        # bool is an int subclass, but `true` is no event id.
        if event_id is not None and (
            isinstance(event_id, bool) or not isinstance(event_id, int | str)
        ):
            raise WebhookPayloadError("webhook 'id' must be an integer or a string")
        created_at = payload.get("created_at")
        if created_at is not None and not isinstance(created_at, str):
            raise WebhookPayloadError("webhook 'created_at' must be a string")
        recording: Recording = _object_field(payload, "recording")  # type: ignore[assignment]
        creator: Person = _object_field(payload, "creator")  # type: ignore[assignment]
        return cls(
            id=event_id,
            kind=kind,
            created_at=created_at,
            recording=recording,
            creator=creator,
            details=_object_field(payload, "details"),
            raw=payload,
        )

    # -- the mapping view ----------------------------------------------------------------------

    @overload
    def __getitem__(self, key: Literal["id"]) -> EventId: ...
    @overload
    def __getitem__(self, key: Literal["kind", "created_at"]) -> str: ...
    @overload
    def __getitem__(self, key: Literal["recording"]) -> Recording: ...
    @overload
    def __getitem__(self, key: Literal["creator"]) -> Person: ...
    @overload
    def __getitem__(self, key: Literal["details"]) -> dict[str, object]: ...
    @overload
    def __getitem__(self, key: Literal["copy"]) -> CopiedRecording: ...
    @overload
    def __getitem__(self, key: str) -> object: ...
    def __getitem__(self, key: str) -> object:
        """The payload's value at `key`, as decoded; `KeyError` when absent."""
        return self.raw[key]

    # mypy cannot match keyed overloads against `Mapping.get`'s; every call it allows still
    # type-checks, and pyright accepts the override as written.
    @overload  # type: ignore[override]
    def get(self, key: Literal["id"]) -> EventId | None: ...
    @overload
    def get(self, key: Literal["kind", "created_at"]) -> str | None: ...
    @overload
    def get(self, key: Literal["recording"]) -> Recording | None: ...
    @overload
    def get(self, key: Literal["creator"]) -> Person | None: ...
    @overload
    def get(self, key: Literal["details"]) -> dict[str, object] | None: ...
    @overload
    def get(self, key: Literal["copy"]) -> CopiedRecording | None: ...
    @overload
    def get(self, key: str) -> object | None: ...
    @overload
    def get(self, key: str, default: object) -> object: ...
    def get(self, key: str, default: object = None) -> object:
        """The payload's value at `key`, or `default` when absent."""
        return self.raw.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.raw

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def keys(self) -> KeysView[str]:
        """The payload's keys."""
        return self.raw.keys()

    def items(self) -> ItemsView[str, object]:
        """The payload's `(key, value)` pairs."""
        return self.raw.items()

    def values(self) -> ValuesView[object]:
        """The payload's values."""
        return self.raw.values()

    # -- typed helpers -------------------------------------------------------------------------

    @property
    def recording_id(self) -> int | None:
        """The `recording["id"]` integer, or `None`."""
        value = self.recording.get("id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def recording_type(self) -> str | None:
        """The `recording["type"]` string (e.g. `"Todo"`), or `None`."""
        value = self.recording.get("type")
        return value if isinstance(value, str) else None

    @property
    def bucket_id(self) -> int | None:
        """The id of the project (bucket) the recording lives in, or `None`."""
        bucket: object = self.recording.get("bucket")
        if not isinstance(bucket, dict):
            return None
        value: object = bucket.get("id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def timestamp(self) -> datetime | None:
        """`created_at` parsed as an aware `datetime`, or `None` if absent or unparseable."""
        if self.created_at is None:
            return None
        # Imported here so that `import basecamp.webhooks` stays cheap.
        from datetime import datetime

        try:
            return datetime.fromisoformat(self.created_at)
        except ValueError:
            return None


def _object_field(payload: dict[str, object], key: str) -> dict[str, object]:
    value = payload.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise WebhookPayloadError(f"webhook {key!r} must be a JSON object")
    return value


class EventKind:
    """Constants for the event kinds Basecamp documents, named `<TYPE>_<ACTION>`.

    Basecamp derives the type part of a kind from the recording's type, underscored with `::`
    turned into `_`: `Todo` gives `todo_created`, `Question::Answer` gives
    `question_answer_created`, `Schedule::Entry` gives `schedule_entry_created`,
    `Kanban::Card` gives `kanban_card_created` and `Chat::Line` (a Campfire line) gives
    `chat_line_created`. Constant names stay readable where the type is not:
    `CARD_CREATED == "kanban_card_created"`, `CARD_STEP_COMPLETED == "kanban_step_completed"`.

    The set is not closed: Basecamp adds kinds over time, and routing works on any string. These
    constants exist to avoid typos, e.g. `receiver.on(EventKind.TODO_COMPLETED, handler)` or
    `receiver.on("kanban_card_*", handler)` for every card event.
    """

    TODO_CREATED: Final = "todo_created"
    TODO_CHANGED: Final = "todo_changed"
    TODO_CONTENT_CHANGED: Final = "todo_content_changed"
    TODO_DESCRIPTION_CHANGED: Final = "todo_description_changed"
    TODO_ASSIGNMENT_CHANGED: Final = "todo_assignment_changed"
    TODO_DUE_DATE_CHANGED: Final = "todo_due_date_changed"
    TODO_COMPLETED: Final = "todo_completed"
    TODO_UNCOMPLETED: Final = "todo_uncompleted"
    TODO_MOVED: Final = "todo_moved"
    TODO_COPIED: Final = "todo_copied"
    TODO_ARCHIVED: Final = "todo_archived"
    TODO_UNARCHIVED: Final = "todo_unarchived"
    TODO_TRASHED: Final = "todo_trashed"
    TODO_SUBSCRIBERS_CHANGED: Final = "todo_subscribers_changed"

    TODOLIST_CREATED: Final = "todolist_created"
    TODOLIST_CHANGED: Final = "todolist_changed"
    TODOLIST_CONTENT_CHANGED: Final = "todolist_content_changed"
    TODOLIST_DESCRIPTION_CHANGED: Final = "todolist_description_changed"
    TODOLIST_COMPLETED: Final = "todolist_completed"
    TODOLIST_UNCOMPLETED: Final = "todolist_uncompleted"
    TODOLIST_MOVED: Final = "todolist_moved"
    TODOLIST_COPIED: Final = "todolist_copied"
    TODOLIST_ARCHIVED: Final = "todolist_archived"
    TODOLIST_UNARCHIVED: Final = "todolist_unarchived"
    TODOLIST_TRASHED: Final = "todolist_trashed"

    MESSAGE_CREATED: Final = "message_created"
    MESSAGE_CHANGED: Final = "message_changed"
    MESSAGE_CONTENT_CHANGED: Final = "message_content_changed"
    MESSAGE_MOVED: Final = "message_moved"
    MESSAGE_COPIED: Final = "message_copied"
    MESSAGE_PUBLICIZED: Final = "message_publicized"
    MESSAGE_ARCHIVED: Final = "message_archived"
    MESSAGE_UNARCHIVED: Final = "message_unarchived"
    MESSAGE_TRASHED: Final = "message_trashed"
    MESSAGE_SUBSCRIBERS_CHANGED: Final = "message_subscribers_changed"

    COMMENT_CREATED: Final = "comment_created"
    COMMENT_CONTENT_CHANGED: Final = "comment_content_changed"
    COMMENT_ARCHIVED: Final = "comment_archived"
    COMMENT_UNARCHIVED: Final = "comment_unarchived"
    COMMENT_TRASHED: Final = "comment_trashed"

    DOCUMENT_CREATED: Final = "document_created"
    DOCUMENT_CHANGED: Final = "document_changed"
    DOCUMENT_CONTENT_CHANGED: Final = "document_content_changed"
    DOCUMENT_MOVED: Final = "document_moved"
    DOCUMENT_COPIED: Final = "document_copied"
    DOCUMENT_PUBLICIZED: Final = "document_publicized"
    DOCUMENT_ARCHIVED: Final = "document_archived"
    DOCUMENT_UNARCHIVED: Final = "document_unarchived"
    DOCUMENT_TRASHED: Final = "document_trashed"

    UPLOAD_CREATED: Final = "upload_created"
    UPLOAD_CHANGED: Final = "upload_changed"
    UPLOAD_MOVED: Final = "upload_moved"
    UPLOAD_COPIED: Final = "upload_copied"
    UPLOAD_PUBLICIZED: Final = "upload_publicized"
    UPLOAD_ARCHIVED: Final = "upload_archived"
    UPLOAD_UNARCHIVED: Final = "upload_unarchived"
    UPLOAD_TRASHED: Final = "upload_trashed"

    VAULT_CREATED: Final = "vault_created"
    VAULT_CHANGED: Final = "vault_changed"
    VAULT_MOVED: Final = "vault_moved"
    VAULT_COPIED: Final = "vault_copied"
    VAULT_ARCHIVED: Final = "vault_archived"
    VAULT_UNARCHIVED: Final = "vault_unarchived"
    VAULT_TRASHED: Final = "vault_trashed"

    QUESTION_CREATED: Final = "question_created"
    QUESTION_CHANGED: Final = "question_changed"
    QUESTION_PAUSED: Final = "question_paused"
    QUESTION_RESUMED: Final = "question_resumed"
    QUESTION_ARCHIVED: Final = "question_archived"
    QUESTION_UNARCHIVED: Final = "question_unarchived"
    QUESTION_TRASHED: Final = "question_trashed"
    QUESTION_ANSWER_CREATED: Final = "question_answer_created"
    QUESTION_ANSWER_CONTENT_CHANGED: Final = "question_answer_content_changed"
    QUESTION_ANSWER_TRASHED: Final = "question_answer_trashed"

    SCHEDULE_ENTRY_CREATED: Final = "schedule_entry_created"
    SCHEDULE_ENTRY_CHANGED: Final = "schedule_entry_changed"
    SCHEDULE_ENTRY_CONTENT_CHANGED: Final = "schedule_entry_content_changed"
    SCHEDULE_ENTRY_COPIED: Final = "schedule_entry_copied"
    SCHEDULE_ENTRY_ARCHIVED: Final = "schedule_entry_archived"
    SCHEDULE_ENTRY_UNARCHIVED: Final = "schedule_entry_unarchived"
    SCHEDULE_ENTRY_TRASHED: Final = "schedule_entry_trashed"

    # Cards of a Card Table (`Kanban::Card`): constants say CARD, values say kanban_card.
    CARD_CREATED: Final = "kanban_card_created"
    CARD_CHANGED: Final = "kanban_card_changed"
    CARD_CONTENT_CHANGED: Final = "kanban_card_content_changed"
    CARD_ASSIGNMENT_CHANGED: Final = "kanban_card_assignment_changed"
    CARD_DUE_DATE_CHANGED: Final = "kanban_card_due_date_changed"
    CARD_COMPLETED: Final = "kanban_card_completed"
    CARD_UNCOMPLETED: Final = "kanban_card_uncompleted"
    CARD_MOVED: Final = "kanban_card_moved"
    CARD_COPIED: Final = "kanban_card_copied"
    CARD_ARCHIVED: Final = "kanban_card_archived"
    CARD_UNARCHIVED: Final = "kanban_card_unarchived"
    CARD_TRASHED: Final = "kanban_card_trashed"

    # Steps of a card (`Kanban::Step`).
    CARD_STEP_CREATED: Final = "kanban_step_created"
    CARD_STEP_CHANGED: Final = "kanban_step_changed"
    CARD_STEP_ASSIGNMENT_CHANGED: Final = "kanban_step_assignment_changed"
    CARD_STEP_DUE_DATE_CHANGED: Final = "kanban_step_due_date_changed"
    CARD_STEP_COMPLETED: Final = "kanban_step_completed"
    CARD_STEP_UNCOMPLETED: Final = "kanban_step_uncompleted"
    CARD_STEP_TRASHED: Final = "kanban_step_trashed"

    # Campfire lines (`Chat::Line`).
    CHAT_LINE_CREATED: Final = "chat_line_created"
    CHAT_LINE_TRASHED: Final = "chat_line_trashed"

    CLOUD_FILE_CREATED: Final = "cloud_file_created"
    GOOGLE_DOCUMENT_CREATED: Final = "google_document_created"
    INBOX_FORWARD_CREATED: Final = "inbox_forward_created"
    CLIENT_FORWARD_CREATED: Final = "client_forward_created"
    CLIENT_REPLY_CREATED: Final = "client_reply_created"
    CLIENT_APPROVAL_RESPONSE_CREATED: Final = "client_approval_response_created"


KNOWN_ACTIONS: Final[frozenset[str]] = frozenset(
    {
        "created",
        "changed",
        "content_changed",
        "description_changed",
        "assignment_changed",
        "due_date_changed",
        "subscribers_changed",
        "completed",
        "uncompleted",
        "moved",
        "copied",
        "publicized",
        "archived",
        "unarchived",
        "trashed",
        "untrashed",
        "paused",
        "resumed",
    }
)
"""The actions `parse_event_kind` knows, including the multi-word ones."""

# Lowercase ASCII words joined by single underscores, at least two of them.
_KIND_SHAPE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


class ParsedEventKind(NamedTuple):
    """An event kind split into the recording `type` and the `action`.

    It is a tuple, so `parse_event_kind("todo_created") == ("todo", "created")`.
    """

    type: str
    action: str


def parse_event_kind(kind: str) -> ParsedEventKind:
    """Split an event kind into its recording type and action.

    The longest action from `KNOWN_ACTIONS` that the kind ends with wins, provided a non-empty
    type is left in front of it; so `"todo_content_changed"` is `("todo", "content_changed")` and
    `"question_answer_created"` is `("question_answer", "created")`. A kind ending in an action
    this module does not know is split at its last underscore.

    Args:
        kind: The event kind, e.g. `"todo_created"`.

    Returns:
        The `(type, action)` pair.

    Raises:
        InvalidEventKindError: If `kind` is not lowercase ASCII words (letters and digits)
            joined by single underscores, with at least two words.
    """
    if not isinstance(kind, str) or _KIND_SHAPE.fullmatch(kind) is None:
        shown = kind[:80] if isinstance(kind, str) else type(kind).__name__
        raise InvalidEventKindError(f"not a Basecamp event kind: {shown!r}")
    parts = kind.split("_")
    for start in range(1, len(parts)):
        action = "_".join(parts[start:])
        if action in KNOWN_ACTIONS:
            return ParsedEventKind("_".join(parts[:start]), action)
    return ParsedEventKind("_".join(parts[:-1]), parts[-1])
