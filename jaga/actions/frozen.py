"""Row keys and reference values as JSON that reads back to exactly the same Python value.

A batch freezes its traversal (row keys per subject, parent values of deferred tables) in jaga's
store before it changes anything, and a resumed batch must find the very same rows again. Keys are
whatever the company's column types are: integers and text mostly, but also timestamps, dates,
times, decimals, UUIDs, bytes or network addresses. Plain JSON keeps the first two and fails on the
rest (``Object of type datetime is not JSON serializable``), and ``default=str`` would read back a
string that matches no row. Here every other value is written as ``{"$": type, "v": text}`` and read
back to an equal value of the same type (a time zone, microseconds and a decimal's scale included).
"""

from __future__ import annotations

import base64
import ipaddress
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from jaga.errors import JagaError

# checked in order: datetime before date (a datetime is a date), bool is native JSON
_WRITERS: tuple[tuple[str, type | tuple[type, ...], Callable[[Any], str]], ...] = (
    ("datetime", datetime, datetime.isoformat),
    ("date", date, date.isoformat),
    ("time", time, time.isoformat),
    ("timedelta", timedelta, lambda v: str(v // timedelta(microseconds=1))),
    ("decimal", Decimal, str),
    ("uuid", uuid.UUID, str),
    ("bytes", (bytes, bytearray, memoryview), lambda v: base64.b64encode(bytes(v)).decode()),
    # an interface is also an address: it is tested first
    ("ip_interface", (ipaddress.IPv4Interface, ipaddress.IPv6Interface), str),
    ("ip_network", (ipaddress.IPv4Network, ipaddress.IPv6Network), str),
    ("ip_address", (ipaddress.IPv4Address, ipaddress.IPv6Address), str),
)
_READERS: dict[str, Callable[[str], Any]] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda s: timedelta(microseconds=int(s)),
    "decimal": Decimal,
    "uuid": uuid.UUID,
    "bytes": base64.b64decode,
    "ip_address": ipaddress.ip_address,
    "ip_interface": ipaddress.ip_interface,
    "ip_network": ipaddress.ip_network,
}


class UnsupportedKeyType(JagaError):
    """A key column's values have a type jaga cannot store and read back exactly (it will not go away on
    a retry: the batch is marked failed)."""


def freeze(value: Any) -> Any:
    """``value`` (a column value, or a tuple of them for a key) as JSON-ready data; see :func:`thaw`."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple | list):
        return [freeze(v) for v in value]
    for tag, kinds, write in _WRITERS:
        if isinstance(value, kinds):
            return {"$": tag, "v": write(value)}
    raise UnsupportedKeyType(
        f"a key or reference column holds values of type {type(value).__name__}, which jaga cannot record",
        hint="use a primary key of a common SQL type (integer, text, date/time, decimal, UUID, bytes)",
    )


def thaw(data: Any) -> Any:
    """The value :func:`freeze` wrote: lists come back as tuples (keys are tuples)."""
    if isinstance(data, list):
        return tuple(thaw(v) for v in data)
    if isinstance(data, dict):
        return _READERS[data["$"]](data["v"])
    return data


__all__ = ["UnsupportedKeyType", "freeze", "thaw"]
