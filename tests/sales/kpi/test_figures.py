"""Every figure of the KPI service against a hand count, on SQLite and PostgreSQL.

The period is the week [2026-11-02, 2026-11-09); the previous one [2026-10-26, 2026-11-02).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from sales import kpi
from sales.db import Database
from sales.kpi import Filters, Period
from tests.sales.kpi.builders import CATEGORIES, Builder, QuoteSpec, at

WEEK = Period.parse("2026-11-02", "2026-11-09")
SENT_AT_ONCE_WON = [("sent", 2), ("accepted", 72)]
APPROVED_THEN_EXPIRED = [("pending_approval", 1), ("approved", 5), ("sent", 5), ("expired", 300)]


async def seed(db: Database) -> dict[str, str]:
    async with db.session() as session:
        b = Builder(session)
        s1 = b.session(at("2026-11-02", 8), "en")
        s2 = b.session(at("2026-11-03", 8), "de")
        s3 = b.session(at("2026-11-04", 8), "en")
        s4 = b.session(at("2026-11-05", 8), "zh")
        b.session(at("2026-11-06", 8), "en")
        b.session(at("2026-11-08", 23.99), "de")
        b.session(at("2026-11-09", 0), "en")  # the next period's
        b.session(at("2026-11-01", 23.99), "en")  # previous period (its last minute)
        b.session(at("2026-10-28", 10), "en")
        b.session(at("2026-10-29", 10), "fr")
        b.session(at("2026-10-25", 23.99), "en")  # before the previous period
        day = "2026-11-03"
        # I1: quoted at once, won after 3 days
        b.inquiry(
            at(day),
            market="DE",
            business_type="importer",
            score=80,
            quotes=[QuoteSpec(SENT_AT_ONCE_WON, "1000", lines=[("PNL-6060-40W", "1000")])],
        )
        # I2: approved, sent, then expired with the buyer
        b.inquiry(
            at(day),
            language="de",
            market="DE",
            business_type="distributor",
            score=55,
            skus=["HB-UFO-150W"],
            quotes=[
                QuoteSpec(APPROVED_THEN_EXPIRED, "2000", "EUR", lines=[("HB-UFO-150W", "2000")])
            ],
        )
        # I3: rejected at approval
        b.inquiry(
            at(day),
            market="US",
            business_type="contractor",
            score=30,
            quotes=[QuoteSpec([("pending_approval", 1), ("rejected", 3)], "500")],
        )
        # I4: no SKU, no quote; its chat asked for a person
        b.inquiry(
            at(day),
            language="zh",
            market="BR",
            business_type="importer",
            score=None,
            skus=[None],
            session_id=s4,
        )
        # I5: two categories, quoted at once, still with the buyer
        b.inquiry(
            at(day),
            market="US",
            business_type="importer",
            score=90,
            skus=["HB-UFO-150W", "PNL-6060-40W"],
            quotes=[
                QuoteSpec(
                    [("sent", 4)], "3000", lines=[("HB-UFO-150W", "2500"), ("PNL-6060-40W", "500")]
                )
            ],
        )
        # I6: waiting for approval now
        b.inquiry(
            at(day),
            market="FR",
            business_type="wholesaler",
            score=45,
            quotes=[QuoteSpec([("pending_approval", 2)], "800")],
        )
        # the next period's, and the previous period's
        b.inquiry(
            at("2026-11-09", 0), market="DE", score=80, quotes=[QuoteSpec(SENT_AT_ONCE_WON, "7")]
        )
        b.inquiry(at("2026-10-30"), market="DE", business_type="importer", score=75,
                  quotes=[QuoteSpec([("sent", 1), ("accepted", 24)], "400")])  # fmt: skip
        # handoffs: S1 answered in 2 min (an older rep message before it does not count), S2
        # in 10 min, S3 never (an abandoned RFQ with contact details), S4 outside hours in 1 h
        b.message(s1, at("2026-11-02", 9.9), "agent")
        b.handoff(s1, at("2026-11-02", 10), inside_hours=True)
        b.message(s1, at("2026-11-02", 10) + timedelta(seconds=120), "agent")
        b.handoff(s2, at("2026-11-03", 10), inside_hours=True)
        b.message(s2, at("2026-11-03", 10).replace(minute=10), "agent")
        b.handoff(
            s3,
            at("2026-11-04", 20),
            inside_hours=False,
            rfq={
                "email": "lead@buyer.example",
                "product": "PNL-6060-40W",
                "quantity": "500",
                "company": "Buyer GmbH",
            },
        )
        b.message(s3, at("2026-11-04", 19), "buyer")
        b.handoff(
            s4, at("2026-11-05", 22), inside_hours=False, rfq={"email": "has-inquiry@buyer.example"}
        )
        b.message(s4, at("2026-11-05", 23), "agent")
        # knowledge gaps
        b.gap("What is the MTBF?", at("2026-11-02", 11), "en", s1)
        b.gap("  what is the   MTBF? ", at("2026-11-04", 11), "en", s3)
        b.gap("Do you ship to Mars?", at("2026-11-04", 12), "en", s3)
        b.gap("Gibt es Lager in Europa?", at("2026-11-03", 12), "de", s2)
        b.gap("An older question", at("2026-10-30", 12), "en", None)
        await b.done()  # fmt: skip
    return {"s1": s1, "s2": s2, "s3": s3, "s4": s4}


async def figures(db: Database, filters: Filters = Filters()) -> dict[str, Any]:  # noqa: B008
    async with db.session() as session:
        return await kpi.compute(session, WEEK, filters, categories=CATEGORIES,
                                 handoff_sla_s=300)  # fmt: skip


@pytest.fixture
async def seeded(database: Database) -> tuple[Database, dict[str, str]]:
    return database, await seed(database)


async def test_funnel_and_hit_rate(seeded: tuple[Database, dict[str, str]]) -> None:
    f = await figures(seeded[0])
    assert f["funnel"] == {
        "chats": 6, "rfqs_started": None, "rfqs_submitted": 6, "quoted": 3,
        "quoted_at_once": 2, "quoted_after_approval": 1, "won": 1, "rejected": 1,
        "expired": 1, "open": 1,
    }  # fmt: skip
    assert "tracker store" in f["unavailable"]["funnel.rfqs_started"]
    assert f["funnel_steps"] == [
        {"from": "chats", "to": "rfqs_submitted", "count_from": 6, "count_to": 6, "drop": 0,
         "rate": 1.0},
        {"from": "rfqs_submitted", "to": "quoted", "count_from": 6, "count_to": 3, "drop": 3,
         "rate": 0.5},
        {"from": "quoted", "to": "won", "count_from": 3, "count_to": 1, "drop": 2,
         "rate": pytest.approx(1 / 3)},
    ]  # fmt: skip
    assert f["quote_hit_rate"] == pytest.approx(1 / 3)
    assert f["median_days_to_won"] == 3.0  # inquiry created -> accepted 72 h later
    assert f["previous"]["funnel"] == {
        "chats": 3, "rfqs_started": None, "rfqs_submitted": 1, "quoted": 1,
        "quoted_at_once": 1, "quoted_after_approval": 0, "won": 1, "rejected": 0,
        "expired": 0, "open": 0,
    }  # fmt: skip
    assert f["previous"]["median_days_to_won"] == pytest.approx(1.0)
    assert f["previous"]["period"] == {"from": "2026-10-26", "to": "2026-11-02"}


async def test_values(seeded: tuple[Database, dict[str, str]]) -> None:
    f = await figures(seeded[0])
    assert f["pipeline"] == [
        {"status": "accepted", "currency": "USD", "quotes": 1, "value": "1000.00"},
        {"status": "expired", "currency": "EUR", "quotes": 1, "value": "2000.00"},
        {"status": "pending_approval", "currency": "USD", "quotes": 1, "value": "800.00"},
        {"status": "rejected", "currency": "USD", "quotes": 1, "value": "500.00"},
        {"status": "sent", "currency": "USD", "quotes": 1, "value": "3000.00"},
    ]
    assert f["won_value"] == [{"currency": "USD", "value": "1000.00"}]
    assert f["previous"]["won_value"] == [{"currency": "USD", "value": "400.00"}]


async def test_response_times(seeded: tuple[Database, dict[str, str]]) -> None:
    times = (await figures(seeded[0]))["response_times"]
    # I1 2 h, I5 4 h, I2 5 h (approved and sent at 5 h)
    assert times["rfq_to_quote_sent"] == {"n": 3, "median": 14400.0, "p90": 18000.0}
    # I2 waited 1 h -> 5 h, I3 1 h -> 3 h; I6 still waits
    assert times["approval_wait"] == {"n": 2, "median": 10800.0, "p90": 14400.0, "waiting_now": 1}
    handoffs = times["handoff_to_first_rep_reply"]
    assert handoffs == {
        "n": 3, "median": 600.0, "p90": 3600.0, "requested": 4, "unanswered": 1,
        "inside_hours": {"n": 2, "median": 360.0, "p90": 600.0, "requested": 2},
        "outside_hours": {"n": 1, "median": 3600.0, "p90": 3600.0, "requested": 2},
        "sla_s": 300, "within_sla": 1, "within_sla_rate": 0.5,
    }  # fmt: skip


async def test_lead_score(seeded: tuple[Database, dict[str, str]]) -> None:
    score = (await figures(seeded[0]))["lead_score"]
    dist = {d["range"]: d["inquiries"] for d in score["distribution"]}
    assert dist == {"0-9": 0, "10-19": 0, "20-29": 0, "30-39": 1, "40-49": 1, "50-59": 1,
                    "60-69": 0, "70-79": 0, "80-89": 1, "90-100": 1, "unscored": 1}  # fmt: skip
    assert score["bands"] == [
        {"band": "hot", "inquiries": 2, "quoted": 2, "won": 1, "win_rate": 0.5, "hit_rate": 0.5},
        {"band": "warm", "inquiries": 2, "quoted": 1, "won": 0, "win_rate": 0.0,
         "hit_rate": 0.0},
        {"band": "cold", "inquiries": 1, "quoted": 0, "won": 0, "win_rate": 0.0,
         "hit_rate": None},
        {"band": "unscored", "inquiries": 1, "quoted": 0, "won": 0, "win_rate": 0.0,
         "hit_rate": None},
    ]  # fmt: skip


async def test_markets_languages_categories_products(
    seeded: tuple[Database, dict[str, str]],
) -> None:
    f = await figures(seeded[0])

    def brief(rows: list[dict[str, Any]], key: str) -> list[tuple[Any, ...]]:
        return [(r[key], r["inquiries"], r["quoted"], r["won"],
                 [(v["currency"], v["value"]) for v in r["quoted_value"]],
                 [(v["currency"], v["value"]) for v in r["won_value"]]) for r in rows]  # fmt: skip

    assert brief(f["markets"], "market") == [
        ("DE", 2, 2, 1, [("EUR", "2000.00"), ("USD", "1000.00")], [("USD", "1000.00")]),
        ("US", 2, 1, 0, [("USD", "3000.00")], []),
        ("BR", 1, 0, 0, [], []),
        ("FR", 1, 0, 0, [], []),
    ]
    assert brief(f["languages"], "language") == [
        ("en", 4, 2, 1, [("USD", "4000.00")], [("USD", "1000.00")]),
        ("de", 1, 1, 0, [("EUR", "2000.00")], []),
        ("zh", 1, 0, 0, [], []),
    ]
    assert brief(f["categories"], "category") == [
        ("panel", 4, 2, 1, [("USD", "1500.00")], [("USD", "1000.00")]),
        ("high_bay", 2, 2, 0, [("EUR", "2000.00"), ("USD", "2500.00")], []),
        ("unknown", 1, 0, 0, [], []),
    ]
    assert f["products"] == [
        {"sku": "PNL-6060-40W", "inquiries": 4, "quoted": 2, "won": 1, "category": "panel"},
        {"sku": "HB-UFO-150W", "inquiries": 2, "quoted": 2, "won": 0, "category": "high_bay"},
    ]


async def test_knowledge_gaps_and_abandoned_rfqs(seeded: tuple[Database, dict[str, str]]) -> None:
    database, s = seeded
    f = await figures(database)
    gaps = f["knowledge_gaps"]
    assert [(g["language"], g["asked"]) for g in gaps] == [("en", 3), ("de", 1)]
    assert [(q["question"], q["asked"], q["sessions"]) for q in gaps[0]["questions"]] == [
        ("What is the MTBF?", 2, [s["s1"], s["s3"]]),
        ("Do you ship to Mars?", 1, [s["s3"]]),
    ]
    assert gaps[0]["questions"][0]["last_asked"].startswith("2026-11-04T11:00")
    assert f["previous"]["knowledge_gaps"][0]["questions"][0]["question"] == "An older question"
    abandoned = f["abandoned_rfqs"]
    assert abandoned["count"] is None and "not recorded" in f["unavailable"]["abandoned_rfqs.count"]
    assert abandoned["known"] == 1
    (item,) = abandoned["items"]
    assert item["session_id"] == s["s3"] and item["email"] == "lead@buyer.example"
    assert item["company"] == "Buyer GmbH" and item["product"] == "PNL-6060-40W"


async def test_filters(seeded: tuple[Database, dict[str, str]]) -> None:
    database, _ = seeded
    de = await figures(database, Filters.parse(market="de"))
    assert de["filters"]["market"] == "DE"
    assert (de["funnel"]["rfqs_submitted"], de["funnel"]["quoted"], de["funnel"]["won"]) == (
        2,
        2,
        1,
    )
    assert de["funnel"]["chats"] is None and "market" in de["unavailable"]["funnel.chats"]
    assert de["knowledge_gaps"] is None and de["abandoned_rfqs"] is None
    assert de["response_times"]["handoff_to_first_rep_reply"] is None
    assert de["previous"]["funnel"]["rfqs_submitted"] == 1

    en = await figures(database, Filters.parse(language="EN"))
    assert en["funnel"]["chats"] == 3 and en["funnel"]["rfqs_submitted"] == 4
    assert [g["language"] for g in en["knowledge_gaps"]] == ["en"]
    assert en["response_times"]["handoff_to_first_rep_reply"]["requested"] == 2

    def submitted(**kw: str) -> Any:
        return figures(database, Filters.parse(**kw))

    assert (await submitted(category="high_bay"))["funnel"]["rfqs_submitted"] == 2
    assert (await submitted(category="floodlight"))["funnel"]["rfqs_submitted"] == 0
    assert (await submitted(band="hot"))["funnel"]["rfqs_submitted"] == 2
    assert (await submitted(band="unscored"))["funnel"]["rfqs_submitted"] == 1
    importer = await submitted(business_type="importer")
    assert (importer["funnel"]["rfqs_submitted"], importer["funnel"]["won"]) == (3, 1)
    both = await submitted(market="US", band="hot")
    assert both["funnel"]["rfqs_submitted"] == 1 and both["funnel"]["open"] == 1


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-11-09", "2026-11-02", "must be after"),
        ("2026-11-02", "2026-11-02", "must be after"),
        ("2026-13-01", "2026-12-01", "'from' must be a date"),
        ("2026-11-01", "tomorrow", "'to' must be a date"),
        ("1990-01-01", "2026-01-01", "longer than"),
    ],
)
def test_bad_periods_say_why(start: str, end: str, message: str) -> None:
    with pytest.raises(kpi.PeriodError, match=message):
        Period.parse(start, end)


@pytest.mark.parametrize(
    ("field", "value"),
    [("market", "DEU"), ("language", "e1"), ("band", "lukewarm"), ("category", "Panel; --")],
)
def test_bad_filters_say_why(field: str, value: str) -> None:
    with pytest.raises(kpi.PeriodError, match=field):
        Filters.parse(**{field: value})
