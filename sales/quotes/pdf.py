"""Quotation PDF: ``render_quote_pdf(QuotePdfData) -> bytes`` (fpdf2, A4).

Text is set in DejaVu Sans (Latin, Greek, Cyrillic: "Müller", "José", "Łukasz"). Chinese,
Japanese and Korean names need a CJK font: the first one found among ``CJK_FONT_CANDIDATES``
(Noto Sans CJK, WenQuanYi, Droid Sans Fallback; e.g. Debian's ``fonts-noto-cjk`` or
``fonts-wqy-microhei``) is used as a fallback font. Without one, characters no font on the
machine can draw are replaced by "?" rather than silently vanishing, and
``cjk_font_available()`` says so (``python -m tools.fonts ensure`` installs one). A quote
that is not in policy is marked DRAFT.

The document is written in ``QuotePdfData.language`` (en, zh, es, de, pt, fr): every fixed text
comes from the ``pdf`` area of the message catalog (``i18n/messages/<lang>/pdf.yaml``),
dates, amounts and quantities are written the language's way (babel/CLDR: "21.11.2026" and
"62.500,00" in German), country names are CLDR's, and each charge is said in the language from
its kind and parameters (``sales/pricing/charge_text.py``; a charge known only by its label is
printed as stored). English output keeps ISO dates and "62,500.00".
Buyer-supplied texts, product descriptions, payment terms and the price book's standard terms
are printed as given.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import TableCellFillMode, XPos, YPos
from fpdf.fonts import FontFace

from i18n import DEFAULT_LANGUAGE, catalog, language_of, t
from i18n.formatting import babel, babel_locale, date_text, money_text, number_text
from sales.pricing.charge_text import charge_text
from sales.pricing.models import Charge, PricedLine, PricedQuote, ShipmentSummary
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
    language: str = DEFAULT_LANGUAGE  # the buyer's: en, zh, es, de, pt, fr (others: English)


@dataclass(frozen=True, slots=True)
class _Fonts:
    family: str
    unicode: bool
    codepoints: frozenset[int]  # drawable by the main or fallback font (unicode fonts only)
    cjk: bool


def find_font(relative: str) -> Path | None:
    """A font file by its path under the system font directories, if installed."""
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
        path = find_font(relative)
        if path is not None:
            return path, number
    return None


def cjk_font_available() -> bool:
    """True when a CJK font was found, so Chinese/Japanese/Korean text renders as such."""
    return _cjk_font() is not None


def _setup_fonts(pdf: FPDF) -> _Fonts:
    regular = find_font(LATIN_FONTS[""][0])
    bold = find_font(LATIN_FONTS["B"][0])
    if regular is None or bold is None:
        log.warning("DejaVu Sans not found: quote PDF falls back to Helvetica (Latin-1 only)")
        return _Fonts("helvetica", False, frozenset(), False)
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    codepoints = _codepoints(regular, 0) | _codepoints(bold, 0)
    cjk = _cjk_font()
    if cjk is not None:
        path, number = cjk
        # Registered once: the candidates are regular faces, which bold text falls back to as
        # well (exact_match=False); a second, bold registration of the same face drew the same
        # glyphs and parsed the large file again (0.35 s of CPU a quotation).
        pdf.add_font("CJK", "", path, collection_font_number=number)
        pdf.set_fallback_fonts(["CJK"], exact_match=False)
        codepoints |= _codepoints(path, number)
    return _Fonts("DejaVu", True, codepoints, cjk is not None)


_TIER = re.compile(r"(?P<quantity>\d[\d,]*)\+")
_BELOW_MOQ = re.compile(r"below MOQ \((?P<tier>.+)\)")


class Words:
    """The PDF's fixed texts, dates, amounts, quantities and names in one language.

    English keeps the document's original forms: ISO dates and "62,500.00".
    """

    def __init__(self, language: str | None) -> None:
        self.language = language_of(language)
        self.locale = babel_locale(self.language)
        self.english = self.language == DEFAULT_LANGUAGE

    def __call__(self, key: str, /, **params: object) -> str:
        return t(f"pdf.{key}", self.language, **params)

    def optional(self, key: str, fallback: Callable[[], str], /, **params: object) -> str:
        """The message ``pdf.<key>`` if the catalog has it, else ``fallback()``."""
        if f"pdf.{key}" not in catalog(DEFAULT_LANGUAGE):
            return fallback()
        return self(key, **params)

    def date(self, value: date) -> str:
        # 2026-11-21, 21.11.2026, 2026年11月21日
        return date_text(value, self.language, length="medium", english="iso")

    def amount(self, amount: Decimal, currency: str) -> str:
        """'62,500.00' (en), '62.500,00' (de), '62 500,00' (fr): the currency's minor unit."""
        return money_text(amount, currency, self.language, code=False)

    def money(self, amount: Decimal, currency: str) -> str:
        """'EUR 62,500.00' (en), 'EUR 62.500,00' (de): the ISO code first, as B2B buyers read it."""
        return money_text(amount, currency, self.language)

    def number(self, value: Decimal | int | str, pattern: str | None = None) -> str:
        """A quantity or rate as given ('2,000', '4.7'; '2.000', '4,7' in German)."""
        return number_text(value, self.language, pattern=pattern)

    def country(self, code: str | None) -> str:
        if not code:
            return ""
        code = code.strip()
        name = babel(self.language).territories.get(code.upper()) if len(code) == 2 else None
        return name or code

    def unit(self, unit: str) -> str:
        key = re.sub(r"\W+", "_", unit.strip().lower())
        return self.optional(f"units.{key}", lambda: unit) if key else unit

    def tier(self, tier: str) -> str:
        """A price break as the engine wrote it: '5,000+', 'sample', 'below MOQ (200+)'."""
        if self.english:
            return tier
        if tier == "sample":
            return self("sample")
        below = _BELOW_MOQ.fullmatch(tier)
        if below:
            return self("below_moq", tier=self.tier(below["tier"]))
        found = _TIER.fullmatch(tier)
        if found:
            return self.number(found["quantity"].replace(",", "")) + "+"
        return tier

    def shipment(self, shipment: ShipmentSummary) -> str:
        if self.english:
            return shipment.describe()
        load = self(
            "load",
            cartons=self.number(shipment.cartons),
            cbm=self.number(shipment.cbm, "#,##0.00"),
            weight=self.number(shipment.gross_kg, "#,##0"),
        )
        if shipment.mode == "FCL":
            boxes = " + ".join(f"{count} x {kind}" for kind, count in shipment.containers)
            return f"{load}, FCL {boxes}"
        mode = self("courier") if shipment.mode == "courier" else shipment.mode
        return f"{load}, {mode}"

    def charge(self, charge: Charge) -> str:
        """The charge in the language (the stored label when its parameters are unknown)."""
        if charge.params is None:
            return charge.label
        return charge_text(charge.kind, charge.params, self.language)

    def line_description(self, line: PricedLine) -> str:
        notes = []
        if line.tier:
            notes.append(self("price_break", tier=self.tier(line.tier)))
        if line.rush:
            notes.append(self("rush"))
        if not notes:
            return line.description
        return f"{line.description} ({', '.join(notes)})"


