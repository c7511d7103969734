"""Every error attribute is declared: message, hint, retryable and the rest have real types."""

from basecamp import BasecampError, Client, ErrorCode, ExitCode, NotFoundError, RateLimitError


def report(error: BasecampError) -> str:
    message: str = error.message
    hint: str = error.hint or "no hint"
    retryable: bool = error.retryable
    status: int | None = error.http_status
    wait: float | None = error.retry_after
    request_id: str | None = error.request_id
    code: ErrorCode = error.code
    exit_code: ExitCode = error.exit_code
    return f"{message.upper()} {hint} {retryable} {status} {wait} {request_id} {code} {exit_code}"


with Client(access_token="...") as client:
    try:
        client.for_account(1).projects.get(project_id=999)
    except NotFoundError as error:
        print(report(error), int(error.exit_code))
    except RateLimitError as error:
        print(error.retry_after or 0.0 + 1.0)
    except BasecampError as error:
        raise SystemExit(error.exit_code) from error
