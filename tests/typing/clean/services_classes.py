"""Service classes are importable for annotations."""

from basecamp import AccountClient, AsyncAccountClient
from basecamp.services import AsyncProjects, AsyncService, Projects, Service


def projects_of(account: AccountClient) -> Projects:
    return account.projects


def async_projects_of(account: AsyncAccountClient) -> AsyncProjects:
    return account.projects


def any_service(service: Service | AsyncService) -> str:
    return type(service).__name__
