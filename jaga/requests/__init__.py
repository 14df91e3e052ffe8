"""Data-subject requests: the lifecycle (intake, identity verification, legal deadlines, messages to the
person) and the execution of access, erasure, rectification and restriction on the company's databases,
as resumable, audited batches.

The lifecycle lives in :mod:`jaga.requests.lifecycle` (``lifecycle.resume`` restarts a request that was
waiting on the person; the top-level :func:`resume` finishes crashed execution batches).
"""

from jaga.requests import deadlines, lifecycle, outbox, verification
from jaga.requests.deadlines import Clock, DeadlineError
from jaga.requests.execute import BatchOutcome, RequestOutcome, RequestSpec, outcome, resume, run_requests
from jaga.requests.lifecycle import (
    Handler,
    Hooks,
    IllegalTransition,
    NoticeSource,
    Outcome,
    RequestView,
    Status,
    TransitionView,
    VerifiedSubject,
    notice_handler,
    submit,
    verified_subject,
)
from jaga.requests.plan import Kind, Plan, Subject, TablePlan, build_plan, normalise, render
from jaga.requests.verification import (
    CodeResult,
    VerificationFailed,
    VerifyOutcome,
    mark_verified,
    send_code,
    verify_code,
)

__all__ = [
    "BatchOutcome",
    "Clock",
    "CodeResult",
    "DeadlineError",
    "Handler",
    "Hooks",
    "IllegalTransition",
    "Kind",
    "NoticeSource",
    "Outcome",
    "Plan",
    "RequestOutcome",
    "RequestSpec",
    "RequestView",
    "Status",
    "Subject",
    "TablePlan",
    "TransitionView",
    "VerificationFailed",
    "VerifiedSubject",
    "VerifyOutcome",
    "build_plan",
    "deadlines",
    "lifecycle",
    "mark_verified",
    "normalise",
    "notice_handler",
    "outbox",
    "outcome",
    "render",
    "resume",
    "run_requests",
    "send_code",
    "submit",
    "verification",
    "verified_subject",
    "verify_code",
]
