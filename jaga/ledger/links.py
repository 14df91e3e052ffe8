"""Signed single-purpose unsubscribe links (itsdangerous), for the opt-out promised in every mailing.

The token carries only the subject's ledger key and one purpose, signed with a per-tenant key, so a
link can unsubscribe that person from that purpose and nothing else, and cannot be forged or reused for
another tenant. Links do not expire by default: an opt-out must keep working as long as mail is sent.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from jaga.errors import PermissionDenied
from jaga.ledger.events import EventIn, RecordedEvent, record
from jaga.ledger.state import EventKind
from jaga.store.secrets import tenant_secret

_SALT = "jaga.unsubscribe.v1"


def _serializer(tenant_id: int) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(tenant_secret(tenant_id, "unsubscribe"), salt=_SALT)


def unsubscribe_token(tenant_id: int, subject_key: str, purpose: str) -> str:
    """A token for a link that unsubscribes ``subject_key`` from ``purpose`` only."""
    return _serializer(tenant_id).dumps({"s": subject_key, "p": purpose})


def invalid_link() -> PermissionDenied:
    """The one answer to a link that does not work (bad signature, foreign or unknown tenant, bad payload)."""
    return PermissionDenied("this unsubscribe link is not valid", hint="use the link exactly as sent")


def unsubscribe(
    session: Session, tenant_id: int, token: str, *, max_age: int | None = None, actor: str = "unsubscribe-link"
) -> RecordedEvent:
    """Check the token and record the opt-out; a bad or expired token is :class:`PermissionDenied`."""
    try:
        data: Any = _serializer(tenant_id).loads(token, max_age=max_age)
    except SignatureExpired:
        raise PermissionDenied("this unsubscribe link has expired", hint="use the link in a newer message") from None
    except BadSignature:
        raise invalid_link() from None
    if not (isinstance(data, dict) and isinstance(data.get("s"), str) and isinstance(data.get("p"), str)):
        raise invalid_link()
    return record(session, tenant_id, data["s"], EventIn(kind=EventKind.unsubscribed, purpose=data["p"]), actor=actor)
