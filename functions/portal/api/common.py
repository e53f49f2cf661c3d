"""What every feature's models share: the base classes, the error body, common field
types (ids, emails, dates, titles, page sizes) and a webhook's answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,128}$")]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_iso_date)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=5000)]


EventId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Limit = Annotated[int, Field(ge=1, le=100)]
"""A page size."""


class OrgQuery(Model):
    orgId: Id | None = None


class WebhookResult(Out):
    ok: bool
    duplicate: bool = False
    applied: bool | None = None
    matched: bool | None = None
    approvalId: str | None = None
    version: int | None = None
    project: dict[str, Any] | None = None
