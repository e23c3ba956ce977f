"""The dashboard page and its CSV downloads, signed in, on the seeded week: the figures, the
previous period beside them, escaping, inert CSV cells, filters, a bad period."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from api.staff_web.tables import TABLES, inert
from sales.db import Database
from tests.api.staff_web.conftest import LOCAL, sign_in
from tests.sales.kpi.builders import Builder, at
from tests.sales.kpi.test_figures import seed

WEEK = "from=2026-11-02&to=2026-11-09"
NASTY_QUESTION = '<img src=x onerror=alert(1)> =HYPERLINK("http://evil.example")'
FORMULA_QUESTION = "=1+2"


async def _seed(url: str) -> dict[str, str]:
    db = Database(url)
    try:
        sessions = await seed(db)
        async with db.session() as session:
            b = Builder(session)
            b.gap(NASTY_QUESTION, at("2026-11-05", 9), "fr", None)
            b.gap(FORMULA_QUESTION, at("2026-11-05", 10), "fr", None)
            await b.done()
    finally:
        await db.dispose()
    return sessions


SESSIONS: dict[str, str] = {}


@pytest.fixture
def signed_in(web_settings: Settings) -> Iterator[TestClient]:
    SESSIONS.update(asyncio.run(_seed(web_settings.database_url)))
    with TestClient(create_app(web_settings), base_url=LOCAL, follow_redirects=False) as client:
        assert sign_in(client).status_code == 303
        yield client


def _figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert found, name
    return found.group(1)


def test_the_figures_of_the_seeded_week_with_the_previous_period(signed_in: TestClient) -> None:
    page = signed_in.get(f"/staff/?{WEEK}")
    assert page.status_code == 200
    html = page.text
    assert _figure(html, "rfqs_submitted") == "6"
    assert _figure(html, "quoted") == "3"
    assert _figure(html, "won") == "1"
    assert _figure(html, "quote_hit_rate") == "33.3%"
    assert "previous: 1</dd>" in html  # one RFQ in the week before
    charts = json.loads(re.search(r'id="chart-data">(.*?)</script>', html, re.S).group(1))
    assert charts["funnel"]["series"][0]["data"] == [6, 6, 3, 1]
    assert charts["funnel"]["series"][1]["data"] == [3, 1, 1, 1]
    for name in TABLES:  # every table is on the page, with its CSV link
        assert f'id="table-{name}"' in html
        assert f"/staff/kpi.csv?table={name}&amp;from=2026-11-02" in html
    for name in charts:  # and every chart has its table
        assert f'id="chart-{name}"' in html and f'id="table-{name}"' in html
    assert "<caption>Funnel</caption>" in html
    assert "/staff/static/chart.umd.js" in html


def test_what_buyers_typed_is_escaped(signed_in: TestClient) -> None:
    html = signed_in.get(f"/staff/?{WEEK}").text
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_csv_download_with_inert_formula_cells(signed_in: TestClient) -> None:
    response = signed_in.get(f"/staff/kpi.csv?table=knowledge_gaps&{WEEK}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="knowledge_gaps_2026-11-02_2026-11-09.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["Language", "Question", "Asked", "Chat sessions", "Last asked (UTC)"]
    questions = [row[1] for row in rows[1:]]
    assert "'=1+2" in questions and "What is the MTBF?" in questions
    assert NASTY_QUESTION in questions  # starts with '<': kept as is
    funnel = list(
        csv.reader(io.StringIO(signed_in.get(f"/staff/kpi.csv?table=funnel&{WEEK}").text))
    )
    assert ["RFQs submitted", "6", "1", "'+5"] in funnel
    assert ["Chats", "6", "3", "'+3"] in funnel


@pytest.mark.parametrize(
    ("cell", "safe"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-2", "'-2"), ("@cmd", "'@cmd"),
     ("\tx", "'\tx"), ("plain", "plain"), ("", ""), ("1-2", "1-2")],
)  # fmt: skip
def test_inert(cell: str, safe: str) -> None:
    assert inert(cell) == safe


def test_filters_change_the_figures(signed_in: TestClient) -> None:
    html = signed_in.get(f"/staff/?{WEEK}&market=DE").text
    assert _figure(html, "rfqs_submitted") == "2"
    assert _figure(html, "quoted") == "2"
    assert 'name="market" maxlength="2" size="3" value="DE"' in html
    assert "record no market" in html  # chats and gaps: why they are n/a


def test_a_bad_period_is_said_on_the_page(signed_in: TestClient) -> None:
    page = signed_in.get("/staff/?from=2026-11-09&to=2026-11-02")
    assert page.status_code == 422
    assert "must be after" in page.text
    assert signed_in.get("/staff/kpi.csv?table=funnel&from=bad&to=2026-11-02").status_code == 422
    assert signed_in.get(f"/staff/kpi.csv?table=nope&{WEEK}").status_code == 404


def test_csv_wants_a_signed_in_user(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings), base_url=LOCAL, follow_redirects=False) as client:
        assert client.get(f"/staff/kpi.csv?table=funnel&{WEEK}").status_code == 303


def test_gaps_and_abandoned_rfqs_link_to_their_chats(signed_in: TestClient) -> None:
    html = signed_in.get(f"/staff/?{WEEK}").text
    s1, s3, s4 = SESSIONS["s1"], SESSIONS["s3"], SESSIONS["s4"]
    assert f'<a href="/staff/chats/{s1}">{s1}</a>' in html
    assert f'<a href="/staff/chats/{s3}">{s3}</a>' in html  # a gap's and the abandoned RFQ's
    chat = signed_in.get(f"/staff/chats/{s3}")
    assert chat.status_code == 200
    assert "Asked for a person" in chat.text and "none</dd>" in chat.text  # no inquiry
    with_inquiry = signed_in.get(f"/staff/chats/{s4}").text
    assert re.search(r'<a href="/staff/inquiries/RFQ-T-\d+">RFQ-T-\d+</a>', with_inquiry)
    assert signed_in.get("/staff/chats/nope").status_code == 404
