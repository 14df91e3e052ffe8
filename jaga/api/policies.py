"""``POST /v1/policies/ingest``: a policy document in, the draft policy and its gap report out.

Nothing is stored: the caller's tenant gets its own draft back and reads it as ``jaga ingest`` would
write it. Needs ``policies:write`` (drafting a policy is the DPO's job). The body may be an upload of up
to the ingest limit; the guard cuts larger bodies off before they are read (413).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, UploadFile

from jaga.api.auth import Caller, Scope
from jaga.api.deps import require
from jaga.ingest import MAX_BYTES, ingest_bytes
from jaga.ingest.read import too_large

router = APIRouter(prefix="/v1/policies", tags=["policies"])


@router.post("/ingest")
def ingest(
    file: UploadFile = File(..., description="The privacy policy: .txt, .md, .html, .pdf or .docx"),
    caller: Caller = Depends(require(Scope.policies_write)),
) -> dict[str, Any]:
    """The draft policy YAML (every value quoting its sentence) and the gaps against UU PDP / GDPR."""
    name = file.filename or "policy.txt"
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise too_large(name)
    result = ingest_bytes(data, name)
    return {
        "tenant": caller.tenant_slug,
        "draft": result.draft,
        "errors": result.errors,
        "findings": [f.as_dict() for f in result.findings],
    }
