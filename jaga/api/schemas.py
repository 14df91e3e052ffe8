"""Request bodies shared by the ledger and decide routers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from jaga.decide import Operation
from jaga.ledger import EventIn, EventKind, Identity, IdentityKind, SubjectRef
from jaga.ledger.state import CHANNEL_KINDS, PURPOSE_KINDS


class IdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: IdentityKind
    value: str = Field(min_length=1, max_length=320)

    def to_identity(self) -> Identity:
        return Identity(self.kind, self.value)


def _exactly_one(*names: str) -> dict[str, Any]:
    """JSON Schema for "give exactly one of these fields" (what the models' ``_one_way`` checks)."""
    return {"oneOf": [{"required": [name]} for name in names]}


class SubjectIn(BaseModel):
    """A subject by its ledger key or by one or more identities (never put identities in a URL).

    The schema says "exactly one of the two" (``oneOf``), so what it allows is what the API accepts."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_exactly_one("key", "identities"))

    key: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | SkipJsonSchema[None] = None
    identities: list[IdentityIn] = Field(default_factory=list, min_length=1, max_length=10)

    @model_validator(mode="before")
    @classmethod
    def _no_null_key(cls, data: Any) -> Any:
        if isinstance(data, dict) and "key" in data and data["key"] is None:
            raise ValueError("key must be a ledger key, not null (leave it out to name identities)")
        return data

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if (self.key is None) == (not self.identities):
            raise ValueError("give either key or identities")
        return self

    def ref(self) -> SubjectRef:
        return self.key if self.key is not None else self.identities[0].to_identity()

    def all_identities(self) -> list[Identity]:
        return [i.to_identity() for i in self.identities]


def _needs(kinds: Iterable[EventKind], field: str, schema: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema for "an event of one of ``kinds`` needs ``field``" (the ledger's own rule)."""
    return {
        "if": {"properties": {"kind": {"enum": sorted(k.value for k in kinds)}}, "required": ["kind"]},
        "then": {"required": [field], "properties": {field: schema}},
    }


class RecordIn(EventIn):
    """One event about a subject; the schema states which kinds need a purpose, a channel or a guardian,
    as :class:`jaga.ledger.EventIn` checks, so the schema allows only what is accepted."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                _needs(PURPOSE_KINDS, "purpose", {"type": "string", "minLength": 1, "maxLength": 120}),
                _needs(CHANNEL_KINDS, "channel", {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,31}$"}),
                _needs([EventKind.parental_consent_given], "guardian", {"type": "string", "minLength": 1}),
            ]
        }
    )

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
    model_config = ConfigDict(json_schema_extra=_exactly_one("subjects", "identities"))

    subjects: list[str] = Field(
        default_factory=list, min_length=1, max_length=200_000, description="Ledger keys; or use identities"
    )
    identities: list[IdentityIn] = Field(default_factory=list, min_length=1, max_length=200_000)

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if bool(self.subjects) == bool(self.identities):
            raise ValueError("give either subjects (keys) or identities")
        return self


class UnsubscribeLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: SubjectIn
    purpose: str = Field(max_length=120)
