"""The tamper-evident audit chain: append in the caller's transaction, verify by walking it."""

from jaga.audit.chain import GENESIS, VerifyResult, append, append_many, canonical, entries, verify
from jaga.store.models.audit import AuditEntry

__all__ = ["GENESIS", "AuditEntry", "VerifyResult", "append", "append_many", "canonical", "entries", "verify"]
