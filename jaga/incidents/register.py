"""The breach register: open, assess, notify and close incidents, each step timed in the audit chain.

Regulators ask "when did you know, and what did you do by when?" (UU PDP art. 46, GDPR art. 33(5)),
so every step is an audit entry with its time; payloads carry ids, counts and category keys only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from jaga import audit
from jaga.errors import JagaError, NotFoundError
from jaga.incidents._datamap import Map
from jaga.incidents.assess import Assessment, assess, export_contacts
from jaga.incidents.deadlines import Deadline, deadlines
from jaga.incidents.drafts import Draft, authority_notice, subject_notice, subject_regimes
from jaga.policy import Policy, taxonomy_for
from jaga.regimes import REGIMES
from jaga.settings import get_settings
from jaga.store.base import utcnow
from jaga.store.models.incidents import Incident

#: How far ahead of this machine's clock a discovery time may lie (clock skew between systems).
CLOCK_SKEW = timedelta(minutes=5)


def parse_time(text: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 time; without an offset it is read in ``zone`` (the controller's, from the policy)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise JagaError(
            f"{text!r} is not a time", hint="write ISO 8601, e.g. 2026-03-01T14:30 or 2026-03-01T07:30Z"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _check_times(occurred_at: datetime, discovered_at: datetime, now: datetime) -> None:
    for name, moment in (("occurred", occurred_at), ("discovered", discovered_at)):
        if moment.tzinfo is None:
            raise JagaError(f"the {name} time has no time zone", hint="give an offset, e.g. +07:00")
    if discovered_at > now + CLOCK_SKEW:
        raise JagaError(
            "the discovery time is in the future",
            hint="deadlines run from when the breach became known; give the real discovery time",
        )
    if occurred_at > discovered_at:
        raise JagaError(
            "the breach cannot have occurred after it was discovered",
            hint="check the --occurred and --discovered times (and their time zones)",
        )


def open_incident(
    session: Session,
    tenant_id: int,
    *,
    title: str,
    description: str,
    occurred_at: datetime,
    discovered_at: datetime,
    regimes: Sequence[str],
    systems: Sequence[str] = (),
    tables: Sequence[str] = (),
    categories: Sequence[str] = (),
    containment: str = "",
    consequences: str = "",
    measures: str = "",
    high_risk: bool = False,
    actor: str = "system",
    now: datetime | None = None,
) -> Incident:
    """Record a breach and start its clocks; bad times or unknown regimes are a :class:`JagaError`."""
    now = now or utcnow()
    _check_times(occurred_at, discovered_at, now)
    if not title.strip():
        raise JagaError("an incident needs a title", hint="say in a few words what happened")
    unknown = [r for r in regimes if r not in REGIMES]
    if unknown or not regimes:
        raise JagaError(f"unknown or no regime: {', '.join(unknown) or '(none)'}", hint=f"use {', '.join(REGIMES)}")
    incident = Incident(
        tenant_id=tenant_id,
        title=title.strip(),
        description=description,
        occurred_at=occurred_at,
        discovered_at=discovered_at,
        systems=list(systems),
        tables=list(tables),
        categories=list(categories),
        regimes=list(regimes),
        containment=containment,
        consequences=consequences,
        measures=measures,
        high_risk=high_risk,
        status="open",
        created_at=now,
    )
    session.add(incident)
    session.flush()
    _log(
        session,
        incident,
        "incident.opened",
        actor,
        now,
        occurred_at=occurred_at.isoformat(),
        discovered_at=discovered_at.isoformat(),
        tables=list(tables),
        regimes=list(regimes),
        high_risk=high_risk,
    )
    return incident


def _log(session: Session, incident: Incident, kind: str, actor: str, at: datetime, **payload: Any) -> None:
    audit.append(session, incident.tenant_id, kind, {"incident": incident.id, **payload}, actor=actor, at=at)


def get_incident(session: Session, tenant_id: int, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None or incident.tenant_id != tenant_id:
        raise NotFoundError(f"no incident {incident_id}", hint="see `jaga incident list`")
    return incident


def assess_incident(
    session: Session,
    incident: Incident,
    datamap: Map,
    urls: Mapping[str, str],
    policy: Policy,
    *,
    actor: str = "system",
    now: datetime | None = None,
) -> Assessment:
    """Size the breach on the live databases and store the result on the incident."""
    if not incident.tables:
        raise JagaError(f"incident {incident.id} names no tables", hint="open it with --table DATASET.TABLE")
    result = assess(datamap, incident.tables, urls, taxonomy_for(policy), incident.regimes, incident.categories)
    now = now or utcnow()
    incident.assessment = result.to_json()
    incident.assessed_at = now
    if incident.status == "open":
        incident.status = "assessed"
    _log(
        session,
        incident,
        "incident.assessed",
        actor,
        now,
        categories=result.categories,
        special=result.special,
        records=result.records,
        subjects=result.subjects,
    )
    return result


def export_incident_contacts(
    session: Session,
    incident: Incident,
    datamap: Map,
    urls: Mapping[str, str],
    out: str | Path,
    *,
    actor: str = "system",
) -> int:
    """Write affected people's identities to ``out`` for notifying them; the chain records how many, not who."""
    written = export_contacts(datamap, incident.tables, urls, out)
    _log(session, incident, "incident.contacts_exported", actor, utcnow(), people=written)
    return written


