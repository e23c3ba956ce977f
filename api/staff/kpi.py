"""Staff API: the sales manager's figures as JSON (``GET /api/kpi``), for a BI tool or a CRM.
The same figures as the dashboard (/staff/); every definition is in sales/kpi/service.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ServicesDep
from api.errors import error_responses
from api.staff.auth import READ_FORBIDDEN, StaffDep
from sales import kpi
from sales.kpi.period import Filters, Period, PeriodError

router = APIRouter(
    prefix="/api/kpi",
    tags=["staff: figures"],
    responses=error_responses(401, descriptions={403: READ_FORBIDDEN}),
)


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class PeriodOut(_Out):
    from_: str = Field(alias="from", description="first day, included (YYYY-MM-DD)")
    to: str = Field(description="the day after the last one, not included")


class FiltersOut(_Out):
    market: str | None
    language: str | None
    category: str | None
    business_type: str | None
    band: str | None


class FunnelOut(_Out):
    chats: int | None = Field(description="chat sessions created in the period")
    rfqs_started: int | None = Field(description="not recorded: always null (see unavailable)")
    rfqs_submitted: int = Field(description="inquiries created in the period (the cohort)")
    quoted: int = Field(description="of the cohort, with a quote sent to the buyer")
    quoted_at_once: int
    quoted_after_approval: int
    won: int = Field(description="with an accepted quote")
    rejected: int = Field(description="with a quote rejected at approval")
    expired: int = Field(description="quoted, not won, the latest quote sent has expired")
    open: int = Field(description="quoted, neither won nor expired")


class StepOut(_Out):
    from_: str = Field(alias="from")
    to: str
    count_from: int | None
    count_to: int | None
    drop: int | None
    rate: float | None


class MoneyOut(_Out):
    currency: str
    value: str = Field(description="a decimal amount, two places")


class PipelineOut(_Out):
    status: str
    currency: str
    quotes: int
    value: str


class DurationsOut(_Out):
    n: int
    median: float | None = Field(description="seconds")
    p90: float | None = Field(description="seconds, nearest rank")


class ApprovalWaitOut(DurationsOut):
    waiting_now: int


class HandoffGroupOut(DurationsOut):
    requested: int


class HandoffTimesOut(DurationsOut):
    requested: int
    unanswered: int
    inside_hours: HandoffGroupOut
    outside_hours: HandoffGroupOut
    sla_s: float
    within_sla: int
    within_sla_rate: float | None


class ResponseTimesOut(_Out):
    rfq_to_quote_sent: DurationsOut
    approval_wait: ApprovalWaitOut
    handoff_to_first_rep_reply: HandoffTimesOut | None


class BucketOut(_Out):
    range: str
    inquiries: int


class BandOut(_Out):
    band: str
    inquiries: int
    quoted: int
    won: int
    win_rate: float | None
    hit_rate: float | None


class LeadScoreOut(_Out):
    distribution: list[BucketOut]
    bands: list[BandOut]


class _GroupOut(_Out):
    inquiries: int
    quoted: int
    won: int
    quoted_value: list[MoneyOut]
    won_value: list[MoneyOut]


class MarketOut(_GroupOut):
    market: str


class LanguageOut(_GroupOut):
    language: str


class CategoryOut(_GroupOut):
    category: str


class ProductOut(_Out):
    sku: str
    category: str
    inquiries: int
    quoted: int
    won: int


class GapQuestionOut(_Out):
    question: str
    asked: int
    sessions: list[str]
    last_asked: str


class GapLanguageOut(_Out):
    language: str
    asked: int
    questions: list[GapQuestionOut]


class AbandonedItemOut(_Out):
    session_id: str
    asked_at: str
    language: str | None
    contact_name: str | None
    company: str | None
    email: str | None
    phone: str | None
    product: str | None
    quantity: str | None


class AbandonedOut(_Out):
    count: int | None
    known: int
    items: list[AbandonedItemOut]


class FiguresOut(_Out):
    period: PeriodOut
    funnel: FunnelOut
    funnel_steps: list[StepOut]
    quote_hit_rate: float | None = Field(description="won / quoted")
    pipeline: list[PipelineOut]
    won_value: list[MoneyOut]
    median_days_to_won: float | None
    response_times: ResponseTimesOut
    lead_score: LeadScoreOut
    markets: list[MarketOut]
    languages: list[LanguageOut]
    categories: list[CategoryOut]
    products: list[ProductOut]
    knowledge_gaps: list[GapLanguageOut] | None
    abandoned_rfqs: AbandonedOut | None
    unavailable: dict[str, str] = Field(
        description="figures that are null because the order database does not record them "
        "(or a filter does not apply to them), each with the reason; keys are paths such as "
        "`funnel.rfqs_started`"
    )


class KpiOut(FiguresOut):
    filters: FiltersOut
    previous: FiguresOut = Field(description="the same figures for the period of equal length "
                                 "just before")  # fmt: skip


@router.get(
    "",
    response_model=KpiOut,
    responses=error_responses(
        descriptions={422: "a date that is not YYYY-MM-DD, 'to' not after 'from', or a bad filter"}
    ),
    summary="The sales manager's figures for a period, with the previous period's",
)
async def figures(
    _: StaffDep,
    services: ServicesDep,
    from_: Annotated[str, Query(alias="from", description="first day, YYYY-MM-DD (UTC)")],
    to: Annotated[str, Query(description="the day after the last one, YYYY-MM-DD: [from, to)")],
    market: Annotated[
        str | None, Query(description="destination country, ISO 3166 alpha-2")
    ] = None,
    language: Annotated[str | None, Query(description="the inquiry's language")] = None,
    category: Annotated[str | None, Query(description="a price-book category")] = None,
    business_type: str | None = None,
    band: Annotated[
        str | None, Query(description="lead-score band: hot, warm, cold, unscored")
    ] = None,
) -> KpiOut:
    try:
        period = Period.parse(from_, to)
        filters = Filters.parse(market=market, language=language, category=category,
                                business_type=business_type, band=band)  # fmt: skip
    except PeriodError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    book = services.price_book
    categories = {p.sku: p.category for p in book.products} if book is not None else {}
    async with services.db.session() as db:
        result = await kpi.compute(
            db,
            period,
            filters,
            categories=categories,
            handoff_sla_s=services.settings.handoff_timeout_s,
        )
    return KpiOut.model_validate(result)
