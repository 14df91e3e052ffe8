"""The ledger's view of identities: the one normaliser and keyed hash of :mod:`jaga.identity`.

Kept as a module so existing imports stay valid; there is no second normaliser here.
"""

from __future__ import annotations

from jaga.identity import (
    Identity,
    IdentityKind,
    InvalidIdentity,
    clear_key_cache,
    identity_hash,
    proof_hash,
)

__all__ = ["Identity", "IdentityKind", "InvalidIdentity", "clear_key_cache", "identity_hash", "proof_hash"]
