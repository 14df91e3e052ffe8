"""The breach register: record an incident, size it on the live data, meet each law's deadlines.

UU PDP art. 46 and GDPR art. 33-34 give 72 hours from discovery; this module turns an incident into
the affected categories and head-count (from the data map and the databases), the deadlines per
regime, and draft notices holding every element the law requires, with each step in the audit chain.
"""

from jaga.incidents._datamap import Map, read_map
from jaga.incidents.assess import Assessment, assess, export_contacts
from jaga.incidents.deadlines import Deadline, deadlines
from jaga.incidents.drafts import ELEMENTS, Draft, authority_notice, subject_notice
from jaga.incidents.register import (
    Step,
    assess_incident,
    assessment_of,
    close_incident,
    export_incident_contacts,
    get_incident,
    incident_deadlines,
    is_overdue,
    list_incidents,
    notify,
    open_incident,
    outbox_dir,
    parse_time,
    timeline,
)
from jaga.store.models.incidents import Incident

__all__ = [
    "ELEMENTS",
    "Assessment",
    "Deadline",
    "Draft",
    "Incident",
    "Map",
    "Step",
    "assess",
    "assess_incident",
    "assessment_of",
    "authority_notice",
    "close_incident",
    "deadlines",
    "export_contacts",
    "export_incident_contacts",
    "get_incident",
    "incident_deadlines",
    "is_overdue",
    "list_incidents",
    "notify",
    "open_incident",
    "outbox_dir",
    "parse_time",
    "read_map",
    "subject_notice",
    "timeline",
]
