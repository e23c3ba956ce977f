"""The quotation PDF: readable text, Unicode names, page numbers, the buyer's language, and PNGs
for a look (test-artifacts/quote*.png)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pypdfium2
import pytest
from babel.dates import format_date
from pypdf import PdfReader

from i18n import LANGUAGES, t
from sales.pricing import Incoterm, PriceBook, PricingRequest, RequestLine, load_price_book, price
from sales.pricing.models import Charge
from sales.quotes.pdf import Buyer, QuotePdfData, Words, cjk_font_available, render_quote_pdf

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def demo() -> PriceBook:
    return load_price_book(ROOT / "sales" / "pricebook" / "demo.yaml")


def _data(
    demo: PriceBook, request: PricingRequest, language: str = "en", **buyer: str
) -> QuotePdfData:
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
        language=language,
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _snapshot(pdf: bytes, name: str) -> None:
    """The first page as test-artifacts/<name>.png, for a look."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    document = pypdfium2.PdfDocument(pdf)
    try:
        document[0].render(scale=2).to_pil().save(ARTIFACTS / f"{name}.png")
    finally:
        document.close()
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000


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
        # The English texts as they were before the PDF spoke other languages.
        "QUOTATION",
        "Reference",
        "Your inquiry",
        "Attn: José Müller",
        "Germany",
        "Payment: 30% T/T deposit",
        "Unit price",
        "Amount",
        "2,000 pcs",
        "25 days",
        "price break 1,000+",
        "Goods subtotal",
        "TOTAL DDP",
        f"EUR {data.quote.total:,.2f}",
        "Ocean freight Ningbo to Hamburg",
        "* Estimate: import duties and taxes are estimated",
        "Prices converted from USD at the rates of",
        "TERMS AND CONDITIONS",
        "Prepared by Lisa Chen, export sales, Lumora Lighting Co., Ltd.",
    ):
        assert expected in text, expected
    assert "DRAFT" not in text
    if cjk_font_available():
        assert "王伟" in text
        # Lines after one that ended in the CJK fallback font are not garbled.
        assert "Lagerstraße 12" in text and "20457 Hamburg" in text
    _snapshot(pdf, "quote")


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


def _ddp_eur(demo: PriceBook, language: str, **buyer: str) -> QuotePdfData:
    request = _request(
        incoterm=Incoterm.DDP, currency="EUR", required_by=TODAY + timedelta(days=90)
    )
    return _data(demo, request, language, **buyer)


def test_german_quote_is_in_german(demo: PriceBook) -> None:
    data = _ddp_eur(demo, "de")
    text = _text(render_quote_pdf(data))
    quote = data.quote
    for expected in (
        "ANGEBOT",
        "Angebots-Nr. Q-2026-000045",
        "Datum 21.11.2026",
        f"Gültig bis {quote.valid_until:%d.%m.%Y}",
        "Ihre Anfrage RFQ-2026-000123",
        "KUNDE",
        "z. Hd. José Müller",
        "Deutschland",
        "LIEFERUNG UND KONDITIONEN",
        "Bestimmungsort: Deutschland, Hamburg",
        "Zahlungsbedingungen: 30% T/T deposit",  # the agreed terms, as written
        "Währung: EUR",
        "Artikel-Nr.",
        "Bezeichnung",
        "Einzelpreis",
        "2.000 Stk.",
        "25 Tage",
        "Staffelpreis 1.000+",
        "Warenwert",
        "Seefracht Ningbo nach Hamburg",
        "Einfuhrumsatzsteuer 19 %, geschätzt *",
        "GESAMT DDP",
        "EUR " + format(quote.total, ",.2f").replace(",", " ").replace(".", ",").replace(" ", "."),
        "* Schätzung:",
        "GESCHÄFTSBEDINGUNGEN",
        "Erstellt von Lisa Chen",
        "Angebot Q-2026-000045",
        "Seite 1 von 1",
    ):
        assert expected in text, expected
    for english in ("QUOTATION", "Valid until", "Goods subtotal", "Ocean freight", "Page 1"):
        assert english not in text, english
    assert quote.valid_until.isoformat() not in text


