"""Staff API: quotes (the Quote records of CONTRACTS.md), their PDF, approval decisions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import ServicesDep
from api.errors import error_responses
from api.quote_pdf_view import buyer_link, pdf_response
from api.staff.auth import READ_FORBIDDEN, DeciderDep, StaffDep
from api.text import CLEANED
from sales import quotes
from sales.models import Quote, QuoteStatus
from sales.quotes.states import RELEASED, QuoteConflict, QuoteNotFound

router = APIRouter(
    prefix="/api/quotes",
    tags=["staff: quotes"],
    responses=error_responses(401, 404, descriptions={403: READ_FORBIDDEN}),
)


class Decision(BaseModel):
    """An approval decision and why. Who decided is the staff identity of the token."""

    model_config = ConfigDict(extra="forbid")

    by: Annotated[
        str | None,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
        CLEANED,
        Field(
            deprecated=True,
            description="ignored: the decision is recorded under the token's staff identity",
        ),
    ] = None
    note: Annotated[str, StringConstraints(max_length=2000), CLEANED] = ""


_DECISION_ERRORS = error_responses(
    413,
    422,
    descriptions={
        403: "the staff identity lacks the approve scope, or is not on the approver list",
        409: "not pending approval, or past its validity",
    },
)


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


@router.get(
    "/{reference}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "the PDF"},
        **error_responses(descriptions={503: "price book not loaded"}),
    },
)
async def get_quote_pdf(reference: str, _: StaffDep, services: ServicesDep) -> Response:
    return await pdf_response(services, await _load(services, reference))


@router.post("/{reference}/approve", responses=_DECISION_ERRORS)
async def approve_quote(
    reference: str, decision: Decision, identity: DeciderDep, services: ServicesDep
) -> dict[str, Any]:
    """Needs the approve scope (and a name on the approver list, when one is set)."""
    with _http_errors():
        async with services.db.session() as db:
            quote = await quotes.approve(
                db, reference=reference, by=identity.name, note=decision.note
            )
    return quotes.to_record(quote)


@router.post("/{reference}/reject", responses=_DECISION_ERRORS)
async def reject_quote(
    reference: str, decision: Decision, identity: DeciderDep, services: ServicesDep
) -> dict[str, Any]:
    """Needs the approve scope (and a name on the approver list, when one is set)."""
    with _http_errors():
        async with services.db.session() as db:
            quote = await quotes.reject(
                db, reference=reference, by=identity.name, note=decision.note
            )
    return quotes.to_record(quote)


@router.post(
    "/{reference}/link",
    responses=error_responses(descriptions={409: "the quote is not released to the buyer"}),
)
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
