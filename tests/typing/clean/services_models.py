"""Model types annotate user code; nested models are typed too."""

from basecamp.services.models import Person, Project, Todo


def owner_email(todo: Todo) -> str:
    creator: Person = todo["creator"]
    if "email_address" in creator:  # NotRequired: narrow with `in` (or use `.get()`)
        return creator["email_address"]
    return creator["name"]


def project_title(project: Project) -> str:
    return f"{project['name']} ({project['status']})"
