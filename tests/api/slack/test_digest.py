"""The weekly digest posted by the Slack channel of the outbox to the fake Slack Web API: the
figures and top gaps of the seeded week, buyers' questions escaped, one post per week."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from api.slack.digest import digest_message, duration, values
from sales.db import Database
from sales.kpi import digest
from sales.models import KnowledgeGap, OutboxDelivery
from tests.fakes.slack import FakeSlack
from tests.sales.kpi.builders import CATEGORIES, at
from tests.sales.kpi.test_figures import seed

from .conftest import CHANNEL
from .test_delivery import drain, worker


def test_durations_and_values_are_written_for_people() -> None:
    assert [duration(s) for s in (None, 40, 2700, 3600, 12000, 200000)] == [
        "–", "1 min", "45 min", "1 h", "3 h 20 min", "2.3 days",
    ]  # fmt: skip
    assert values([]) == "0"
    assert values(
        [{"currency": "EUR", "value": "20.00"}, {"currency": "USD", "value": "1500.5"}]
    ) == ("EUR 20.00 + USD 1,500.50")


async def _write(database: Database, today: str) -> str | None:
    async with database.session() as session:
        return await digest.enqueue_weekly_digest(
            session, today=date.fromisoformat(today), categories=CATEGORIES, handoff_sla_s=300
        )


async def test_the_digest_is_posted_once_to_the_sales_channel(
    database: Database, fake_slack: FakeSlack
) -> None:
    await seed(database)
    async with database.session() as session:  # a buyer's question that tries to ping everyone
        session.add(
            KnowledgeGap(question="<!channel> cheapest price?", language="en",
                         created_at=at("2026-11-06", 9))
        )  # fmt: skip
        await session.commit()
    assert await _write(database, "2026-11-09") == "2026-W45"
    w = worker(database, fake_slack)
    await drain(w, database)
    (call,) = fake_slack.calls_of("chat.postMessage")
    assert call.args["channel"] == CHANNEL
    assert (
        call.args["text"] == "Weekly sales digest 2026-W45: 6 RFQs, 3 quoted, 1 won (hit rate 33%)"
    )
    blocks = call.args["blocks"]
    assert blocks[0]["text"]["text"] == (
        "Weekly sales digest 2026-W45 (Mon 02 Nov – Sun 08 Nov 2026, UTC)"
    )
    fields = {f["text"].split("\n")[0]: f["text"].split("\n")[1] for f in blocks[1]["fields"]}
    assert fields["*RFQs submitted*"] == "6  _(week before: 1)_"
    assert fields["*Quote hit rate*"] == "33%  _(week before: 100%)_"
    assert fields["*Won value*"] == "USD 1,000.00  _(week before: USD 400.00)_"
    assert fields["*RFQ to quote sent (median)*"] == "4 h  _(week before: 1 h)_"
    assert fields["*First rep reply (median)*"].startswith("10 min")
    gaps = blocks[3]["text"]["text"]
    assert "(5 asked this week" in gaps
    assert "1. What is the MTBF? (English (en)): asked 2× in 2 chats" in gaps
    assert "&lt;!channel&gt; cheapest price?" in gaps and "<!channel>" not in gaps
    async with database.session() as session:
        row = (await session.execute(select(OutboxDelivery))).scalar_one()
    assert (row.channel, row.status) == ("slack", "sent")

    # the next pass of the week writes nothing; the worker posts nothing more
    assert await _write(database, "2026-11-12") is None
    await drain(w, database)
    assert len(fake_slack.calls_of("chat.postMessage")) == 1


def test_a_week_without_gaps_says_so() -> None:
    side = {
        "chats": 0, "rfqs_submitted": 1, "quoted": 0, "won": 0, "rejected": 0, "expired": 0,
        "quote_hit_rate": None, "won_value": [], "rfq_to_quote_sent_median_s": None,
        "handoff_reply_median_s": None, "handoff_within_sla_rate": None, "waiting_approval": 0,
    }  # fmt: skip
    message = digest_message(
        {"week": "2026-W49", "period": {"from": "2026-11-30", "to": "2026-12-07"},
         "figures": side, "previous": side, "top_gaps": [], "gaps_asked": 0}
    )  # fmt: skip
    assert "none this week" in message.blocks[3]["text"]["text"]
    assert "hit rate –" in message.text
