"""Models of search: the query and the results, in the shape the assistant reuses."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from ..api.common import NOT_BLANK, Documented, Id, Model, Out
from .text import MAX_QUERY_CHARS

KindName = Literal["project", "approval", "file", "thread", "message", "note"]
"""Kept equal to the names in ``kinds.KINDS`` (a unit test checks)."""


class SearchQuery(Model):
    # The service refuses a missing or blank q (400 empty_query) and one too long (query_too_long).
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["q"]})

    q: Annotated[
        str,
        StringConstraints(max_length=1000),
        Documented({"minLength": 1, "maxLength": MAX_QUERY_CHARS, "pattern": NOT_BLANK}),
    ] = ""
    """Words to find (at most 6 words, 200 characters): every word must match, as a whole word or
    as the start of one; case and accents do not matter."""
    orgId: Id | None = None
    """Staff: one client organisation (default: every client). Clients search their own."""
    kind: KindName | None = None
    """Only results of this kind."""
    cursor: Annotated[str, StringConstraints(max_length=1024)] | None = None
    limit: int = Field(default=20, ge=1, le=50)


class SearchResult(Out):
    kind: str
    """``project``, ``approval``, ``file``, ``thread``, ``message`` or ``note`` (staff only)."""
    id: str
    orgId: str
    title: str
    titleHighlights: list[list[int]] = []
    snippet: str
    """Plain text (never markup), about two lines of the item around the first match."""
    highlights: list[list[int]]
    """``[start, end)`` of each matching word in ``snippet``, in Unicode code points."""
    link: str
    """The item's page in the portal (a path)."""


class SearchGroup(Out):
    kind: str
    label: str
    items: list[SearchResult]


class SearchResults(Out):
    query: str
    terms: list[str]
    """The normalised words looked up."""
    groups: list[SearchGroup]
    """Results grouped by kind, in a fixed order of kinds."""
    nextCursor: str | None = None
