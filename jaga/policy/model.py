"""The policy file as Pydantic models: the promises a company makes, in a form jaga can enforce.

Every field maps to a promise found in real privacy policies (see ``shared/policies``): who the
controller is, which data of whom is used for what on which basis, who receives it and where, how long
it is kept, which rights are offered and how fast they are answered. Unknown keys are refused so that a
typo never silently weakens a promise.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from jaga.policy.duration import Duration
from jaga.policy.taxonomy import Term
from jaga.policy.zone import ControllerZone, check_zone, controller_zone

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=120)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Language = Literal["id", "en"]
RegimeName = Literal["uu_pdp", "gdpr"]


class Strict(BaseModel):
    """Base for every policy model: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)


class Text(Strict):
    """A text the company publishes, in English and Bahasa Indonesia."""

    en: str
    id: str | None = None


class LegalBasis(StrEnum):
    """Legal bases of UU PDP art. 20(2) and GDPR art. 6(1); explicit consent for art. 9(2)(a)."""

    consent = "consent"
    explicit_consent = "explicit_consent"
    contract = "contract"
    legal_obligation = "legal_obligation"
    vital_interest = "vital_interest"
    public_task = "public_task"
    legitimate_interest = "legitimate_interest"


class Right(StrEnum):
    """The data-subject rights of UU PDP art. 5-13 and GDPR art. 13-22, 7(3) and 77."""

    information = "information"
    access = "access"
    rectification = "rectification"
    erasure = "erasure"
    restriction = "restriction"
    portability = "portability"
    objection = "objection"
    withdraw_consent = "withdraw_consent"
    automated_decision_review = "automated_decision_review"
    complaint = "complaint"
    compensation = "compensation"


class ControllerRole(StrEnum):
    controller = "controller"
    processor = "processor"
    both = "both"


class Contact(Strict):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if not (self.email or self.phone or self.address):
            raise ValueError("a contact needs at least an email, a phone or an address")
        return self


class ClientController(Strict):
    """A client on whose behalf the company processes as a processor (UU PDP art. 51, GDPR art. 28)."""

    name: str
    description: str | None = None
    categories: list[Key] = Field(default_factory=list)
    subjects: list[Key] = Field(default_factory=list)


class Controller(Strict):
    legal_name: str
    trade_name: str | None = None
    address: str | None = None
    contact: Contact | None = Field(default=None, description="None when the policy publishes no contact at all")
    dpo: Contact | None = None
    jurisdiction: CountryCode = "ID"
    regimes: list[RegimeName] = Field(default_factory=lambda: list[RegimeName](["uu_pdp"]), min_length=1)
    languages: list[Language] = Field(default_factory=lambda: list[Language](["id", "en"]), min_length=1)
    prevailing_language: Language = "id"
    timezone: str | None = Field(
        default=None, description="IANA zone deadlines are counted and shown in; see jaga.policy.zone"
    )
    role: ControllerRole = ControllerRole.controller
    processor_for: list[ClientController] = Field(default_factory=list)
    supervisory_authority: str | None = None
    website: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return None if value is None else check_zone(value)

    @property
    def zone(self) -> ControllerZone:
        """The zone deadlines are counted and shown in (stated, inferred from a stated country, or UTC)."""
        country = self.jurisdiction if "jurisdiction" in self.model_fields_set else None
        return controller_zone(self.timezone, country)

    @model_validator(mode="after")
    def _prevailing_is_published(self) -> Self:
        if self.prevailing_language not in self.languages:
            raise ValueError("prevailing_language must be one of the published languages")
        return self


class AutomatedDecision(StrEnum):
    """Whether a purpose decides about people by machine (UU PDP art. 10, GDPR art. 22)."""

    none = "none"
    profiling = "profiling"
    decision_with_human_review = "decision_with_human_review"
    decision_without_human_review = "decision_without_human_review"


class Purpose(Strict):
    key: Key
    use: Key
    description: Text
    basis: LegalBasis
    categories: list[Key] = Field(min_length=1)
    subjects: list[Key] = Field(min_length=1)
    balancing_note: str | None = None
    legal_obligation: str | None = Field(default=None, description="The law that imposes the obligation")
    direct_marketing: bool = False
    opt_out: str | None = Field(default=None, description="How a person objects or unsubscribes")
    automated_decision: AutomatedDecision = AutomatedDecision.none
    legal_effect: bool = False
    retention: Key | None = None
    recipients: list[Key] = Field(default_factory=list)
    parental_consent: bool = False
    on_behalf_of: str | None = Field(
        default=None,
        description="Name of the client controller (processor_for) on whose instructions this is processed",
    )
    basis_stated: bool = Field(default=True, description="False where the text names no basis and it was inferred")
    sources: list[str] = Field(default_factory=list, description="Where the data comes from (GDPR art. 14(2)(f))")
    mandatory: bool | None = Field(default=None, description="Whether the person must provide the data")
    if_not_provided: str | None = Field(default=None, description="What follows if the person does not provide it")
    special_basis: str | None = Field(
        default=None,
        description="For specific/special data under a basis other than explicit consent: "
        "the exception relied on, e.g. 'GDPR art. 9(2)(b) employment law'",
    )


