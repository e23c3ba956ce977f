"""Requests for quotation in progress, known to the order database once the buyer gives an
email address in the form (the form's answers otherwise live in the engine until the RFQ is
confirmed): the session, the address, the language and what was asked for, products and
quantities, nothing more. The RFQ form's validation keeps it up to date
(``actions/rfq_form.py``), the inquiry's creation deletes it (``sales/inquiries.py``, in the
same transaction), an erasure deletes it with the chat session (``sales/privacy.py``), and the
abandoned-RFQ pass mails the buyer once when it is older than ``MAIL_ABANDONED_AFTER_S``
(``sales/mail/abandoned.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sales.models import RfqDraft, utcnow
from sales.rfq.state import quantity_text

MAX_TEXT = 300


def summary_of(state: Mapping[str, Any], language: str | None) -> dict[str, str]:
    """What was asked for, as the abandoned-RFQ mail shows it: ``product`` and ``quantity``."""
    items = [i for i in state.get("items") or [] if isinstance(i, Mapping)]
    products = [str(i.get("sku") or i.get("description") or "") for i in items]
    quantities = [quantity_text(i).render(language) for i in items if i.get("quantity") is not None]
    pending = state.get("product")
    if isinstance(pending, Mapping):
        pending = pending.get("sku") or pending.get("description")
    if pending:
        products.append(str(pending))
    if state.get("quantity") not in (None, ""):
        quantities.append(str(state["quantity"]))
    summary = {
        "product": "; ".join(p for p in products if p)[:MAX_TEXT],
        "quantity": "; ".join(q for q in quantities if q)[:MAX_TEXT],
    }
    return {k: v for k, v in summary.items() if v}


def address_of(state: Mapping[str, Any]) -> str | None:
    """The form's email address when it is one (else no draft is kept)."""
    value = state.get("email")
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


async def remember(
    db: AsyncSession, *, session_id: str, state: Mapping[str, Any], language: str | None
) -> bool:
    """Keep (or update) the session's draft when the form has an email address; True when one
    is kept. Commits. A session that is not a chat of the widget keeps none."""
    email = address_of(state)
    if email is None:
        return False
    summary = summary_of(state, language)
    draft = await db.get(RfqDraft, session_id)
    if draft is None:
        db.add(RfqDraft(session_id=session_id, email=email, language=language, summary=summary))
    elif (draft.email, draft.language, draft.summary) != (email, language, summary):
        draft.email, draft.language, draft.summary = email, language, summary
        draft.updated_at = utcnow()
    else:
        return True
    try:
        await db.commit()
    except IntegrityError:  # no such chat session (or another call kept it at the same time)
        await db.rollback()
        return await db.get(RfqDraft, session_id) is not None
    return True
