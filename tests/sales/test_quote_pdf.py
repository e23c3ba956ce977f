"""The quotation PDF: readable text, Unicode names, page numbers, and a PNG for a look."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from sales.pricing import Incoterm, PriceBook, PricingRequest, RequestLine, load_price_book, price
from sales.quote_pdf import Buyer, QuotePdfData, cjk_font_available, render_quote_pdf

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def demo() -> PriceBook:
    return load_price_book(ROOT / "sales" / "pricebook" / "demo.yaml")


def _data(demo: PriceBook, request: PricingRequest, **buyer: str) -> QuotePdfData:
    quote = price(request, demo, today=TODAY)
    return QuotePdfData(
        reference="Q-2026-000045",
        issued_on=TODAY,
        exporter=demo.exporter,
        buyer=Buyer(
            company=buyer.get("company", "Müller Lichttechnik GmbH"),
            contact=buyer.get("contact", "José Müller / 王伟"),
            country="DE",
            email="einkauf@mueller-licht.example",
            address_lines=("Lagerstraße 12", "20457 Hamburg"),
        ),
        quote=quote,
        terms=demo.standard_terms,
        prepared_by="Lisa Chen, export sales",
        inquiry_reference="RFQ-2026-000123",
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _request(**kwargs: object) -> PricingRequest:
    return PricingRequest(
        lines=(
            RequestLine("PNL-6060-40W", "600x600 LED panel 40W, 4000K", Decimal(2000)),
            RequestLine("HB-UFO-150W", "UFO high bay 150W, 90° optic", Decimal(300)),
            RequestLine("DRV-DALI-40W", "DALI driver 40W", Decimal(300)),
        ),
        destination_country="DE",
        destination_place="Hamburg",
        **kwargs,  # type: ignore[arg-type]
    )


def test_pdf_reads_back_and_renders(demo: PriceBook) -> None:
    data = _data(
        demo,
        _request(incoterm=Incoterm.DDP, currency="EUR", required_by=TODAY + timedelta(days=90)),
    )
    assert data.quote.in_policy, data.quote.policy.reasons
    pdf = render_quote_pdf(data)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for expected in (
        "Q-2026-000045",
        "PNL-6060-40W",
        "HB-UFO-150W",
        "Lumora Lighting Co., Ltd.",
        "DDP Hamburg",
        f"{data.quote.total:,.2f}",
        "Import duty, estimate",
        "Müller Lichttechnik GmbH",
        "José Müller",
        "Page 1 of 1",
        "Valid until",
        data.quote.valid_until.isoformat(),
    ):
        assert expected in text, expected
    if cjk_font_available():
        assert "王伟" in text
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "quote.pdf").write_bytes(pdf)
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=2).to_pil()
        image.save(ARTIFACTS / "quote.png")
    finally:
        document.close()
    assert (ARTIFACTS / "quote.png").stat().st_size > 10_000


def test_out_of_policy_quote_is_a_draft(demo: PriceBook) -> None:
    request = PricingRequest(
        lines=(RequestLine("PNL-6060-40W", "panel", Decimal(10)),),  # below MOQ
        destination_country="US",
    )
    text = _text(render_quote_pdf(_data(demo, request)))
    assert "DRAFT QUOTATION" in text and "Not approved" in text


def test_long_quotes_get_page_numbers_and_unpriced_lines(demo: PriceBook) -> None:
    skus = [product.sku for product in demo.products]
    lines = tuple(RequestLine(sku, f"{sku} as requested", Decimal(1000)) for sku in skus)
    request = PricingRequest(
        lines=(*lines, RequestLine(None, "custom linear profile 2 m", Decimal(50))),
        destination_country="GB",
        incoterm=Incoterm.CIF,
        incoterm_place="Felixstowe",
        currency="GBP",
    )
    text = _text(render_quote_pdf(_data(demo, request)))
    assert "Page 2 of" in text
    assert "on request" in text
    assert "CIF Felixstowe" in text


def test_latin1_only_names_and_missing_glyphs_do_not_break(demo: PriceBook) -> None:
    pdf = render_quote_pdf(_data(demo, _request(), company="Ñandú Iluminación S.A. 🙂"))
    text = _text(pdf)
    assert "Ñandú Iluminación S.A." in text