def test_chinese_quote_renders_chinese_glyphs(demo: PriceBook) -> None:
    assert cjk_font_available(), "no CJK font: run `python -m tools.fonts ensure`"
    data = _ddp_eur(demo, "zh", company="上海明亮照明科技有限公司", contact="王伟")
    pdf = render_quote_pdf(data)
    text = _text(pdf)
    for expected in (
        "报价单",
        "报价单号 Q-2026-000045",
        "日期 2026年11月21日",
        "有效期至 " + format_date(data.quote.valid_until, "medium", locale="zh_Hans_CN"),
        "上海明亮照明科技有限公司",
        "联系人：王伟",
        "德国",
        "交货与条款",
        "币种：EUR",
        "单价 EUR",
        "2,000 件",
        "25 天",
        "货物小计",
        "海运费 Ningbo 至 Hamburg",
        "进口增值税 19%（估算）",
        "合计 DDP",
        "条款与条件",
        "第 1 页，共 1 页",
        "Lagerstraße 12",  # Latin text after Chinese in the same font is not garbled
    ):
        assert expected in text, expected
    assert "?" not in text.split("Lagerstraße")[0], "glyphs replaced by '?'"
    # the CJK face embedded once, for the regular and the bold text (bold names, totals)
    page_fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    names = [str(font.get_object()["/BaseFont"]) for font in page_fonts]
    assert len([name for name in names if "DejaVu" not in name]) == 1, names
    _snapshot(pdf, "quote-zh")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_renders(demo: PriceBook, language: str) -> None:
    # A draft (below MOQ, samples by courier), a long multi-page quote with an unpriced line
    # in another currency, and a DDP quote with estimates: the catalog's texts come out.
    draft = render_quote_pdf(
        _data(
            demo,
            PricingRequest(
                lines=(RequestLine("PNL-6060-40W", "panel", Decimal(10)),),
                destination_country="US",
                incoterm=Incoterm.DAP,
                destination_place="Chicago",
                include_duty_estimate=True,
            ),
            language,
        )
    )
    text = _text(draft)
    assert t("pdf.title_draft", language) in text
    assert t("pdf.not_approved", language).split()[0] in text
    skus = [product.sku for product in demo.products]
    long_request = PricingRequest(
        lines=(
            *(RequestLine(sku, f"{sku} as requested", Decimal(1000)) for sku in skus),
            RequestLine(None, "custom linear profile 2 m", Decimal(50)),
        ),
        destination_country="GB",
        incoterm=Incoterm.CIF,
        incoterm_place="Felixstowe",
        currency="GBP",
    )
    long_pdf = render_quote_pdf(_data(demo, long_request, language))
    pages = len(PdfReader(io.BytesIO(long_pdf)).pages)
    text = " ".join(_text(long_pdf).split())  # a narrow column may wrap a text
    assert pages > 1 and t("pdf.page", language, page=2, pages=pages) in text
    assert t("pdf.on_request", language) in text
    data = _ddp_eur(demo, language)
    pdf = render_quote_pdf(data)
    text = " ".join(_text(pdf).split())
    for key in ("title", "valid_until", "subtotal", "terms", "estimate_note"):
        assert " ".join(t(f"pdf.{key}", language).split())[:20] in text, key
    _snapshot(pdf, f"quote-{language}")


def test_every_charge_is_said_in_the_language(demo: PriceBook) -> None:
    """Every charge the engine prices is said in each language; in English as its label."""
    requests = [
        _request(incoterm=Incoterm.DDP, currency="EUR"),
        _request(incoterm=Incoterm.DPU, include_duty_estimate=True),
        _request(incoterm=Incoterm.CIF, incoterm_place="Felixstowe"),
        PricingRequest(
            lines=(RequestLine("PNL-6060-40W", "panel", Decimal(20)),),
            destination_country="AU",
            destination_place="Sydney",
            incoterm=Incoterm.DDP,
        ),
    ]
    charges = [
        charge
        for request in requests
        for quote in [price(request, demo, today=TODAY)]
        for charge in (*quote.charges, *quote.buyer_estimates)
    ]
    courier = {"place": "Hamburg", "weight": "12.5"}
    label = "Express courier to Hamburg (12.5 kg chargeable)"
    charges.append(Charge("courier", label, Decimal(1), params=courier))
    kinds = {charge.kind for charge in charges}
    assert {"sea_freight", "insurance", "import_duty", "import_vat", "unloading"} <= kinds
    for language in LANGUAGES:
        words = Words(language)
        for charge in charges:
            said = words.charge(charge)
            if language == "en":
                assert said == charge.label
            else:
                assert said != charge.label, (language, charge.label)
    assert Words("de").charge(charges[-1]) == (
        "Expresskurier nach Hamburg (12,5 kg frachtpflichtiges Gewicht)"
    )
    odd = Charge("sea_freight", "Ocean freight by arrangement", Decimal(1))
    assert Words("fr").charge(odd) == odd.label  # known by its label only: printed as stored


def test_language_falls_back_to_english(demo: PriceBook) -> None:
    data = _ddp_eur(demo, "en")
    assert _text(render_quote_pdf(replace(data, language="ja"))) == _text(render_quote_pdf(data))
