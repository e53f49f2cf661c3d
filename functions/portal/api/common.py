"""What every feature's models share: the base classes, the error body, common field
types (ids, emails, dates, titles, page sizes) and a webhook's answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from .. import ids

NOT_BLANK = r"[^\s\x1c-\x1f\x85]"
r"""A pattern (JSON Schema's, ECMA-262) that a text passes when it holds a character that is
not whitespace, read as widely as the server reads it: pydantic's ``strip_whitespace`` and
Python's ``str.strip`` also remove U+0085, Python's also U+001C-U+001F, which ECMA-262's
``\s`` does not name."""


@dataclass(frozen=True, eq=False)  # hashed by identity: typing hashes annotations
class Documented:
    """Adds to a type's JSON schema what a check beyond its pydantic constraints refuses
    (a format, an enum, a pattern), made from the same constants the check uses; a
    function is called when the schema is made, not at import."""

    extra: dict[str, Any] | Callable[[], dict[str, Any]]

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        schema.update(self.extra() if callable(self.extra) else self.extra)
        return schema


def _not_reserved(value: str) -> str:
    if not ids.valid(value):
        raise ValueError("Firestore reserves ids of the form __name__.")
    return value


Id = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,128}$"),
    AfterValidator(_not_reserved),
    WithJsonSchema({"type": "string", "pattern": ids.PATTERN}),
]
"""An id a caller names (see :mod:`portal.ids`)."""
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, max_length=254, pattern=r"^[^@\s\x85]+@[^@\s\x85]+\.[^@\s\x85]+$"
    ),
]
r"""Trimmed and lowercased; ``\x85`` is whitespace to the server's ``\s``, not to ECMA-262's."""
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def without_null(prop: dict[str, Any]) -> None:
    """``prop`` (a property's schema) without ``null`` among its kinds, nor a default of null."""
    if "anyOf" not in prop:
        return
    kinds = [k for k in prop["anyOf"] if k != {"type": "null"}]
    if prop.get("default", ...) is None:
        del prop["default"]
    if len(kinds) == 1:
        del prop["anyOf"]
        prop.update(kinds[0])
    else:
        prop["anyOf"] = kinds


def _patch_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    nullable: frozenset[str] = getattr(model, "nullable", frozenset())
    for name, prop in schema.get("properties", {}).items():
        if name not in nullable:
            without_null(prop)
    schema["minProperties"] = 1
    if getattr(model, "one_at_a_time", False):
        schema["maxProperties"] = 1


class Patch(Model):
    """A partial update. A field left out stays as it is; ``null`` clears a field only
    where the model lists it in ``nullable``, and is refused (400) for every other field,
    which must keep a value; a patch that changes nothing is refused (400). The OpenAPI
    schema says the same. A model with ``one_at_a_time`` takes one field per patch (its
    fields are authorised apart: a member's role, their billing access): an empty patch and
    one of two fields are refused (400)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_patch_schema)
    nullable: ClassVar[frozenset[str]] = frozenset()
    one_at_a_time: ClassVar[bool] = False

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = [k for k, v in data.items() if v is None and k in cls.model_fields and k not in cls.nullable]
            if nulls:
                raise ValueError(f"{', '.join(sorted(nulls))} cannot be null; leave a field out to keep it")
            if cls.one_at_a_time and len(data) != 1:
                fields = " or ".join(cls.model_fields)
                raise ValueError(f"Send exactly one of {fields}: one change at a time")
        return data


class Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ErrorDetail(Out):
    code: str
    message: str
    details: object | None = None


class ErrorBody(Out):
    error: ErrorDetail


class Ok(Out):
    ok: bool = True


def _iso_date(value: str) -> str:
    dt.date.fromisoformat(value)
    return value


_YEAR = r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"
"""0001 to 9999 (Python's dates have no year 0)."""
IsoDate = Annotated[
    str,
    StringConstraints(pattern=rf"^{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"),
    AfterValidator(_iso_date),
    Documented({"format": "date"}),
]
"""``YYYY-MM-DD``, a day of the calendar (not 0000-01-01, not 2025-02-30)."""
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=5000)]


EventId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Limit = Annotated[int, Field(ge=1, le=100)]
"""A page size."""


class OrgQuery(Model):
    orgId: Id | None = None


def _absent_when_none(value: Any) -> bool:
    return value is None


class JobHealth(Out):
    """How one scheduled job is doing (times in RFC 3339, UTC)."""

    name: str
    schedule: str
    lastSuccess: dt.datetime | None = None
    lastFailure: dt.datetime | None = None
    lastError: str | None = None
    """The type of the exception the last failure raised."""
    failing: bool
    """Its last run failed."""
    late: bool
    """No success for twice its interval and a quarter of an hour."""


class BackupHealth(Out):
    """Whether the daily export is set up (``BACKUP_BUCKET``) and whether its last start failed."""

    configured: bool
    lastSuccess: dt.datetime | None = None
    lastFailure: dt.datetime | None = None
    failed: bool


class Health(Out):
    """``ok``, or ``degraded`` when a scheduled job is late or the last backup failed to start.
    Staff admins also get the release served, each job's state and the backup's; anyone else
    gets the status alone."""

    status: Literal["ok", "degraded"]
    release: str | None = Field(default=None, exclude_if=_absent_when_none)
    jobs: list[JobHealth] | None = Field(default=None, exclude_if=_absent_when_none)
    backup: BackupHealth | None = Field(default=None, exclude_if=_absent_when_none)


class WebhookResult(Out):
    ok: bool
    duplicate: bool = False
    applied: bool | None = None
    matched: bool | None = None
    approvalId: str | None = None
    version: int | None = None
    project: dict[str, Any] | None = None