class _QuotePdf(FPDF):
    def __init__(self, data: QuotePdfData) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.data = data
        self.words = Words(data.language)
        self.set_margins(16, 14, 16)
        self.set_auto_page_break(auto=True, margin=20)
        self.fonts_in_use = _setup_fonts(self)
        self.set_title(self.words("document", ref=data.reference))
        self.set_lang(self.words.locale.replace("_", "-"))
        self.set_author(data.exporter.name)
        self.set_creator("exportdesk")
        # dated by the quote's issue date, not the moment it is drawn: the same stored quote
        # gives the same bytes every time (the staff API's PDF, a buyer's link, the mail's)
        self.set_creation_date(datetime.combine(data.issued_on, time(0), UTC))

    def _render_styled_text_line(self, *args: Any, **kwargs: Any) -> bool:
        # fpdf2 (2.8.x) with a fallback font: a line whose last fragment was set in the
        # fallback font leaves that font active in the content stream while fpdf2 believes
        # the main font is, so the next line in the same font is drawn with the wrong font's
        # glyphs (garbage). Selecting the font again for every line avoids it.
        if self.fonts_in_use.cjk:
            self.current_font_is_set_on_page = False
        return bool(super()._render_styled_text_line(*args, **kwargs))

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
        document = self.words("document", ref=self.data.reference)
        self.cell(0, 6, self.safe(f"{self.data.exporter.name} | {document}"), align="L")
        self.set_x(self.l_margin)
        page = self.words("page", page=self.page_no(), pages="{nb}")
        self.cell(0, 6, self.safe(page), align="R")

    def fit_size(self, text: str, width: float, size: float, style: str = "") -> float:
        """``size``, or smaller (down to 60 %) so that ``text`` fits ``width`` on one line."""
        self.set_font(self.fonts_in_use.family, style, size)
        needed = self.get_string_width(text) + 2 * self.c_margin
        return size if needed <= width else max(size * 0.6, size * width / needed)


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


