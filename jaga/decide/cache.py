"""Every subject's state for a purpose, held in memory and kept exact with one cheap read per use.

Why: a batch decision over most of a tenant is bound by reading the state rows (a few microseconds a
subject even with a lean query), and a service filters the same lists all day. :class:`StateCache`
keeps ``subject key -> state code`` for the whole tenant per purpose and, before each use, asks the
audit chain which subjects changed since the position it was read at
(:func:`jaga.ledger.batch.changed_since`), re-reading only those. Ledger writes append their audit
entry in the same transaction and the chain's numbers are commit-ordered, so a decision reflects every
event committed before it started, whichever process or server wrote it. A write that names no subject
(a rebuild), or more changes than re-reading one by one is worth, reloads the purpose.

Memory is about 100-150 bytes per subject and cached purpose (a dict entry and its 64-character key);
only the most recently used ``purposes`` are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jaga.ledger.batch import audit_position, changed_since, load_states, scan_states


@dataclass
class _Entry:
    position: int
    codes: dict[str, int]


class StateCache:
    """State codes of one tenant's subjects, per purpose; safe to share between threads."""

    def __init__(self, tenant_id: int, *, purposes: int = 4, reload_share: float = 0.2) -> None:
        self.tenant_id = tenant_id
        self.purposes = purposes
        self.reload_share = reload_share
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def codes(self, session: Session, purpose: str, *, build: bool) -> Mapping[str, int] | None:
        """Fresh codes for ``purpose`` (absent keys: nothing said), or None if not cached and not ``build``.

        The refresh runs under a lock and reads in ``session`` after the caller started, so no caller is
        answered from a refresh that began before it did.
        """
        with self._lock:
            entry = self._entries.get(purpose)
            if entry is None:
                if not build:
                    return None
                entry = self._load(session, purpose)
            else:
                entry = self._refresh(session, purpose, entry)
            self._entries.move_to_end(purpose)
            return entry.codes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _load(self, session: Session, purpose: str) -> _Entry:
        # The position is read before the scan: a write in between is in the scan and re-read next time.
        position = audit_position(session, self.tenant_id)
        entry = self._entries[purpose] = _Entry(position, scan_states(session, self.tenant_id, purpose))
        while len(self._entries) > self.purposes:
            self._entries.popitem(last=False)
        return entry

    def _refresh(self, session: Session, purpose: str, entry: _Entry) -> _Entry:
        position, changed = changed_since(session, self.tenant_id, entry.position)
        if changed is None or len(changed) > max(1000, len(entry.codes) * self.reload_share):
            return self._load(session, purpose)
        if changed:
            fresh = load_states(session, self.tenant_id, sorted(changed), purpose, scan_above=len(changed))
            codes = entry.codes
            for key in changed:
                code = fresh.get(key)
                if code is None:
                    codes.pop(key, None)
                else:
                    codes[key] = code
        entry.position = position
        return entry
