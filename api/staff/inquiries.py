"""Staff API: inquiries (the RFQ records of CONTRACTS.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status

from api.deps import ServicesDep
from api.errors import error_responses
from api.staff.auth import READ_FORBIDDEN, StaffDep
from sales import inquiries
from sales.models import InquiryStatus

router = APIRouter(
    prefix="/api/inquiries",
    tags=["staff: inquiries"],
    responses=error_responses(401, descriptions={403: READ_FORBIDDEN}),
)


@router.get("", responses=error_responses(422))
async def list_inquiries(
    _: StaffDep,
    services: ServicesDep,
    status_: Annotated[InquiryStatus | None, Query(alias="status")] = None,
    since: Annotated[
        datetime | None,
        Query(
            description="created at or after: a date (2026-01-01) or a date-time; "
            "without a time zone, UTC"
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, list[dict[str, Any]]]:
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    async with services.db.session() as db:
        rows = await inquiries.list_recent(
            db, status=status_.value if status_ else None, since=since, limit=limit
        )
    return {"items": [inquiries.to_record(row) for row in rows]}


@router.get("/{reference}", responses=error_responses(404))
async def get_inquiry(reference: str, _: StaffDep, services: ServicesDep) -> dict[str, Any]:
    async with services.db.session() as db:
        inquiry = await inquiries.get(db, reference)
    if inquiry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no inquiry {reference}")
    return inquiries.to_record(inquiry)