def _header(pdf: _QuotePdf) -> None:
    data, exporter, words = pdf.data, pdf.data.exporter, pdf.words
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
            filter(
                None,
                (words("phone", phone=exporter.phone) if exporter.phone else None, exporter.email),
            )
        ),
        exporter.website or "",
        words("tax_id", tax_id=exporter.tax_id) if exporter.tax_id else "",
    ]
    for row in filter(None, rows):
        pdf.multi_cell(left_w, 4.2, pdf.safe(row), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()

    pdf.set_xy(right_x, top)
    title = pdf.safe(words("title") if data.quote.in_policy else words("title_draft"))
    pdf.font(
        pdf.fit_size(title, right_w, 20, "B"),
        "B",
        DRAFT_RED if not data.quote.in_policy else ACCENT,
    )
    pdf.cell(right_w, 9, title, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    facts = [
        (words("reference"), data.reference),
        (words("date"), words.date(data.issued_on)),
        (words("valid_until"), words.date(data.quote.valid_until)),
    ]
    if data.inquiry_reference:
        facts.append((words("your_inquiry"), data.inquiry_reference))
    pdf.font(8.5)
    label_w = max(28, *(pdf.get_string_width(pdf.safe(label)) + 3 for label, _ in facts))
    for label, value in facts:
        pdf.set_x(right_x)
        pdf.font(8.5, color=MUTED)
        pdf.cell(label_w, 5, pdf.safe(label), align="L")
        pdf.font(9, "B")
        pdf.cell(right_w - label_w, 5, pdf.safe(value), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    if not data.quote.in_policy:
        pdf.set_x(right_x)
        pdf.font(7.5, color=DRAFT_RED)
        pdf.multi_cell(right_w, 3.6, pdf.safe(words("not_approved")), align="R")
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
    data, quote, words = pdf.data, pdf.data.quote, pdf.words
    buyer = data.buyer
    y = pdf.get_y()
    half = (pdf.w - pdf.l_margin - pdf.r_margin - 8) / 2
    buyer_rows = [buyer.company]
    if buyer.contact:
        buyer_rows.append(words("attention", contact=buyer.contact))
    buyer_rows.extend(buyer.address_lines)
    if buyer.country:
        buyer_rows.append(words.country(buyer.country))
    if buyer.email:
        buyer_rows.append(buyer.email)
    destination = ", ".join(
        filter(None, (words.country(quote.destination_country), quote.destination_place))
    )
    ready = words.date(quote.ready_date)
    delivery = [
        words("incoterm", rule=quote.incoterm.value, place=quote.incoterm_place),
        words("destination", destination=destination),
        words("payment", terms=quote.payment_terms),
        words("currency", currency=quote.currency),
        words("ready_arrival", ready=ready, arrival=words.date(quote.arrival_date))
        if quote.arrival_date
        else words("ready", ready=ready),
    ]
    if quote.shipment.mode != "none":
        delivery.append(words("shipment", shipment=words.shipment(quote.shipment)))
    end_left = _box(pdf, pdf.l_margin, y, half, words("prepared_for"), buyer_rows)
    end_right = _box(pdf, pdf.l_margin + half + 8, y, half, words("delivery_and_terms"), delivery)
    pdf.set_xy(pdf.l_margin, max(end_left, end_right) + 5)


def _lines_table(pdf: _QuotePdf) -> None:
    quote, words = pdf.data.quote, pdf.words
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
        headings = (
            "#",
            words("columns.model"),
            words("columns.description"),
            words("columns.quantity"),
            words("columns.unit_price", currency=currency),
            words("columns.amount", currency=currency),
            words("columns.lead_time"),
        )
        table.row(tuple(pdf.safe(heading) for heading in headings))
        for line in quote.lines:
            quantity = (
                f"{line.quantity:,f} {line.unit}"
                if words.english
                else f"{words.number(line.quantity)} {words.unit(line.unit)}"
            )
            priced = line.priced
            cells = (
                str(line.line_no),
                line.sku or "-",
                words.line_description(line),
                quantity,
                words.amount(line.unit_price, currency) if priced else words("on_request"),
                words.amount(line.amount, currency) if priced else "-",
                words("days", days=line.lead_time_days) if line.lead_time_days else "-",
            )
            table.row(tuple(pdf.safe(cell) for cell in cells))
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
    quote, words = pdf.data.quote, pdf.words
    currency = quote.currency
    _amount_row(pdf, words("subtotal"), words.amount(quote.subtotal, currency))
    for charge in quote.charges:
        mark = " *" if charge.is_estimate else ""
        _amount_row(pdf, words.charge(charge) + mark, words.amount(charge.amount, currency))
    pdf.ln(1)
    y = pdf.get_y()
    x = pdf.w - pdf.r_margin - 90
    pdf.set_fill_color(*ACCENT)
    pdf.rect(x, y, 90, 8.5, style="F")
    pdf.set_xy(x + 2, y + 0.6)
    pdf.font(10.5, "B", (255, 255, 255))
    pdf.cell(40, 7.3, pdf.safe(words("total", rule=quote.incoterm.value)))
    pdf.cell(46, 7.3, pdf.safe(words.money(quote.total, currency)), align="R")
    pdf.set_xy(pdf.l_margin, y + 11)
    pdf.set_text_color(0, 0, 0)
    notes = []
    if any(charge.is_estimate for charge in quote.charges):
        notes.append(words("estimate_note"))
    if quote.buyer_estimates:
        items = "; ".join(
            f"{words.charge(estimate)}: {words.money(estimate.amount, currency)}"
            for estimate in quote.buyer_estimates
        )
        notes.append(words("buyer_estimates_note", items=items))
    if quote.currency != "USD":
        notes.append(words("fx_note", date=words.date(quote.fx_as_of)))
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
    pdf.line_text(pdf.words("terms"), 5)
    pdf.font(7.8, color=MUTED)
    for number, term in enumerate(terms, start=1):
        pdf.multi_cell(
            0, 3.9, pdf.safe(f"{number}. {term}"), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    if data.prepared_by:
        pdf.ln(4)
        pdf.font(8.8)
        pdf.line_text(pdf.words("prepared_by", name=data.prepared_by, company=data.exporter.name))
