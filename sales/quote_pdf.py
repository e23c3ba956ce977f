"""Quotation PDF: ``render_quote_pdf(QuotePdfData) -> bytes`` (fpdf2, A4).

Text is set in DejaVu Sans (Latin, Greek, Cyrillic: "Müller", "José", "Łukasz"). Chinese,
Japanese and Korean names need a CJK font: the first one found among ``CJK_FONT_CANDIDATES``
(Noto Sans CJK, WenQuanYi, Droid Sans Fallback; e.g. Debian's ``fonts-noto-cjk`` or
``fonts-wqy-microhei``) is used as a fallback font. Without one, characters no font on the
machine can draw are replaced by "?" rather than silently vanishing, and
``cjk_font_available()`` says so. A quote that is not in policy is marked DRAFT.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import TableCellFillMode, XPos, YPos
from fpdf.fonts import FontFace

from sales.pricing.models import PricedQuote
from sales.pricing.money import format_money, minor_units
from sales.pricing.pricebook import Exporter

log = logging.getLogger(__name__)

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
LATIN_FONTS = {
    "": ("truetype/dejavu/DejaVuSans.ttf",),
    "B": ("truetype/dejavu/DejaVuSans-Bold.ttf",),
}
CJK_FONT_CANDIDATES = (
    ("opentype/noto/NotoSansCJK-Regular.ttc", 0),
    ("opentype/noto/NotoSansCJKsc-Regular.otf", 0),
    ("truetype/wqy/wqy-microhei.ttc", 0),
    ("truetype/wqy/wqy-zenhei.ttc", 0),
    ("truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("truetype/arphic/uming.ttc", 0),
)
ACCENT = (15, 76, 92)
MUTED = (95, 99, 104)
RULE = (200, 205, 210)
ZEBRA = (243, 246, 247)
DRAFT_RED = (176, 32, 32)
EN = Locale("en")


@dataclass(frozen=True, slots=True)
class Buyer:
    company: str
    contact: str | None = None
    country: str | None = None  # ISO 3166 alpha-2 code or a name
    email: str | None = None
    address_lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuotePdfData:
    reference: str  # e.g. "Q-2026-000045"
    issued_on: date
    exporter: Exporter
    buyer: Buyer
    quote: PricedQuote
    terms: tuple[str, ...] = ()  # standard terms, e.g. the price book's ``standard_terms``
    prepared_by: str | None = None
    inquiry_reference: str | None = None  # the buyer's RFQ, e.g. "RFQ-2026-000123"


@dataclass(frozen=True, slots=True)
class _Fonts:
    family: str
    unicode: bool
    codepoints: frozenset[int]  # drawable by the main or fallback font (unicode fonts only)
    cjk: bool


def _find(relative: str) -> Path | None:
    for base in FONT_DIRS:
        path = base / relative
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=8)
def _codepoints(path: Path, number: int) -> frozenset[int]:
    with TTFont(str(path), fontNumber=number, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@lru_cache(maxsize=1)
def _cjk_font() -> tuple[Path, int] | None:
    for relative, number in CJK_FONT_CANDIDATES:
        path = _find(relative)
        if path is not None:
            return path, number
    return None


def cjk_font_available() -> bool:
    """True when a CJK font was found, so Chinese/Japanese/Korean text renders as such."""
    return _cjk_font() is not None


def _setup_fonts(pdf: FPDF) -> _Fonts:
    regular = _find(LATIN_FONTS[""][0])
    bold = _find(LATIN_FONTS["B"][0])
    if regular is None or bold is None:
        log.warning("DejaVu Sans not found: quote PDF falls back to Helvetica (Latin-1 only)")
        return _Fonts("helvetica", False, frozenset(), False)
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    codepoints = _codepoints(regular, 0) | _codepoints(bold, 0)
    cjk = _cjk_font()
    if cjk is not None:
        path, number = cjk
        pdf.add_font("CJK", "", path, collection_font_number=number)
        pdf.add_font("CJK", "B", path, collection_font_number=number)
        pdf.set_fallback_fonts(["CJK"], exact_match=False)
        codepoints |= _codepoints(path, number)
    return _Fonts("DejaVu", True, codepoints, cjk is not None)


class _QuotePdf(FPDF):
    def __init__(self, data: QuotePdfData) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.data = data
        self.set_margins(16, 14, 16)
        self.set_auto_page_break(auto=True, margin=20)
        self.fonts_in_use = _setup_fonts(self)
        self.set_title(f"Quotation {data.reference}")
        self.set_author(data.exporter.name)
        self.set_creator("exportdesk")

    # -- text helpers -------------------------------------------------------------------
    def safe(self, text: str) -> str:
        """Replace characters no available font can draw by '?'."""
        if self.fonts_in_use.unicode:
            allowed = self.fonts_in_use.codepoints
            return "".join(ch if ord(ch) in allowed or ch in "\n\t" else "?" for ch in text)
        return text.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, style: str = "", color: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font(self.fonts_in_use.family, style, size)
        self.set_text_color(*color)

    def line_text(self, text: str, height: float = 4.6, align: str = "L", width: float = 0) -> None:
        self.cell(width, height, self.safe(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # -- page furniture ------------------------------------------------------------------
    def footer(self) -> None:
        self.set_y(-13)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.font(7.5, color=MUTED)
        left = f"{self.data.exporter.name} | Quotation {self.data.reference}"
        self.cell(0, 6, self.safe(left), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="R")


def render_quote_pdf(data: QuotePdfData) -> bytes:
    """The quotation as PDF bytes."""
    pdf = _QuotePdf(data)
    pdf.add_page()
    _header(pdf)
    _parties(pdf)
    _lines_table(pdf)
    _totals(pdf)
    _terms(pdf)
    return bytes(pdf.output())


def _country_name(code: str | None) -> str:
    if not code:
        return ""
    name = EN.territories.get(code.strip().upper()) if len(code.strip()) == 2 else None
    return name or code


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.{minor_units(currency)}f}"


def _header(pdf: _QuotePdf) -> None:
    data, exporter = pdf.data, pdf.data.exporter
    top = pdf.get_y()
    pdf.font(15, "B", ACCENT)
    pdf.line_text(exporter.name, 7.5)
    right_w = 70
    right_x = pdf.w - pdf.r_margin - right_w
    left_w = right_x - pdf.l_margin - 6
    pdf.font(8.5, color=MUTED)
    rows = [
        *exporter.address_lines,
        " | ".join(
            filter(None, (f"Tel {exporter.phone}" if exporter.phone else None, exporter.email))
        ),
        exporter.website or "",
        f"Tax ID {exporter.tax_id}" if exporter.tax_id else "",
    ]
    for row in filter(None, rows):
        pdf.multi_cell(left_w, 4.2, pdf.safe(row), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()

    pdf.set_xy(right_x, top)
    pdf.font(20, "B", DRAFT_RED if not data.quote.in_policy else ACCENT)
    title = "QUOTATION" if data.quote.in_policy else "DRAFT QUOTATION"
    pdf.cell(right_w, 9, title, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    facts = [
        ("Reference", data.reference),
        ("Date", data.issued_on.isoformat()),
        ("Valid until", data.quote.valid_until.isoformat()),
    ]
    if data.inquiry_reference:
        facts.append(("Your inquiry", data.inquiry_reference))
    for label, value in facts:
        pdf.set_x(right_x)
        pdf.font(8.5, color=MUTED)
        pdf.cell(28, 5, label, align="L")
        pdf.font(9, "B")
        pdf.cell(right_w - 28, 5, pdf.safe(value), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    if not data.quote.in_policy:
        pdf.set_x(right_x)
        pdf.font(7.5, color=DRAFT_RED)
        pdf.cell(right_w, 4.5, "Not approved: needs sales manager review", align="R")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 4)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(4)


def _box(pdf: _QuotePdf, x: float, y: float, width: float, title: str, rows: list[str]) -> float:
    pdf.set_xy(x, y)
    pdf.font(7.5, "B", ACCENT)
    pdf.cell(width, 5, title.upper(), new_x=XPos.LEFT, new_y=YPos.NEXT)
    for index, row in enumerate(rows):
        pdf.set_x(x)
        pdf.font(9.5 if index == 0 else 8.8, "B" if index == 0 else "")
        pdf.multi_cell(width, 4.6, pdf.safe(row), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    return pdf.get_y()


def _parties(pdf: _QuotePdf) -> None:
    data, quote = pdf.data, pdf.data.quote
    buyer = data.buyer
    y = pdf.get_y()
    half = (pdf.w - pdf.l_margin - pdf.r_margin - 8) / 2
    buyer_rows = [buyer.company]
    if buyer.contact:
        buyer_rows.append(f"Attn: {buyer.contact}")
    buyer_rows.extend(buyer.address_lines)
    if buyer.country:
        buyer_rows.append(_country_name(buyer.country))
    if buyer.email:
        buyer_rows.append(buyer.email)
    place = quote.incoterm_place
    delivery = [
        f"{quote.incoterm.value} {place} (Incoterms® 2020)",
        f"Destination: {_country_name(quote.destination_country)}"
        + (f", {quote.destination_place}" if quote.destination_place else ""),
        f"Payment: {quote.payment_terms}",
        f"Currency: {quote.currency}",
        f"Ready at origin: about {quote.ready_date.isoformat()}"
        + (f", arrival about {quote.arrival_date.isoformat()}" if quote.arrival_date else ""),
    ]
    if quote.shipment.mode != "none":
        delivery.append(f"Shipment: {quote.shipment.describe()}")
    end_left = _box(pdf, pdf.l_margin, y, half, "Prepared for", buyer_rows)
    end_right = _box(pdf, pdf.l_margin + half + 8, y, half, "Delivery and terms", delivery)
    pdf.set_xy(pdf.l_margin, max(end_left, end_right) + 5)


def _lines_table(pdf: _QuotePdf) -> None:
    quote = pdf.data.quote
    currency = quote.currency
    family = pdf.fonts_in_use.family
    head = FontFace(
        family=family, emphasis="BOLD", size_pt=8, color=(255, 255, 255), fill_color=ACCENT
    )
    pdf.font(8.3)
    pdf.set_draw_color(*RULE)
    with pdf.table(
        col_widths=(7, 30, 58, 18, 22, 25, 18),
        text_align=("RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=head,
        line_height=5,
        padding=(1.4, 1.5),
        borders_layout="HORIZONTAL_LINES",
        cell_fill_color=ZEBRA,
        cell_fill_mode=TableCellFillMode.ROWS,
        first_row_as_headings=True,
    ) as table:
        table.row(
            (
                "#",
                "Model",
                "Description",
                "Qty",
                f"Unit price {currency}",
                f"Amount {currency}",
                "Lead time",
            )
        )
        for line in quote.lines:
            description = line.description
            notes = []
            if line.tier:
                notes.append(f"price break {line.tier}")
            if line.rush:
                notes.append("rush production")
            if notes:
                description += f" ({', '.join(notes)})"
            priced = line.priced
            table.row(
                (
                    str(line.line_no),
                    pdf.safe(line.sku or "-"),
                    pdf.safe(description),
                    f"{line.quantity:,f} {line.unit}",
                    _money(line.unit_price, currency) if priced else "on request",
                    _money(line.amount, currency) if priced else "-",
                    f"{line.lead_time_days} days" if line.lead_time_days else "-",
                )
            )
    pdf.ln(3)


def _amount_row(
    pdf: _QuotePdf, label: str, amount: str, *, bold: bool = False, size: float = 8.8
) -> None:
    label_w, amount_w = 120, 34
    x = pdf.w - pdf.r_margin - label_w - amount_w
    pdf.set_x(x)
    pdf.font(8.8)
    pdf.cell(label_w, 5.4, pdf.safe(label), align="R")
    pdf.cell(amount_w, 5.4, amount, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _totals(pdf: _QuotePdf) -> None:
    quote = pdf.data.quote
    currency = quote.currency
    _amount_row(pdf, "Goods subtotal", _money(quote.subtotal, currency))
    for charge in quote.charges:
        mark = " *" if charge.is_estimate else ""
        _amount_row(pdf, charge.label + mark, _money(charge.amount, currency))
    pdf.ln(1)
    y = pdf.get_y()
    x = pdf.w - pdf.r_margin - 90
    pdf.set_fill_color(*ACCENT)
    pdf.rect(x, y, 90, 8.5, style="F")
    pdf.set_xy(x + 2, y + 0.6)
    pdf.font(10.5, "B", (255, 255, 255))
    pdf.cell(40, 7.3, f"TOTAL {quote.incoterm.value}")
    pdf.cell(46, 7.3, format_money(quote.total, currency), align="R")
    pdf.set_xy(pdf.l_margin, y + 11)
    pdf.set_text_color(0, 0, 0)
    notes = []
    if any(charge.is_estimate for charge in quote.charges):
        notes.append(
            "* Estimate: import duties and taxes are estimated from published rates and are "
            "settled at cost by our customs broker."
        )
    if quote.buyer_estimates:
        items = "; ".join(
            f"{estimate.label}: {format_money(estimate.amount, currency)}"
            for estimate in quote.buyer_estimates
        )
        notes.append(f"For information, payable by the buyer on import (estimates): {items}.")
    if quote.currency != "USD":
        notes.append(
            f"Prices converted from USD at the rates of {quote.fx_as_of.isoformat()}; "
            "the exchange rate is fixed for the validity of this quotation."
        )
    pdf.font(7.8, color=MUTED)
    for note in notes:
        pdf.multi_cell(0, 4, pdf.safe(note), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _terms(pdf: _QuotePdf) -> None:
    data = pdf.data
    terms: Iterable[str] = data.terms
    if not data.terms:
        return
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    pdf.font(8, "B", ACCENT)
    pdf.line_text("TERMS AND CONDITIONS", 5)
    pdf.font(7.8, color=MUTED)
    for number, term in enumerate(terms, start=1):
        pdf.multi_cell(
            0, 3.9, pdf.safe(f"{number}. {term}"), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    if data.prepared_by:
        pdf.ln(4)
        pdf.font(8.8)
        pdf.line_text(f"Prepared by {data.prepared_by}, {data.exporter.name}")
