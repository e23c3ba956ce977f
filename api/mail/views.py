"""The unsubscribe link of every mail: ``/mail/unsubscribe?t=<token>&lang=<language>``.

``GET`` shows a page asking to confirm (a link checker or a mail scanner that opens the link
unsubscribes nobody); ``POST`` unsubscribes: the page's button, and the one-click POST that
mail providers send for ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058, body
``List-Unsubscribe=One-Click``). The signed token is the only permission; a bad one gets 403.
Unsubscribing twice is fine. Not in the OpenAPI schema: it is a page for people, not an API.
"""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.deps import ServicesDep
from api.mail.app import unsubscribe_signer
from i18n import language_of, t
from sales.mail import suppressions
from sales.mail.suppressions import UNSUBSCRIBE_PATH, Reason

router = APIRouter(include_in_schema=False)

HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}


def _page(language: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        '<body style="font-family:Arial,Helvetica,sans-serif;max-width:36em;margin:3em auto">'
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _invalid(language: str, company: str) -> HTMLResponse:
    title = t("mail.unsubscribe_title", language, company=company)
    return _page(language, title, f"<p>{escape(t('mail.unsubscribe_invalid', language))}</p>", 403)


TokenQuery = Annotated[str | None, Query(alias="t", max_length=200)]
LangQuery = Annotated[str | None, Query(max_length=16)]


@router.get(UNSUBSCRIBE_PATH, response_class=HTMLResponse)
async def unsubscribe_page(
    services: ServicesDep, token: TokenQuery = None, lang: LangQuery = None
) -> HTMLResponse:
    """Asks to confirm; the form posts to this same URL."""
    language = language_of(lang)
    company = services.settings.company_name
    if unsubscribe_signer(services.settings).check(token) is None:
        return _invalid(language, company)
    title = t("mail.unsubscribe_title", language, company=company)
    body = (
        f"<p>{escape(t('mail.unsubscribe_question', language, company=company))}</p>"
        '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
        f'<button type="submit">{escape(t("mail.unsubscribe_button", language))}</button></form>'
    )
    return _page(language, title, body)


@router.post(UNSUBSCRIBE_PATH, response_class=HTMLResponse)
async def unsubscribe(
    services: ServicesDep, token: TokenQuery = None, lang: LangQuery = None
) -> HTMLResponse:
    """One-click (RFC 8058) or the page's button: the address gets no more mail."""
    language = language_of(lang)
    company = services.settings.company_name
    digest = unsubscribe_signer(services.settings).check(token)
    if digest is None:
        return _invalid(language, company)
    async with services.db.session() as db:
        await suppressions.suppress(
            db, digest=digest, reason=Reason.UNSUBSCRIBED, detail="unsubscribe link"
        )
    title = t("mail.unsubscribe_title", language, company=company)
    return _page(
        language, title, f"<p>{escape(t('mail.unsubscribe_done', language, company=company))}</p>"
    )
