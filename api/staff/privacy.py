"""Staff API: erase one buyer's personal data (admin scope), audited without the data itself."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from api.deps import ServicesDep
from api.errors import error_responses
from api.staff.auth import AdminDep
from api.text import CLEANED
from sales import privacy

router = APIRouter(
    prefix="/api/privacy",
    tags=["staff: privacy"],
    responses=error_responses(401, descriptions={403: "the staff identity lacks the admin scope"}),
)
audit = logging.getLogger("exportdesk.audit")


class EraseRequest(BaseModel):
    """Exactly one of the buyer's e-mail address or a chat session id."""

    model_config = ConfigDict(extra="forbid")

    email: Annotated[
        str | None,
        StringConstraints(
            strip_whitespace=True, min_length=3, max_length=320, pattern=r"^\S+@\S+$"
        ),
        CLEANED,
    ] = None
    session_id: Annotated[
        str | None, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), CLEANED
    ] = None

    @model_validator(mode="after")
    def _one_key(self) -> EraseRequest:
        if (self.email is None) == (self.session_id is None):
            raise ValueError("give either email or session_id")
        return self


@router.post(
    "/erase",
    responses=error_responses(
        413, 422, descriptions={503: "the tracker store is unreachable; nothing was erased"}
    ),
)
async def erase(request: EraseRequest, identity: AdminDep, services: ServicesDep) -> dict[str, Any]:
    """Erase one buyer: chat sessions, transcripts, handoffs, knowledge gaps and the tracker
    store's events deleted; inquiries anonymised (items and totals stay). Answers the rows
    erased per store; repeating the request erases nothing more (all counts 0)."""
    erasure_id = uuid.uuid4().hex
    key = "email" if request.email is not None else "session_id"
    try:
        async with services.db.session() as db:
            report = await privacy.erase_buyer(
                db,
                tracker_url=services.settings.tracker_store_url,
                email=request.email,
                session_id=request.session_id,
            )
    except privacy.TrackerStoreUnavailable as exc:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "tracker store unreachable"
        ) from exc
    # the audit line: who, when (the log's time), by which kind of key, how much; never the
    # e-mail address or the session id
    audit.info(
        "personal data erased",
        extra={"erasure_id": erasure_id, "by": identity.name, "key": key, "erased": report.stores},
    )
    return {"erasure_id": erasure_id, "erased": report.stores, "total": report.total}
