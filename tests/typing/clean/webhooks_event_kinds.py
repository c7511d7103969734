"""Event kinds and their parts."""

from basecamp.webhooks import (
    KNOWN_ACTIONS,
    EventKind,
    InvalidEventKindError,
    ParsedEventKind,
    parse_event_kind,
)

parsed: ParsedEventKind = parse_event_kind(EventKind.CARD_MOVED)
kind_type: str = parsed.type
action: str = parsed.action
try:
    parse_event_kind("Not A Kind")
except InvalidEventKindError as error:
    print(error)
print(kind_type, action.upper(), "created" in KNOWN_ACTIONS)
