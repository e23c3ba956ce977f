"""Charges on top of the goods that each Incoterm puts on our side (USD, unrounded).

* EXW: nothing. FCA/FAS: export clearance + haulage to the named place. FOB: + origin
  terminal handling. CFR/CPT: + main carriage. CIF/CIP: + insurance. DAP: + destination
  handling/delivery (and insurance of our own risk). DPU: + unloading. DDP: + import
  clearance, import duty and import VAT/GST — the last two always marked as estimates.
* Insurance premium = cover (110%) x rate x insured value, where the insured value is the
  CIF value including the premium itself: premium = 1.1 r (C+F) / (1 - 1.1 r).
* Duties: the destination's customs value basis (CIF for the EU/UK/JP..., FOB for the
  US/CA/AU...) x the duty rate of the longest matching HS prefix of each line; VAT/GST is
  charged on customs value + duty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sales.pricing.charge_text import ALL_RISKS
from sales.pricing.incoterms import SCOPES, Incoterm, SellerScope
from sales.pricing.money import HUNDRED, ZERO, pct
from sales.pricing.pricebook import DutyRates, PriceBook
from sales.pricing.shipping import FreightPlan

INSURANCE_CLAUSE = {Incoterm.CIF: "ICC (C)", Incoterm.CIP: "ICC (A)"}


@dataclass(frozen=True, slots=True)
class UsdCharge:
    """A charge as data: its kind, amount and the parameters its words need
    (``sales/pricing/charge_text.py`` says it in a language)."""

    kind: str
    amount: Decimal
    params: Mapping[str, Any] = field(default_factory=dict)
    is_estimate: bool = False


@dataclass(frozen=True, slots=True)
class DutyLine:
    """Goods value of one priced line (USD) and its HS code digits."""

    hs_digits: str
    value: Decimal


@dataclass(frozen=True, slots=True)
class ChargeContext:
    book: PriceBook
    incoterm: Incoterm
    plan: FreightPlan
    port: str
    zone_code: str
    place: str
    goods_value: Decimal
    duty_lines: Sequence[DutyLine]
    duty_rates: DutyRates | None
    duty_source: str | None


def incoterm_charges(ctx: ChargeContext) -> list[UsdCharge]:
    """The charges included in our price under ``ctx.incoterm``, in shipping order."""
    if ctx.plan.mode == "none":
        return []
    scope = SCOPES[ctx.incoterm]
    charges = [charge for charge in _origin_charges(ctx) if _in_scope(charge.kind, scope)]
    if scope.main_carriage:
        charges.append(_main_carriage(ctx))
    if scope.destination_delivery and ctx.plan.destination > ZERO:
        charges.append(
            UsdCharge("destination_delivery", ctx.plan.destination, {"place": ctx.place})
        )
    if scope.unloading and ctx.plan.unloading > ZERO:
        charges.append(UsdCharge("unloading", ctx.plan.unloading))
    if scope.insurance:
        charges.append(_insurance(ctx, sum((c.amount for c in charges), ZERO)))
    if scope.import_clearance:
        charges.append(
            UsdCharge("import_clearance", ctx.book.freight.zones[ctx.zone_code].import_brokerage)
        )
        charges.extend(duty_estimates(ctx))
    return charges


def _in_scope(kind: str, scope: SellerScope) -> bool:
    return {
        "export_clearance": scope.export_clearance,
        "origin_haulage": scope.origin_haulage,
        "origin_terminal": scope.origin_terminal,
    }[kind]


def _origin_charges(ctx: ChargeContext) -> list[UsdCharge]:
    """Export clearance, haulage and origin THC (nothing for courier: door pick-up)."""
    if ctx.plan.mode == "courier":
        return []
    origin = ctx.book.origin
    charges = [UsdCharge("export_clearance", origin.export_clearance + origin.documentation)]
    if ctx.plan.origin_haulage > ZERO:  # none for FCA at our factory
        charges.append(UsdCharge("origin_haulage", ctx.plan.origin_haulage, {"port": ctx.port}))
    if ctx.plan.origin_thc > ZERO:
        charges.append(UsdCharge("origin_terminal", ctx.plan.origin_thc, {"port": ctx.port}))
    return charges


def _main_carriage(ctx: ChargeContext) -> UsdCharge:
    plan = ctx.plan
    if plan.mode == "courier":
        weight = f"{plan.chargeable:.1f}"
        return UsdCharge("courier", plan.main_freight, {"place": ctx.place, "weight": weight})
    params: dict[str, Any] = {"port": ctx.port, "place": ctx.place, "mode": plan.mode}
    if plan.mode == "LCL":
        params["wm"] = f"{plan.chargeable:.2f}"
    else:
        params["containers"] = [[kind, count] for kind, count in plan.containers]
    return UsdCharge("sea_freight", plan.main_freight, params)


def insurance_premium(book: PriceBook, incoterm: Incoterm, insured_base: Decimal) -> Decimal:
    """Premium on cover% of the CIF value, the CIF value including the premium itself."""
    factor = pct(book.insurance.cover_pct) * pct(book.insurance.rate_for(incoterm))
    return max(book.insurance.min_premium, insured_base * factor / (1 - factor))


def _insurance(ctx: ChargeContext, charges_so_far: Decimal) -> UsdCharge:
    insurance = ctx.book.insurance
    rate = insurance.rate_for(ctx.incoterm)
    clause = INSURANCE_CLAUSE.get(ctx.incoterm, ALL_RISKS)
    premium = insurance_premium(ctx.book, ctx.incoterm, ctx.goods_value + charges_so_far)
    params = {"clause": clause, "cover": f"{insurance.cover_pct:f}", "rate": f"{rate:f}"}
    return UsdCharge("insurance", premium, params)


def customs_value(ctx: ChargeContext, basis: str) -> Decimal:
    """FOB value (goods + origin costs) or CIF value (+ main carriage + insurance)."""
    origin = sum((charge.amount for charge in _origin_charges(ctx)), ZERO)
    fob = ctx.goods_value + origin
    if basis == "FOB":
        return fob
    cfr = fob + ctx.plan.main_freight
    return cfr + insurance_premium(ctx.book, ctx.incoterm, cfr)


def duty_estimates(ctx: ChargeContext) -> list[UsdCharge]:
    """Import duty and VAT/GST at the destination, marked as estimates (empty if no data)."""
    rates = ctx.duty_rates
    if rates is None or ctx.goods_value <= ZERO:
        return []
    value = customs_value(ctx, rates.basis)
    duty = ZERO
    used: dict[str, Decimal] = {}
    for line in ctx.duty_lines:
        found = rates.duty_for(line.hs_digits)
        if found is None:
            continue
        rate, prefix = found
        used[prefix] = rate
        duty += value * line.value / ctx.goods_value * rate / HUNDRED
    duty_params = {
        "source": ctx.duty_source,
        "basis": rates.basis,
        "rates": [[prefix, f"{rate:f}"] for prefix, rate in sorted(used.items())],
    }
    charges = [UsdCharge("import_duty", duty, duty_params, is_estimate=True)]
    if rates.vat_pct > ZERO:
        charges.append(
            UsdCharge(
                "import_vat",
                (value + duty) * pct(rates.vat_pct),
                {"tax": rates.vat_label, "rate": f"{rates.vat_pct:f}"},
                is_estimate=True,
            )
        )
    return charges
