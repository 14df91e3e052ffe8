"""Request bodies shared by the ledger and decide routers."""

from __future__ import annotations

from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from jaga.decide import Operation
from jaga.ledger import EventIn, Identity, IdentityKind, SubjectRef


class IdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: IdentityKind
    value: str = Field(min_length=1, max_length=320)

    def to_identity(self) -> Identity:
        return Identity(self.kind, self.value)


class SubjectIn(BaseModel):
    """A subject by its ledger key or by one or more identities (never put identities in a URL)."""

    model_config = ConfigDict(extra="forbid")

    key: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    identities: list[IdentityIn] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if (self.key is None) == (not self.identities):
            raise ValueError("give either key or identities")
        return self

    def ref(self) -> SubjectRef:
        return self.key if self.key is not None else self.identities[0].to_identity()

    def all_identities(self) -> list[Identity]:
        return [i.to_identity() for i in self.identities]


class RecordIn(EventIn):
    subject: SubjectIn


class RecordBatchIn(BaseModel):
    """Many events recorded in one transaction: all of them, or none if one is refused."""

    model_config = ConfigDict(extra="forbid")

    events: list[RecordIn] = Field(min_length=1, max_length=1000)


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: SubjectIn
    identity: IdentityIn


class GuardianIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    child: SubjectIn
    guardian: SubjectIn


class Question(BaseModel):
    """The processing being asked about (shared by single and batch decisions)."""

    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(max_length=120)
    categories: list[str] = Field(min_length=1, max_length=100)
    recipient: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    at: AwareDatetime | None = None
    channel: str | None = Field(default=None, max_length=32)
    operation: Operation = Operation.use


class DecideIn(Question):
    subject: SubjectIn


class DecideBatchIn(Question):
    subjects: list[str] = Field(default_factory=list, max_length=200_000, description="Ledger keys; or use identities")
    identities: list[IdentityIn] = Field(default_factory=list, max_length=200_000)

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if bool(self.subjects) == bool(self.identities):
            raise ValueError("give either subjects (keys) or identities")
        return self


class UnsubscribeLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: SubjectIn
    purpose: str = Field(max_length=120)
