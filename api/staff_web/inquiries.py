"""The staff web pages for inquiries and quotes: a list with filters and search, a page per
inquiry (items, terms, lead score, transcript, quotes with their PDF and events), and approve /
reject for approvers through the same service and rules as Slack and the staff API.

Who may decide: a signed-in user whose role holds the ``approve`` scope (approver, admin);
once an approver list is set (SLACK_APPROVERS / SLACK_APPROVER_GROUP), also only a user on it,
named there by the user's email, as staff API identities are named by theirs. The decision is
recorded under ``web:<email>``."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from api.quote_pdf_view import pdf_response
from api.staff.auth import approver_list_set, on_approver_list
from api.staff_web import security
from api.staff_web.views import CSRF_REFUSED, _form, _page, _services, _to_login, current_session
from sales import inquiries, quotes
from sales.models import ChatMessage, ChatSession, Handoff, Inquiry, InquiryStatus, QuoteStatus
from sales.quotes.states import QuoteConflict, QuoteNotFound
from sales.staff import roles
from sales.staff.users import Session

log = logging.getLogger(__name__)
router = APIRouter(prefix="/staff", include_in_schema=False)
PAGE_SIZE = 50
MAX_NOTE = 2000


def may_decide_role(session: Session) -> bool:
    return roles.may(session.role, roles.APPROVE)


async def may_decide(request: Request, session: Session) -> str | None:
    """None when the user may approve or reject; else why not, in words."""
    if not may_decide_role(session):
        return f"Your role ({session.role.value}) may not approve or reject quotes."
    services = _services(request)
    if approver_list_set(services) and not await on_approver_list(services, session.email):
        return "You are not on the approver list (SLACK_APPROVERS, SLACK_APPROVER_GROUP)."
    return None


@router.get("/inquiries")
async def inquiry_list(request: Request) -> Response:
    session = await current_session(request)
    if session is None:
        return _to_login()
    params = request.query_params
    q = (params.get("q") or "").strip()[:200]
    status = params.get("status") or ""
    if status and status not in {s.value for s in InquiryStatus}:
        status = ""
    try:
        page = max(1, min(int(params.get("page") or 1), 10_000))
    except ValueError:
        page = 1
    stmt = select(Inquiry).options(selectinload(Inquiry.quotes), selectinload(Inquiry.items))
    if status:
        stmt = stmt.where(Inquiry.status == status)
    if q:
        needle = q.lower()
        stmt = stmt.where(
            or_(
                *(
                    func.lower(column).contains(needle, autoescape=True)
                    for column in (
                        Inquiry.reference, Inquiry.company, Inquiry.email,
                        Inquiry.contact_name, Inquiry.destination_country,
                    )
                )
            )
        )  # fmt: skip
    stmt = (
        stmt.order_by(Inquiry.created_at.desc(), Inquiry.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    async with _services(request).db.session() as db:
        rows = list((await db.execute(stmt)).scalars())
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    query = {"q": q, "status": status}

    def link(to_page: int) -> str:
        return "/staff/inquiries?" + urlencode({**query, "page": to_page})

    return _page(
        "inquiries.html",
        session=session,
        rows=[_list_row(i) for i in rows],
        q=q,
        status=status,
        statuses=[s.value for s in InquiryStatus],
        page=page,
        previous_link=link(page - 1) if page > 1 else None,
        next_link=link(page + 1) if more else None,
    )


def _list_row(inquiry: Inquiry) -> dict[str, Any]:
    latest = inquiry.quotes[-1] if inquiry.quotes else None
    first = inquiry.items[0] if inquiry.items else None
    return {
        "reference": inquiry.reference,
        "link": "/staff/inquiries/" + url_quote(inquiry.reference, safe=""),
        "created": inquiry.created_at.strftime("%Y-%m-%d %H:%M"),
        "company": inquiry.company or inquiry.contact_name or "",
        "market": inquiry.destination_country or "",
        "language": inquiry.language or "",
        "status": inquiry.status,
        "lead_score": "" if inquiry.lead_score is None else str(inquiry.lead_score),
        "product": (first.sku or first.description) if first else "",
        "quote": f"{latest.reference} ({latest.status}, {latest.currency} {latest.total:.2f})"
        if latest
        else "",
    }


async def _inquiry(
    request: Request, reference: str
) -> tuple[dict[str, Any], list[dict[str, Any]], list[ChatMessage]] | None:
    """The inquiry's record, each of its quotes' records, and its chat's transcript."""
    async with _services(request).db.session() as db:
        inquiry = await inquiries.get(db, reference)
        if inquiry is None:
            return None
        record = inquiries.to_record(inquiry)
        session_id = inquiry.session_id
        quote_refs = [q.reference for q in inquiry.quotes]
        full = []
        for ref in quote_refs:  # each with its lines, charges, approvals and events
            loaded = await quotes.get(db, ref)
            if loaded is not None:
                full.append(quotes.to_record(loaded))
        transcript: list[ChatMessage] = []
        if session_id:
            transcript = list(
                (
                    await db.execute(
                        select(ChatMessage)
                        .where(ChatMessage.session_id == session_id)
                        .order_by(ChatMessage.seq)
                        .limit(500)
                    )
                ).scalars()
            )
    return record, full, transcript


