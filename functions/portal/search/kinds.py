"""What search indexes: one declaration per kind of item.

A kind names the documents it indexes (a path pattern under ``orgs/{orgId}``, which its
trigger watches too), the fields of its title and text, its link in the portal, the
policy action a caller needs to see it, and its audience: everyone of the organisation
(and staff), or staff only. Adding a kind is one :class:`Kind` here and one line in
``functions/triggers/search.py``; the backfill, the API and the page read this table.

Threads, messages and internal notes are declared below already; their documents come with
the messages feature (``orgs/{orgId}/threads/{threadId}/messages|notes/{id}``). Notes are
staff only as a whole; a file is staff only once flagged ``staffOnly`` (attached to a note).

Importing this module is light (no Firestore): the triggers import it at cold start.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..policy import Action

ORG = "org"
"""Everyone of the item's organisation, and staff."""
STAFF = "staff"
"""Staff only: internal notes, staff-only files. Never in a client's results."""

Audience = Callable[[dict[str, Any]], str]


def everyone(data: dict[str, Any]) -> str:
    return ORG


def staff_only(data: dict[str, Any]) -> str:
    return STAFF


def flagged(data: dict[str, Any]) -> str:
    """Staff only when the item says so (``staffOnly: true``, as a file attached to an
    internal note is)."""
    return STAFF if data.get("staffOnly") or data.get("audience") == STAFF else ORG


def _always(data: dict[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class Kind:
    name: str
    """The results' ``kind``, and the first part of an entry's id."""
    document: str
    """The indexed documents: ``orgs/{orgId}/<collection>/{id}`` (deeper ones allowed)."""
    label: str
    """The group's heading on the results page (plural)."""
    title: str | Callable[[dict[str, Any]], str]
    """The field holding the title, or a function of the document."""
    text: tuple[str, ...]
    """Fields searched besides the title; ``a.b`` reads into maps and maps over lists."""
    link: str | Callable[[dict[str, str], dict[str, Any]], str]
    """The item's page: a pattern over the path's parameters (``/projects/{projectId}``), or a
    function of the parameters and the document."""
    read: Action
    """What the caller must be allowed in the item's organisation to see it."""
    audience: Audience = everyone
    indexed: Callable[[dict[str, Any]], bool] = _always
    """Whether a document is searchable at all (a kind may leave out drafts)."""

    @property
    def params(self) -> list[str]:
        """The path's parameters, ``orgId`` first."""
        return [f for _, f, _, _ in string.Formatter().parse(self.document) if f]

    @property
    def collection(self) -> str:
        """The indexed documents' collection (a collection group across organisations)."""
        return self.document.split("/")[-2]

    def match(self, path: str) -> dict[str, str] | None:
        """The parameters of ``path`` when it is one of this kind's documents."""
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.document))
        found = re.fullmatch(pattern, path)
        return found.groupdict() if found else None

    def path(self, params: dict[str, str]) -> str:
        return self.document.format(**params)

    def entry_id(self, params: dict[str, str]) -> str:
        """The index entry's id: the kind and the ids below the organisation."""
        return ":".join([self.name, *(params[p] for p in self.params[1:])])

    def item_id(self, params: dict[str, str]) -> str:
        return params[self.params[-1]]

    def link_of(self, params: dict[str, str], data: dict[str, Any]) -> str:
        return self.link(params, data) if callable(self.link) else self.link.format(**params)

    def title_of(self, data: dict[str, Any]) -> str:
        return self.title(data) if callable(self.title) else " ".join(_values(data, self.title))

    def text_of(self, data: dict[str, Any]) -> str:
        return " ".join(v for field in self.text for v in _values(data, field))


def _values(data: Any, field: str) -> Iterator[str]:
    """The text at ``field`` (dotted) of ``data``, mapping over lists on the way."""
    head, _, rest = field.partition(".")
    value = data.get(head) if isinstance(data, dict) else None
    for item in value if isinstance(value, list) else [value]:
        if rest:
            yield from _values(item, rest)
        elif isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item):
            yield str(item)


def _author(data: dict[str, Any]) -> str:
    author = data.get("author")
    return str(author.get("name") or author.get("email") or "") if isinstance(author, dict) else ""


def _message_title(data: dict[str, Any]) -> str:
    return f"Message from {name}" if (name := _author(data)) else "Message"


def _note_title(data: dict[str, Any]) -> str:
    return f"Internal note by {name}" if (name := _author(data)) else "Internal note"


def _not_deleted(data: dict[str, Any]) -> bool:
    return not data.get("deletedAt") and not data.get("deleted")


def _file_link(params: dict[str, str], data: dict[str, Any]) -> str:
    project = data.get("projectId")
    return f"/files?project={project}" if isinstance(project, str) and project else "/files"


# fmt: off
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("project", "orgs/{orgId}/projects/{projectId}", "Projects", title="name",
             text=("description", "milestones.title"), link="/projects/{projectId}", read=Action.PROJECTS_READ),
        Kind("approval", "orgs/{orgId}/approvals/{approvalId}", "Approvals", title="title",
             text=("description", "projectName", "contentType", "versions.content.notes"),
             link="/approvals/{approvalId}", read=Action.APPROVALS_READ),
        Kind("file", "orgs/{orgId}/files/{fileId}", "Files", title="name", text=(), link=_file_link,
             read=Action.FILES_READ, audience=flagged),
        Kind("thread", "orgs/{orgId}/threads/{threadId}", "Threads", title="subject", text=("projectName",),
             link="/messages/{threadId}", read=Action.MESSAGES_READ),
        Kind("message", "orgs/{orgId}/threads/{threadId}/messages/{messageId}", "Messages", title=_message_title,
             text=("body",), link="/messages/{threadId}", read=Action.MESSAGES_READ, indexed=_not_deleted),
        Kind("note", "orgs/{orgId}/threads/{threadId}/notes/{noteId}", "Internal notes", title=_note_title,
             text=("body",), link="/messages/{threadId}", read=Action.MESSAGES_READ, audience=staff_only,
             indexed=_not_deleted),
    )
}
# fmt: on
"""Every kind, in the order the results page shows them."""
