"""JG017: the policy must say which clock its deadlines run on.

Kept apart from :mod:`jaga.check.rules` because it checks the controller, not a processing promise, and
is reported once (under the first regime), not once per law.
"""

from __future__ import annotations

from collections.abc import Iterator

from jaga.check.finding import Finding, Severity
from jaga.check.rules import Context, RuleInfo, rule
from jaga.policy import Right


@rule("JG017", "timezone-not-stated", Severity.warning, "The policy does not state the controller's time zone")
def _timezone(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    controller = ctx.policy.controller
    if controller.timezone or ctx.regime.key != controller.regimes[0]:
        return
    access = ctx.regime.rights[Right.access]
    article = f"{access.deadline_article or access.article}; {ctx.regime.breach.authority_article}"
    zone = controller.zone
    if zone.origin == "inferred":
        en = f"no time zone stated: deadlines are counted and shown in {zone.name}, inferred from the country"
        id_ = f"zona waktu tidak dinyatakan: tenggat dihitung dan ditampilkan dalam {zone.name} (dari negara)"
    else:
        en = "no time zone stated and none follows from the country: deadlines are counted and shown in UTC"
        id_ = "zona waktu tidak dinyatakan dan tidak dapat disimpulkan dari negara: tenggat memakai UTC"
    yield ctx.finding(
        info,
        article,
        f"{en}; add controller.timezone (e.g. Asia/Jakarta)",
        f"{id_}; tambahkan controller.timezone (mis. Asia/Jakarta)",
        "controller",
    )
