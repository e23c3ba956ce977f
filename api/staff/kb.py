"""Staff API: knowledge base search and the list of knowledge gaps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status

from api.deps import ServicesDep
from api.errors import error_responses
from api.staff.auth import READ_FORBIDDEN, StaffDep
from sales import knowledge_gaps

router = APIRouter(
    prefix="/api/kb",
    tags=["staff: knowledge base"],
    responses=error_responses(401, descriptions={403: READ_FORBIDDEN}),
)


@router.get(
    "/search",
    responses=error_responses(422, descriptions={503: "knowledge index not loaded"}),
)
async def search(
    _: StaffDep,
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=2000)],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    category: str | None = None,
    certification: str | None = None,
    market: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    if services.kb is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "knowledge index not loaded")
    if market and services.kb.market_directory.resolve(market) is None:
        known = ", ".join(sorted(services.kb.market_directory.markets))
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"unknown market {market!r} (known: {known})"
        )
    hits = services.kb.search(q, k, category=category, certification=certification, market=market)
    return {
        "hits": [
            {"text": h.text, "source": h.source, "score": round(h.score, 4), "sku": h.sku}
            for h in hits
        ]
    }


@router.get("/gaps", responses=error_responses(422))
async def gaps(
    _: StaffDep, services: ServicesDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> dict[str, list[dict[str, Any]]]:
    async with services.db.session() as db:
        rows = await knowledge_gaps.list_open(db, limit=limit)
    return {"items": [knowledge_gaps.to_record(row) for row in rows]}