@router.get("/inquiries/{reference}")
async def inquiry_detail(request: Request, reference: str) -> Response:
    session = await current_session(request)
    if session is None:
        return _to_login()
    found = await _inquiry(request, reference)
    if found is None:
        return _page("error.html", 404, message=f"No inquiry {reference}.", session=session)
    inquiry, full, transcript = found
    refusal = await may_decide(request, session)
    return _page(
        "inquiry.html",
        session=session,
        inquiry=inquiry,
        quotes=full,
        transcript=transcript,
        may_decide=refusal is None,
        decide_refusal=refusal,
        pending=QuoteStatus.PENDING_APPROVAL.value,
        done=request.query_params.get("done"),
        quote_link=lambda ref: "/staff/quotes/" + url_quote(ref, safe=""),
    )


@router.get("/quotes/{reference}.pdf")
async def quote_pdf(request: Request, reference: str) -> Response:
    session = await current_session(request)
    if session is None:
        return _to_login()
    async with _services(request).db.session() as db:
        quote = await quotes.get(db, reference)
    if quote is None:
        return _page("error.html", 404, message=f"No quote {reference}.", session=session)
    if _services(request).price_book is None:
        return _page("error.html", 503, message="The price book is not loaded.", session=session)
    response = await pdf_response(_services(request), quote)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/quotes/{reference}/{decision}")
async def decide(request: Request, reference: str, decision: str) -> Response:
    session = await current_session(request)
    if session is None:
        return _to_login()
    if decision not in ("approve", "reject"):
        return _page("error.html", 404, message="No such action.", session=session)
    form = await _form(request)
    if form is None or not session.csrf_ok(form.get("csrf_token")):
        return _page("error.html", 403, message=CSRF_REFUSED, session=session)
    refusal = await may_decide(request, session)
    if refusal is not None:
        return _page("error.html", 403, message=refusal, session=session)
    note = " ".join(form.get("note", "").split())[:MAX_NOTE]
    by = f"web:{session.email}"
    try:
        async with _services(request).db.session() as db:
            if decision == "approve":
                quote = await quotes.approve(db, reference=reference, by=by, note=note)
            else:
                quote = await quotes.reject(db, reference=reference, by=by, note=note)
    except QuoteNotFound:
        return _page("error.html", 404, message=f"No quote {reference}.", session=session)
    except QuoteConflict as exc:
        return _page("error.html", 409, message=str(exc), session=session)
    log.info("quote decided on the web", extra={"decision": decision, "user_id": session.user_id})
    target = "/staff/inquiries/" + url_quote(quote.inquiry.reference, safe="")
    done = "approved" if decision == "approve" else "rejected"
    return security.harden(RedirectResponse(f"{target}?done={done}", status_code=303))


@router.get("/chats/{session_id}")
async def chat(request: Request, session_id: str) -> Response:
    """A chat's transcript (the knowledge gaps' and abandoned RFQs' link), with its handoffs
    and the inquiries it led to."""
    session = await current_session(request)
    if session is None:
        return _to_login()
    async with _services(request).db.session() as db:
        found = await db.get(ChatSession, session_id[:32])
        if found is None:
            return _page("error.html", 404, message="No such chat (or it was erased).",
                         session=session)  # fmt: skip
        messages = list(
            (
                await db.execute(
                    select(ChatMessage)
                    .where(ChatMessage.session_id == found.id)
                    .order_by(ChatMessage.seq)
                    .limit(1000)
                )
            ).scalars()
        )
        handoffs = list(
            (
                await db.execute(
                    select(Handoff).where(Handoff.session_id == found.id).order_by(Handoff.id)
                )
            ).scalars()
        )
        refs = list(
            (
                await db.execute(
                    select(Inquiry.reference)
                    .where(Inquiry.session_id == found.id)
                    .order_by(Inquiry.id)
                )
            ).scalars()
        )
    return _page(
        "chat.html",
        session=session,
        chat=found,
        transcript=messages,
        handoffs=handoffs,
        inquiries=[("/staff/inquiries/" + url_quote(r, safe=""), r) for r in refs],
    )
