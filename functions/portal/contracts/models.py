"""Models of contracts as the API shows them (GBU's events are ``projects.models.GbuContractEvent``)."""

from __future__ import annotations

from typing import Literal

from ..api.common import Id, Model, Out

ContractStatus = Literal["draft", "sent", "viewed", "signed", "declined", "expired", "voided"]


class Contract(Out):
    id: str
    title: str = ""
    status: ContractStatus
    awaitingSignature: bool = False
    """Sent (or viewed) and not signed yet: the client's owners are asked to sign it."""
    signedAt: str | None = None
    documentUrl: str | None = None
    """GBU's link to the document (to read or sign it there)."""
    projectId: str | None = None
    """The project it belongs to; none for an organisation-wide agreement."""
    projectName: str | None = None
    updatedAt: str | None = None
    """When its current status was reported (GBU's ``occurredAt``)."""


class ContractList(Out):
    items: list[Contract]


class ContractsQuery(Model):
    projectId: Id | None = None
    """Only the contracts of this project."""
