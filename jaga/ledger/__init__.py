"""The consent ledger: what each subject said, append-only, and their exact state at any time.

Subjects are known by identities (email, phone, NIK, customer id) stored only as tenant-keyed HMACs.
Events (consent given or withdrawn, objections, restrictions, do-not-contact, unsubscribe, GPC,
parental consent, erasure done) are never changed; a materialised current state makes reads fast and
``rebuild`` proves it equals the events. Every event is also written to the audit chain.
"""

from jaga.ledger.batch import EMPTY, Snapshot, load_snapshots, snapshot
from jaga.ledger.events import (
    EventIn,
    RecordedEvent,
    SubjectRef,
    check_purpose,
    history,
    identify,
    link,
    rebuild,
    record,
    record_erasure,
    record_erasures,
    record_many,
    set_guardian,
    state_at,
    subject_key,
)
from jaga.ledger.identity import Identity, IdentityKind, InvalidIdentity, identity_hash
from jaga.ledger.links import invalid_link, unsubscribe, unsubscribe_token
from jaga.ledger.state import ConsentForm, EventKind, EventRecord, PurposeState, SubjectState, apply, fold

__all__ = [
    "EMPTY",
    "ConsentForm",
    "EventIn",
    "EventKind",
    "EventRecord",
    "Identity",
    "IdentityKind",
    "InvalidIdentity",
    "PurposeState",
    "RecordedEvent",
    "Snapshot",
    "SubjectRef",
    "SubjectState",
    "apply",
    "check_purpose",
    "fold",
    "history",
    "identify",
    "identity_hash",
    "invalid_link",
    "link",
    "load_snapshots",
    "rebuild",
    "record",
    "record_erasure",
    "record_erasures",
    "record_many",
    "set_guardian",
    "snapshot",
    "state_at",
    "subject_key",
    "unsubscribe",
    "unsubscribe_token",
]