class RecipientRole(StrEnum):
    processor = "processor"
    sub_processor = "sub_processor"
    joint_controller = "joint_controller"
    independent_controller = "independent_controller"
    authority = "authority"
    affiliate = "affiliate"


class Safeguard(StrEnum):
    """Conditions for a transfer abroad (UU PDP art. 56, GDPR art. 45-49)."""

    none = "none"
    adequacy = "adequacy"
    standard_contractual_clauses = "standard_contractual_clauses"
    binding_corporate_rules = "binding_corporate_rules"
    contract = "contract"
    consent = "consent"
    client_authorisation = "client_authorisation"
    unspecified = "unspecified"


class Recipient(Strict):
    key: Key
    name: str
    kind: Key = Field(description="Recipient category, e.g. cloud_hosting, payment, tax_authority")
    role: RecipientRole
    country: CountryCode = "ID"
    safeguard: Safeguard = Safeguard.none
    categories: list[Key] = Field(default_factory=list)


class Trigger(StrEnum):
    """The event from which a retention period runs."""

    collection = "collection"
    last_interaction = "last_interaction"
    account_closure = "account_closure"
    contract_end = "contract_end"
    purpose_fulfilled = "purpose_fulfilled"
    consent_withdrawn = "consent_withdrawn"


class RetentionAction(StrEnum):
    delete = "delete"
    anonymise = "anonymise"
    return_to_client = "return_to_client"


class LegalHold(Strict):
    """A law that obliges keeping data longer than its purpose needs (e.g. tax records)."""

    law: str
    duration: Duration
    trigger: Trigger = Trigger.collection
    keeps: list[Key] | None = None
    """The data categories the law needs kept (e.g. for invoices: name, NPWP, address, amounts); the
    rest of a held row is erased. Unset: the record-keeping default of :mod:`jaga.actions.holds`."""


class RetentionRule(Strict):
    key: Key
    categories: list[Key] = Field(min_length=1)
    duration: Duration
    trigger: Trigger
    action: RetentionAction = RetentionAction.delete
    legal_hold: LegalHold | None = None
    note: str | None = None


class Cookie(Strict):
    name: str
    kind: Literal["session", "persistent"]
    purpose: Key
    consent_required: bool
    duration: Duration | None = None
    provider: str | None = None


class Rights(Strict):
    offered: list[Right]
    response_time: dict[Right | Literal["default"], Duration] = Field(default_factory=dict)
    channels: list[str] = Field(default_factory=list, description="How a person makes a request")
    free_of_charge: bool = True
    fees: dict[Right, str] = Field(default_factory=dict, description="Fees the policy says it may charge, per right")
    conditions: dict[Right, str] = Field(
        default_factory=dict, description="Conditions the policy attaches to a right, in its own words"
    )
    refusal_grounds: str | None = None

    def promised(self, right: Right) -> Duration | None:
        return self.response_time.get(right) or self.response_time.get("default")


class Children(Strict):
    served: bool = False
    minimum_age: int | None = Field(default=None, ge=0, le=21)
    parental_consent: bool = False


class Breach(Strict):
    notify_subjects_within: Duration | None = None
    notify_authority_within: Duration | None = None
    notify_controller_within: Duration | None = Field(
        default=None, description="As a processor: how fast the client controller is told"
    )
    note: str | None = Field(default=None, description="The promise in the policy's words, e.g. 'promptly'")


class CustomTerm(Term):
    """A category or subject a company needs that the shipped taxonomy lacks."""


class Policy(Strict):
    """One company's privacy policy as code."""

    jaga: Literal[1] = 1
    version: str
    published_on: date | None = None
    controller: Controller
    custom_categories: dict[Key, CustomTerm] = Field(default_factory=dict)
    custom_subjects: dict[Key, CustomTerm] = Field(default_factory=dict)
    subjects: list[Key] = Field(min_length=1)
    categories: list[Key] = Field(min_length=1)
    purposes: list[Purpose] = Field(min_length=1)
    recipients: list[Recipient] = Field(default_factory=list)
    retention: list[RetentionRule] = Field(default_factory=list)
    cookies: list[Cookie] = Field(default_factory=list)
    rights: Rights
    children: Children = Field(default_factory=Children)
    breach: Breach = Field(default_factory=Breach)
    security: list[str] = Field(default_factory=list)
    changes: Text | None = None
    cookie_policy_url: str | None = None
    do_not_track: Literal["honoured", "ignored"] | None = None

    def purpose(self, key: str) -> Purpose | None:
        return next((p for p in self.purposes if p.key == key), None)

    def recipient(self, key: str) -> Recipient | None:
        return next((r for r in self.recipients if r.key == key), None)

    def retention_rule(self, key: str) -> RetentionRule | None:
        return next((r for r in self.retention if r.key == key), None)