def assessment_of(incident: Incident) -> Assessment:
    """The stored assessment, or one built from the declared categories when no database was counted."""
    if incident.assessment:
        return Assessment.from_json(incident.assessment)
    return Assessment(sorted(incident.categories), {}, {}, {}, {}, ["not assessed against the databases"])


def incident_deadlines(incident: Incident, policy: Policy | None = None) -> list[tuple[Deadline, str]]:
    """Each duty with its status now (``overdue`` flags a missed deadline)."""
    now = utcnow()
    done = {"authority": incident.authority_notified_at, "subjects": incident.subjects_notified_at}
    return [
        (d, d.status(done[d.audience], now))
        for d in deadlines(incident.discovered_at, incident.regimes, incident.high_risk, policy)
    ]


def is_overdue(incident: Incident) -> bool:
    return incident.status != "closed" and any(s == "overdue" for _, s in incident_deadlines(incident))


def _eml(draft: Draft, policy: Policy, now: datetime, attachment: Mapping[str, str] | None) -> EmailMessage:
    c = policy.controller
    sender = (c.dpo.email if c.dpo and c.dpo.email else None) or (c.contact.email if c.contact else None)
    message = EmailMessage()
    message["From"] = sender or "privacy@localhost"
    message["To"] = "undisclosed-recipients:;"
    message["Subject"] = draft.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain="jaga.local")
    message["X-Jaga-Audience"] = draft.audience
    message.set_content(draft.body)
    message["Content-Language"] = draft.lang  # after set_content, which replaces Content-* headers
    if attachment is not None:
        data = json.dumps(attachment, ensure_ascii=False, indent=2).encode()
        message.add_attachment(data, maintype="application", subtype="json", filename="form.json")
    return message


def outbox_dir() -> Path:
    return Path(get_settings().data_dir) / "outbox"


def notify(
    session: Session,
    incident: Incident,
    policy: Policy,
    *,
    audiences: Sequence[str] = ("authority", "subjects"),
    delay_reason: str = "",
    actor: str = "system",
    now: datetime | None = None,
) -> list[Path]:
    """Draft every required notice into the outbox as ``.eml`` files and record the notification time.

    Notices to people are mail-merge templates (``{{ name }}``): the outbox holds no personal data; the
    list of addressees comes only from an explicit contacts export.
    """
    now = now or utcnow()
    assessment = assessment_of(incident)
    folder = outbox_dir() / f"incident-{incident.id}"
    drafts: list[tuple[Draft, Mapping[str, str] | None]] = []
    if "authority" in audiences:
        for regime in incident.regimes:
            draft = authority_notice(incident, assessment, policy, regime, now, delay_reason)
            drafts.append((draft, draft.elements))
    if "subjects" in audiences and subject_regimes(incident):
        drafts += [(subject_notice(incident, assessment, policy, lang), None) for lang in ("id", "en")]
    if not drafts:
        raise JagaError(f"incident {incident.id}: nothing to notify", hint="no regime requires these notices")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for draft, form in drafts:
            name = f"{draft.audience.replace(':', '-')}.{draft.lang}.eml"
            path = folder / name
            path.write_bytes(bytes(_eml(draft, policy, now, form)))
            files.append(path)
    except OSError as exc:
        raise JagaError(f"cannot write to the outbox ({exc.strerror})", where=str(folder)) from None
    for audience in ("authority", "subjects"):
        sent = [f.name for (d, _), f in zip(drafts, files, strict=True) if d.audience.startswith(audience)]
        if not sent:
            continue
        setattr(incident, f"{audience}_notified_at", now)
        late = [d.regime for d, s in incident_deadlines(incident) if d.audience == audience and s == "late"]
        _log(session, incident, "incident.notified", actor, now, audience=audience, files=sent, late=late)
    if incident.status in ("open", "assessed"):
        incident.status = "notified"
    return files


def close_incident(
    session: Session, incident: Incident, *, actor: str = "system", now: datetime | None = None
) -> Incident:
    """Close an incident; the audit entry keeps whether any deadline was missed."""
    if incident.status == "closed":
        raise JagaError(f"incident {incident.id} is already closed")
    now = now or utcnow()
    missed = [f"{d.regime}:{d.audience}" for d, s in incident_deadlines(incident) if s in ("overdue", "late")]
    incident.status, incident.closed_at = "closed", now
    _log(session, incident, "incident.closed", actor, now, missed=missed)
    return incident


def list_incidents(session: Session, tenant_id: int, *, overdue_only: bool = False) -> list[Incident]:
    rows = session.scalars(select(Incident).where(Incident.tenant_id == tenant_id).order_by(Incident.id)).all()
    return [i for i in rows if is_overdue(i)] if overdue_only else list(rows)


@dataclass(frozen=True)
class Step:
    at: datetime
    kind: str
    payload: dict[str, Any]


def timeline(session: Session, incident: Incident) -> list[Step]:
    """The incident's steps from the audit chain, oldest first."""
    steps = []
    for entry in reversed(audit.entries(session, incident.tenant_id, limit=100_000)):
        if entry.kind.startswith("incident."):
            payload = json.loads(entry.payload)
            if payload.get("incident") == incident.id:
                steps.append(Step(entry.at, entry.kind, payload))
    return steps
