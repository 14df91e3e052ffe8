"""The controller's time zone: the one place every deadline and every shown time takes it from.

A deadline counted in the wrong zone is a day wrong (GDPR art. 12(3) counts calendar months on the
controller's calendar), so the zone is a promise of the policy, never a process setting. When the policy
does not state one, jaga infers it only from a country the policy states, and only for countries with
a single civil time (Indonesia has three: WIB, WITA, WIT); otherwise it uses UTC and ``jaga check``
says so (JG017). It never guesses from an address or from where the server runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_ZONE = ZoneInfo("UTC")

#: Countries whose whole territory keeps one civil time, with its IANA zone. Countries with several
#: (ID, US, AU, BR, ES, PT, MX, RU, CA, ...) are deliberately absent: the policy must state its zone.
SINGLE_ZONE: dict[str, str] = {
    "AT": "Europe/Vienna",
    "BE": "Europe/Brussels",
    "BG": "Europe/Sofia",
    "CH": "Europe/Zurich",
    "CY": "Europe/Nicosia",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "GR": "Europe/Athens",
    "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IS": "Atlantic/Reykjavik",
    "IT": "Europe/Rome",
    "LI": "Europe/Vaduz",
    "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg",
    "LV": "Europe/Riga",
    "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam",
    "NO": "Europe/Oslo",
    "PL": "Europe/Warsaw",
    "RO": "Europe/Bucharest",
    "SE": "Europe/Stockholm",
    "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava",
    "SG": "Asia/Singapore",
    "MY": "Asia/Kuala_Lumpur",
    "PH": "Asia/Manila",
    "TH": "Asia/Bangkok",
    "VN": "Asia/Ho_Chi_Minh",
    "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul",
    "HK": "Asia/Hong_Kong",
    "IN": "Asia/Kolkata",
    "TL": "Asia/Dili",
}

Origin = Literal["stated", "inferred", "default"]


@dataclass(frozen=True)
class ControllerZone:
    """The zone and where it came from, so a lint can say "assumed UTC" instead of hiding it."""

    zone: ZoneInfo
    origin: Origin

    @property
    def name(self) -> str:
        return self.zone.key


def check_zone(name: str) -> str:
    """``name`` if it is an IANA zone (e.g. ``Asia/Jakarta``); a ``ValueError`` naming the fix otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as Asia/Jakarta or Europe/Berlin"
        ) from None
    return name


def show(moment: datetime, tz: ZoneInfo) -> str:
    """A moment as people in ``tz`` read it, labelled with that zone: ``2025-02-28 23:59 WIB``, ``... UTC``.

    Zones without a common abbreviation get their offset (``+08``), so no label ever claims a zone the
    time is not in. A naive time is refused: jaga never guesses which zone it was meant in.
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetime; jaga works in timezone-aware UTC")
    local = moment.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def controller_zone(timezone: str | None, country: str | None) -> ControllerZone:
    """The stated zone; else the single zone of a stated country; else UTC."""
    if timezone:
        return ControllerZone(ZoneInfo(timezone), "stated")
    if country and country in SINGLE_ZONE:
        return ControllerZone(ZoneInfo(SINGLE_ZONE[country]), "inferred")
    return ControllerZone(UTC_ZONE, "default")
