"""Table tests of the pricing engine on the fixture price book."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from sales.pricing import Incoterm, IssueCode, PriceBook, PricingRequest, RequestLine, price
from sales.pricing.charges import insurance_premium

from .conftest import TODAY, book_with, request_for

D = Decimal


def _line(book: PriceBook, request: PricingRequest):
    quote = price(request, book, today=TODAY)
    return quote, quote.lines[0]


@pytest.mark.parametrize(
    ("quantity", "tier", "unit_price"),
    [
        (500, "500+", "12.90"),
        (999, "500+", "12.90"),
        (1000, "1,000+", "12.40"),
        (4999, "1,000+", "12.40"),
        (5000, "5,000+", "11.80"),
        (10000, "10,000+", "11.30"),
        (250000, "10,000+", "11.30"),
    ],
)
def test_quantity_tiers(book: PriceBook, quantity: int, tier: str, unit_price: str) -> None:
    _, line = _line(book, request_for(("PNL-6060-40W", quantity), country="JP"))
    assert (line.tier, line.unit_price) == (tier, D(unit_price))
    assert line.amount == D(unit_price) * quantity
    assert line.lead_time_days == 25 and not line.rush


@pytest.mark.parametrize(
    ("country", "currency", "unit_price", "source"),
    [
        ("JP", None, "11.80", "ROW"),  # rest of world: no adjustment
        ("DE", None, "12.15", "EU"),  # 11.80 x 1.03 = 12.154
        ("US", None, "12.39", "NA"),  # x 1.05
        ("ZA", None, "11.56", "AF"),  # x 0.98 = 11.564
        ("CH", None, "12.39", "country CH"),  # country override +5%
        ("DE", "EUR", "10.57", "EU"),  # 12.154 x 0.87 = 10.574
        ("JP", "JPY", "1794", "ROW"),  # 11.80 x 152 = 1793.6
        ("DE", "KWD", "3.731", "EU"),  # 12.154 x 0.307 = 3.7313 (3 decimals)
    ],
)
def test_regional_adjustment_and_currency(
    book: PriceBook, country: str, currency: str | None, unit_price: str, source: str
) -> None:
    quote, line = _line(
        book, request_for(("PNL-6060-40W", 5000), country=country, currency=currency)
    )
    assert quote.currency == (currency or "USD")
    assert line.unit_price == D(unit_price)
    assert any(source in note for note in quote.breakdown if note.startswith("Destination"))


def test_unknown_quote_currency_falls_back_to_usd(book: PriceBook) -> None:
    quote = price(request_for(("PNL-6060-40W", 500), currency="THB"), book, today=TODAY)
    assert quote.currency == "USD"
    assert any("THB has no rate" in note for note in quote.breakdown)


def test_breakdown_reads_like_a_sales_sheet(book: PriceBook) -> None:
    quote = price(request_for(("PNL-6060-40W", 5000)), book, today=TODAY)
    text = "\n".join(quote.breakdown)
    assert "Incoterm: FOB Ningbo (default: the buyer named no Incoterm)" in text
    assert "Line 1: PNL-6060-40W x 5,000 pcs, tier 5,000+, list USD 11.80, region EU +3%" in text
    assert "Policy: in policy" in text
    assert quote.in_policy
    assert quote.valid_until == TODAY + timedelta(days=30)


class TestRush:
    def test_standard_lead_time_when_the_date_allows(self, book: PriceBook) -> None:
        request = request_for(("PNL-6060-40W", 5000), required_by=TODAY + timedelta(days=25))
        _, line = _line(book, request)
        assert (line.rush, line.lead_time_days, line.unit_price) == (False, 25, D("12.15"))

    def test_rush_when_only_rush_meets_the_date(self, book: PriceBook) -> None:
        request = request_for(("PNL-6060-40W", 5000), required_by=TODAY + timedelta(days=20))
        quote, line = _line(book, request)
        assert (line.rush, line.lead_time_days) == (True, 15)
        assert line.unit_price == D("13.13")  # 12.154 x 1.08 = 13.126
        assert quote.in_policy
        assert quote.ready_date == TODAY + timedelta(days=15)

    def test_delivered_terms_count_transit_time(self, book: PriceBook) -> None:
        required = TODAY + timedelta(days=35 + 20)  # EU transit 35 days
        request = request_for(("PNL-6060-40W", 5000), incoterm=Incoterm.CIF, required_by=required)
        quote, line = _line(book, request)
        assert line.rush
        assert quote.arrival_date == TODAY + timedelta(days=15 + 35)

    def test_date_not_achievable_even_with_rush(self, book: PriceBook) -> None:
        request = request_for(("PNL-6060-40W", 5000), required_by=TODAY + timedelta(days=10))
        quote, line = _line(book, request)
        assert not line.rush and line.unit_price == D("12.15")
        assert quote.policy.has(IssueCode.DATE_NOT_ACHIEVABLE)
        assert "even with rush" in str(quote.policy.reasons[0])
        assert not quote.in_policy

    def test_no_rush_option(self, book: PriceBook) -> None:
        request = request_for(("HB-UFO-150W", 100), required_by=TODAY + timedelta(days=20))
        quote, _ = _line(book, request)
        assert quote.policy.has(IssueCode.DATE_NOT_ACHIEVABLE)
        assert "no rush option" in str(quote.policy.reasons[0])


# 500 panels = 125 cartons, 7.44 CBM, 1,500 kg: an LCL shipment.
EXPECTED_KINDS = {
    Incoterm.EXW: [],
    Incoterm.FCA: ["export_clearance", "origin_haulage"],
    Incoterm.FAS: ["export_clearance", "origin_haulage"],
    Incoterm.FOB: ["export_clearance", "origin_haulage", "origin_terminal"],
    Incoterm.CFR: ["export_clearance", "origin_haulage", "origin_terminal", "sea_freight"],
    Incoterm.CPT: ["export_clearance", "origin_haulage", "origin_terminal", "sea_freight"],
    Incoterm.CIF: [
        "export_clearance", "origin_haulage", "origin_terminal", "sea_freight", "insurance"
    ],
    Incoterm.CIP: [
        "export_clearance", "origin_haulage", "origin_terminal", "sea_freight", "insurance"
    ],
    Incoterm.DAP: [
        "export_clearance", "origin_haulage", "origin_terminal", "sea_freight",
        "destination_delivery", "insurance",
    ],
    Incoterm.DPU: [
        "export_clearance", "origin_haulage", "origin_terminal", "sea_freight",
        "destination_delivery", "unloading", "insurance",
    ],
    Incoterm.DDP: [
        "export_clearance", "origin_haulage", "origin_terminal", "sea_freight",
        "destination_delivery", "insurance", "import_clearance", "import_duty", "import_vat",
    ],
}  # fmt: skip


@pytest.mark.parametrize("incoterm", list(Incoterm))
def test_each_incoterm_has_its_charges(book: PriceBook, incoterm: Incoterm) -> None:
    quote = price(
        request_for(("PNL-6060-40W", 500), incoterm=incoterm, destination_place="Hamburg"),
        book,
        today=TODAY,
    )
    assert [charge.kind for charge in quote.charges] == EXPECTED_KINDS[incoterm]
    estimates = {charge.kind for charge in quote.charges if charge.is_estimate}
    assert estimates == ({"import_duty", "import_vat"} if incoterm is Incoterm.DDP else set())
    assert quote.shipment.mode == "LCL"
    assert quote.total == quote.subtotal + quote.charges_total
    assert quote.in_policy, quote.policy.reasons


def test_fob_charge_amounts(book: PriceBook) -> None:
    quote = price(request_for(("PNL-6060-40W", 500), country="JP"), book, today=TODAY)
    amounts = {charge.kind: charge.amount for charge in quote.charges}
    # 7.441875 W/M: clearance 50 + docs 35; haulage minimum 60; THC 12 x W/M = 89.30
    assert amounts == {
        "export_clearance": D("85.00"),
        "origin_haulage": D("60.00"),
        "origin_terminal": D("89.30"),
    }
    assert quote.total == D("6450.00") + D("234.30")


def test_cif_freight_and_insurance(book: PriceBook) -> None:
    quote = price(
        request_for(("PNL-6060-40W", 500), country="JP", incoterm="CIF", incoterm_place="Tokyo"),
        book,
        today=TODAY,
    )
    amounts = {charge.kind: charge.amount for charge in quote.charges}
    assert amounts["sea_freight"] == D("483.72")  # 65 x 7.441875 W/M
    assert amounts["insurance"] == D("25.00")  # minimum premium
    big = price(
        request_for(("PNL-6060-40W", 20000), country="JP", incoterm="CIF"), book, today=TODAY
    )
    charges = {charge.kind: charge.amount for charge in big.charges}
    assert big.shipment.mode == "FCL"
    cfr = big.subtotal + sum(v for k, v in charges.items() if k != "insurance")
    expected = insurance_premium(book, Incoterm.CIF, cfr)
    assert abs(charges["insurance"] - expected) <= D("0.03")  # rounding of the parts
    assert expected == cfr * D("0.0011") / (1 - D("0.0011"))
    label = next(c.label for c in big.charges if c.kind == "insurance")
    assert "ICC (C)" in label and "110% of CIF value" in label


def test_ddp_duties_are_estimates_on_the_right_basis(book: PriceBook) -> None:
    de = price(request_for(("PNL-6060-40W", 500), incoterm="DDP"), book, today=TODAY)
    charges = {charge.kind: charge for charge in de.charges}
    assert charges["import_duty"].is_estimate and charges["import_vat"].is_estimate
    assert (
        "estimate" in charges["import_duty"].label and "CIF basis" in charges["import_duty"].label
    )
    cif = de.subtotal + sum(
        charges[k].amount for k in ("export_clearance", "origin_haulage", "origin_terminal")
    )
    cif += charges["sea_freight"].amount
    cif += insurance_premium(book, Incoterm.DDP, cif)
    assert abs(charges["import_duty"].amount - cif * D("0.047")) <= D("0.05")
    vat_base = cif + charges["import_duty"].amount
    assert abs(charges["import_vat"].amount - vat_base * D("0.19")) <= D("0.05")

    us = price(request_for(("PNL-6060-40W", 500), country="US", incoterm="DDP"), book, today=TODAY)
    us_charges = {charge.kind: charge for charge in us.charges}
    assert "FOB basis" in us_charges["import_duty"].label
    assert "import_vat" not in us_charges  # no VAT in the US
    fob = us.subtotal + sum(
        us_charges[k].amount for k in ("export_clearance", "origin_haulage", "origin_terminal")
    )
    assert abs(us_charges["import_duty"].amount - fob * D("0.389")) <= D("0.05")


def test_ddp_without_duty_data_is_out_of_policy(book: PriceBook) -> None:
    quote = price(
        request_for(("PNL-6060-40W", 500), country="BR", incoterm="DDP"), book, today=TODAY
    )
    assert quote.policy.has(IssueCode.NO_DUTY_DATA)
    assert not any(charge.kind == "import_duty" for charge in quote.charges)


def test_dap_with_duty_estimate_for_information(book: PriceBook) -> None:
    request = request_for(("PNL-6060-40W", 500), incoterm="DAP", include_duty_estimate=True)
    quote = price(request, book, today=TODAY)
    assert [e.kind for e in quote.buyer_estimates] == ["import_duty", "import_vat"]
    assert all(e.is_estimate for e in quote.buyer_estimates)
    assert quote.total == quote.subtotal + quote.charges_total  # not in the total
    assert any("paid by the buyer" in note for note in quote.breakdown)


@pytest.mark.parametrize(
    ("country", "place"), [("RU", "Moscow"), ("KP", None), ("UA", "Sevastopol, Crimea")]
)
def test_restricted_destinations(book: PriceBook, country: str, place: str | None) -> None:
    quote = price(
        request_for(("PNL-6060-40W", 500), country=country, destination_place=place),
        book,
        today=TODAY,
    )
    assert quote.policy.has(IssueCode.DESTINATION_RESTRICTED)
    assert not quote.in_policy
    assert "compliance" in str(quote.policy.reasons[0])


def test_unknown_sku_is_not_priced(book: PriceBook) -> None:
    quote = price(request_for(("PNL-6060-40W", 500), ("XYZ-1", 100), (None, 10)), book, today=TODAY)
    unknown = quote.lines[1:]
    assert [line.priced for line in quote.lines] == [True, False, False]
    assert all(line.amount == 0 and line.unit_price == 0 for line in unknown)
    codes = [issue.code for issue in quote.policy.reasons]
    assert codes == [IssueCode.UNKNOWN_SKU, IssueCode.UNKNOWN_SKU]
    assert [issue.line_no for issue in quote.policy.reasons] == [2, 3]


def test_below_moq(book: PriceBook) -> None:
    quote, line = _line(book, request_for(("PNL-6060-40W", 100), country="JP"))
    assert line.tier == "below MOQ (500+)" and line.unit_price == D("12.90")
    assert quote.policy.has(IssueCode.BELOW_MOQ)
    assert "below the MOQ of 500" in str(quote.policy.reasons[0])


class TestTargetPrice:
    # JP, 5000 panels: list 11.80, floor 8.40 / 0.88 = 9.5455 -> 9.55.
    def _quote(self, book: PriceBook, target: str, currency: str | None = None):
        line = RequestLine(
            "PNL-6060-40W", "panel", D(5000), target_price=D(target), target_currency=currency
        )
        return price(PricingRequest((line,), "JP"), book, today=TODAY)

    def test_target_above_list_keeps_list(self, book: PriceBook) -> None:
        quote = self._quote(book, "12.50")
        assert quote.lines[0].unit_price == D("11.80") and quote.in_policy

    def test_target_between_floor_and_list_is_met(self, book: PriceBook) -> None:
        quote = self._quote(book, "10.25")
        assert quote.lines[0].unit_price == D("10.25") and quote.in_policy
        assert any("priced down to it" in note for note in quote.breakdown)

    def test_target_at_floor_is_met(self, book: PriceBook) -> None:
        quote = self._quote(book, "9.55")
        assert quote.lines[0].unit_price == D("9.55") and quote.in_policy

    def test_target_below_floor_priced_at_floor_and_flagged(self, book: PriceBook) -> None:
        quote = self._quote(book, "8.00")
        line = quote.lines[0]
        assert line.unit_price == line.floor_price == D("9.55")
        assert quote.policy.has(IssueCode.TARGET_BELOW_FLOOR)
        assert not quote.policy.has(IssueCode.MARGIN_BELOW_FLOOR)
        assert "needs negotiation" in str(quote.policy.reasons[0])

    def test_target_in_another_currency(self, book: PriceBook) -> None:
        quote = self._quote(book, "1520", currency="JPY")  # = USD 10.00
        assert quote.lines[0].unit_price == D("10.00")


def test_margin_below_floor_is_out_of_policy() -> None:
    cheap = book_with(lambda raw: raw["zones"]["AF"].update(price_adjustment_pct=-30))
    quote = price(request_for(("PNL-6060-40W", 5000), country="ZA"), cheap, today=TODAY)
    line = quote.lines[0]
    assert line.unit_price == D("8.26")  # 11.80 x 0.70
    assert line.margin_pct is not None and line.margin_pct < 12
    assert quote.policy.has(IssueCode.MARGIN_BELOW_FLOOR)
    assert not quote.in_policy


def test_quote_margin_below_quote_floor() -> None:
    strict = book_with(lambda raw: raw["margins"].update(quote_floor_pct=30))
    quote = price(request_for(("PNL-6060-40W", 5000), incoterm="DDP"), strict, today=TODAY)
    assert quote.policy.has(IssueCode.QUOTE_MARGIN_BELOW_FLOOR)
    assert quote.margin_pct < 30


def test_quote_margin_counts_the_charges_we_pay(book: PriceBook) -> None:
    exw = price(request_for(("PNL-6060-40W", 5000), incoterm="EXW"), book, today=TODAY)
    ddp = price(request_for(("PNL-6060-40W", 5000), incoterm="DDP"), book, today=TODAY)
    # EXW: (12.15 - 8.40) / 12.15 = 30.86%; DDP adds pass-through charges to revenue and cost.
    assert exw.margin_pct == D("30.86")
    assert ddp.margin_pct < exw.margin_pct
    cost = D("8.40") * 5000 + ddp.charges_total
    assert ddp.margin_pct == ((ddp.total - cost) / ddp.total * 100).quantize(
        D("0.01"), rounding="ROUND_FLOOR"
    )


class TestPlaces:
    def test_fob_shanghai_uses_shanghai_haulage(self, book: PriceBook) -> None:
        quote = price(
            request_for(("PNL-6060-40W", 500), incoterm="FOB", incoterm_place="shanghai"),
            book,
            today=TODAY,
        )
        haulage = next(c for c in quote.charges if c.kind == "origin_haulage")
        assert quote.incoterm_place == "Shanghai"
        assert haulage.amount == D("120.00")  # Shanghai minimum
        assert quote.in_policy

    def test_fob_at_a_foreign_port_is_flagged(self, book: PriceBook) -> None:
        quote = price(
            request_for(("PNL-6060-40W", 500), incoterm="FOB", incoterm_place="Hamburg"),
            book,
            today=TODAY,
        )
        assert quote.policy.has(IssueCode.INVALID_PLACE)
        assert quote.incoterm_place == "Ningbo"

    def test_fca_at_our_factory_has_no_haulage(self, book: PriceBook) -> None:
        quote = price(
            request_for(("PNL-6060-40W", 500), incoterm="FCA", incoterm_place="Ningbo factory"),
            book,
            today=TODAY,
        )
        assert [c.kind for c in quote.charges] == ["export_clearance"]

    def test_exw_names_the_factory(self, book: PriceBook) -> None:
        quote = price(request_for(("PNL-6060-40W", 500), incoterm="EXW"), book, today=TODAY)
        assert quote.incoterm_place == "Ningbo factory" and quote.charges == ()

    def test_cif_place_defaults_to_the_destination(self, book: PriceBook) -> None:
        quote = price(
            request_for(("PNL-6060-40W", 500), incoterm="CIF", destination_place="Rotterdam"),
            book,
            today=TODAY,
        )
        assert quote.incoterm_place == "Rotterdam"


def test_payment_terms(book: PriceBook) -> None:
    default = price(request_for(("PNL-6060-40W", 500)), book, today=TODAY)
    assert default.payment_terms.startswith("30% T/T deposit")
    spelled = price(
        request_for(("PNL-6060-40W", 500), payment_terms="  l/c AT   sight "), book, today=TODAY
    )
    assert spelled.payment_terms == "L/C at sight" and spelled.in_policy
    odd = price(request_for(("PNL-6060-40W", 500), payment_terms="O/A 90 days"), book, today=TODAY)
    assert odd.policy.has(IssueCode.NON_STANDARD_PAYMENT_TERMS)


def test_cartons_are_converted_to_pieces(book: PriceBook) -> None:
    line = RequestLine("PNL-6060-40W", "panels", D(200), unit="ctns", target_price=D("44.00"))
    quote = price(PricingRequest((line,), "JP"), book, today=TODAY)
    priced = quote.lines[0]
    assert (priced.quantity, priced.unit, priced.tier) == (D(800), "pcs", "500+")
    assert priced.unit_price == D("11.00")  # target 44.00 per carton of 4


def test_unsupported_unit_and_fractional_quantity(book: PriceBook) -> None:
    line = RequestLine("PNL-6060-40W", "panels", D("500.5"), unit="kg")
    quote = price(PricingRequest((line,), "JP"), book, today=TODAY)
    assert quote.policy.has(IssueCode.UNSUPPORTED_UNIT)
    assert quote.policy.has(IssueCode.FRACTIONAL_QUANTITY)


class TestSamples:
    def test_samples_go_by_courier_at_sample_price(self, book: PriceBook) -> None:
        line = RequestLine("PNL-6060-40W", "sample panel", D(2), unit="samples")
        quote = price(PricingRequest((line,), "DE", incoterm="DAP"), book, today=TODAY)
        priced = quote.lines[0]
        assert (priced.tier, priced.unit_price, priced.lead_time_days) == ("sample", D("25.00"), 5)
        assert quote.shipment.mode == "courier"
        assert [c.kind for c in quote.charges] == ["courier", "insurance"]
        # 2 panels = 6 kg actual, 0.0298 CBM x 200 = 5.95 kg volumetric -> 6.0 kg; min 45
        assert quote.charges[0].amount == D("54.00")
        assert quote.in_policy
        assert quote.arrival_date == TODAY + timedelta(days=5 + 6)

    def test_too_many_samples(self, book: PriceBook) -> None:
        line = RequestLine("PNL-6060-40W", "sample panel", D(10), unit="sample")
        quote = price(PricingRequest((line,), "DE"), book, today=TODAY)
        assert quote.policy.has(IssueCode.SAMPLE_QUANTITY)


def test_request_validation() -> None:
    with pytest.raises(ValueError, match="positive"):
        RequestLine("PNL-6060-40W", "x", D(0))
    with pytest.raises(ValueError, match="at least one line"):
        PricingRequest((), "DE")
    with pytest.raises(ValueError, match="unknown Incoterm"):
        PricingRequest((RequestLine("A", "x", D(1)),), "DE", incoterm="FOBB")  # type: ignore[arg-type]
    request = PricingRequest((RequestLine("A", "x", D(1)),), " de ", incoterm="cif", currency="eur")  # type: ignore[arg-type]
    assert (request.destination_country, request.incoterm, request.currency) == (
        "DE",
        Incoterm.CIF,
        "EUR",
    )
