"""Staff API: quotes (the Quote records of CONTRACTS.md), their PDF, approval decisions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import ServicesDep
from api.quote_pdf_view import buyer_link, pdf_response
from api.staff.auth import StaffDep
from sales import quotes
from sales.models import Quote, QuoteStatus
from sales.quotes_states import RELEASED, QuoteConflict, QuoteNotFound

router = APIRouter(prefix="/api/quotes", tags=["staff: quotes"])


class Decision(BaseModel):
    """An approval decision: who decided (Slack user id, e-mail, name) and why."""

    model_config = ConfigDict(extra="forbid")

    by: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    note: Annotated[str, Field(max_length=2000)] = ""


@contextmanager
def _http_errors() -> Iterator[None]:
    try:
        yield
    except QuoteNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except QuoteConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc


async def _load(services: ServicesDep, reference: str) -> Quote:
    async with services.db.session() as db:
        quote = await quotes.get(db, reference)
    if quote is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no quote {reference}")
    return quote


@router.get("/{reference}")
async def get_quote(reference: str, _: StaffDep, services: ServicesDep) -> dict[str, Any]:
    return quotes.to_record(await _load(services, reference))


@router.get("/{reference}/pdf", response_class=Response)
async def get_quote_pdf(reference: str, _: StaffDep, services: ServicesDep) -> Response:
    return await pdf_response(services, await _load(services, reference))


@router.post("/{reference}/approve")
async def approve_quote(
    reference: str, decision: Decision, _: StaffDep, services: ServicesDep
) -> dict[str, Any]:
    with _http_errors():
        async with services.db.session() as db:
            quote = await quotes.approve(
                db, reference=reference, by=decision.by, note=decision.note
            )
    return quotes.to_record(quote)


@router.post("/{reference}/reject")
async def reject_quote(
    reference: str, decision: Decision, _: StaffDep, services: ServicesDep
) -> dict[str, Any]:
    with _http_errors():
        async with services.db.session() as db:
            quote = await quotes.reject(db, reference=reference, by=decision.by, note=decision.note)
    return quotes.to_record(quote)


@router.post("/{reference}/link")
async def buyer_pdf_link(reference: str, _: StaffDep, services: ServicesDep) -> dict[str, str]:
    """A signed link to the PDF to give the buyer (only for quotes released to the buyer)."""
    quote = await _load(services, reference)
    if QuoteStatus(quote.status) not in RELEASED:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"quote {reference} is {quote.status}: not for the buyer yet"
        )
    now = datetime.now(UTC).replace(microsecond=0)
    expires = now + timedelta(days=services.settings.quote_link_ttl_days)
    return {
        "url": buyer_link(services, reference, now=now),
        "expires_at": expires.isoformat().replace("+00:00", "Z"),
    }
