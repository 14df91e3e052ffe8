"""The tamper-evident audit chain: append in the caller's transaction, verify by walking it.

``append``/``append_many`` are all most callers need. Writers that put their own rows in the same
statements (the ledger) use ``lock_head``, ``next_entry`` and ``write``/``stored`` directly.
"""

from jaga.audit.chain import (
    GENESIS,
    Head,
    VerifyResult,
    append,
    append_many,
    canonical,
    entries,
    entry_statement,
    head_statement,
    lock_head,
    lock_statement,
    locked_head,
    next_entry,
    stored,
    verify,
    write,
)
from jaga.store.models.audit import AuditEntry

__all__ = [
    "GENESIS",
    "AuditEntry",
    "Head",
    "VerifyResult",
    "append",
    "append_many",
    "canonical",
    "entries",
    "entry_statement",
    "head_statement",
    "lock_head",
    "lock_statement",
    "locked_head",
    "next_entry",
    "stored",
    "verify",
    "write",
]
