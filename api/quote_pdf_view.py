"""Buyers' quotation PDFs by signed link: ``GET /q/{reference}.pdf?exp=...&sig=...``.

No other authentication: the signature is the permission (see ``sales.quotes.links``).
403 for a missing, tampered or expired signature (checked before the database is asked, so
a bad link learns nothing about which quotes exist), 404 for an unknown quote or one that
has not been released to the buyer (pending approval or rejected).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, HTTPException, Response, status
from starlette.concurrency import run_in_threadpool

from api.deps import Services, ServicesDep
from api.errors import error_responses
from api.settings import Settings
from sales import quotes
from sales.models import Quote, QuoteStatus
from sales.quotes import links as quote_links
from sales.quotes.documents import render_pdf
from sales.quotes.states import RELEASED

router = APIRouter(tags=["buyer: quotation PDF"])


def link_signer(settings: Settings) -> quote_links.LinkSigner:
    """The one maker of buyers' PDF links (chat, staff API, Slack): under the app's public
    address, valid for ``QUOTE_LINK_TTL_DAYS``, signed with ``QUOTE_LINK_SECRET``."""
    return quote_links.LinkSigner(
        settings.buyer_base_url,
        timedelta(days=settings.quote_link_ttl_days),
        secret=settings.quote_link_secret.get_secret_value(),
    )


def buyer_link(services: Services, reference: str, *, now: datetime | None = None) -> str:
    """A signed link to the quote's PDF, valid for ``QUOTE_LINK_TTL_DAYS`` from ``now``."""
    return link_signer(services.settings).link(reference, now=now)


async def pdf_response(services: Services, quote: Quote, *, private: bool = True) -> Response:
    """The quote's PDF (rendered in a worker thread), or 503 without a price book."""
    if services.price_book is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "price book not loaded")
    pdf = await run_in_threadpool(render_pdf, quote, book=services.price_book)
    headers = {
        "Content-Disposition": f'inline; filename="{quote.reference}.pdf"',
        "Cache-Control": "private, no-store" if private else "no-cache",
        "X-Robots-Tag": "noindex",
        "Referrer-Policy": "no-referrer",
    }
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get(
    "/q/{reference}.pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "the PDF"},
        **error_responses(
            descriptions={
                403: "missing, wrong or expired signature",
                404: "unknown quote, or not released to the buyer",
                503: "price book not loaded",
            }
        ),
    },
)
async def buyer_quote_pdf(
    reference: str, services: ServicesDep, exp: str | None = None, sig: str | None = None
) -> Response:
    verdict = link_signer(services.settings).check(reference, exp, sig)
    if verdict is quote_links.LinkCheck.EXPIRED:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "this quotation link has expired; ask us for a new one"
        )
    if verdict is not quote_links.LinkCheck.VALID:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "invalid quotation link")
    async with services.db.session() as db:
        quote = await quotes.get(db, reference)
    if quote is None or QuoteStatus(quote.status) not in RELEASED:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no quotation {reference}")
    return await pdf_response(services, quote)
