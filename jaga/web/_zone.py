"""The controller's zone for the pages: from the tenant's policy, UTC when there is none.

Requests carry their own zone (the one their deadline was counted in); this is for everything else a
page shows, such as audit entries, so that every time on a page is labelled with the zone it is in.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import Request

from jaga.policy import UTC_ZONE, Policy
from jaga.web._common import web_state


def controller_zone(request: Request) -> ZoneInfo:
    policy = web_state(request).policy
    return policy.controller.zone.zone if isinstance(policy, Policy) else UTC_ZONE
