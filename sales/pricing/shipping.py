"""Shipment volume/weight and the cheapest way to move it: courier, LCL or containers.

Sea LCL is charged per W/M ("weight or measure": the larger of CBM and metric tonnes),
with a minimum, and offered up to ``lcl_max_cbm`` W/M. FCL tries every mix of 40HQ and
20GP boxes that holds the volume and the weight and keeps the one with the lowest
through cost (haulage + terminal + ocean + destination), so the choice does not change
with the Incoterm. Sample-only shipments go by courier, charged on chargeable weight
(the larger of actual and volumetric weight).
All amounts are USD and unrounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from sales.pricing.pricebook import Freight, Origin, PortCharges, Product, ZoneFreight

ZERO = Decimal(0)
KG_PER_TONNE = Decimal(1000)
HALF_KG = Decimal("0.5")


@dataclass(frozen=True, slots=True)
class Load:
    cartons: int
    cbm: Decimal
    gross_kg: Decimal

    def __add__(self, other: Load) -> Load:
        return Load(
            self.cartons + other.cartons, self.cbm + other.cbm, self.gross_kg + other.gross_kg
        )


EMPTY_LOAD = Load(0, ZERO, ZERO)


def line_load(product: Product, quantity: Decimal, *, sample: bool = False) -> Load:
    """Cartons, CBM and gross weight of ``quantity`` pieces (samples: pro rata, 1 parcel)."""
    packaging = product.packaging
    per_carton = Decimal(packaging.units_per_carton)
    if sample:
        share = quantity / per_carton
        return Load(1, packaging.carton_cbm * share, packaging.carton_gross_kg * share)
    cartons = int((quantity / per_carton).to_integral_value(rounding=ROUND_CEILING))
    return Load(cartons, packaging.carton_cbm * cartons, packaging.carton_gross_kg * cartons)


@dataclass(frozen=True, slots=True)
class FreightPlan:
    mode: str  # "none", "courier", "LCL", "FCL"
    containers: tuple[tuple[str, int], ...]
    chargeable: Decimal  # W/M for LCL, kg for courier, 0 for FCL
    origin_haulage: Decimal
    origin_thc: Decimal
    main_freight: Decimal
    destination: Decimal
    unloading: Decimal
    transit_days: int

    @property
    def through_cost(self) -> Decimal:
        return (
            self.origin_haulage
            + self.origin_thc
            + self.main_freight
            + self.destination
            + self.unloading
        )


def plan_freight(
    load: Load,
    *,
    origin: Origin,
    port: PortCharges,
    freight: Freight,
    zone: ZoneFreight,
    samples_only: bool,
) -> FreightPlan:
    """The cheapest sensible plan for ``load`` to a destination in ``zone``."""
    if load.cbm <= ZERO and load.gross_kg <= ZERO:
        return FreightPlan("none", (), ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, 0)
    if samples_only:
        courier = _courier(load, freight, zone)
        if courier is not None:
            return courier
    options: list[FreightPlan] = []
    if max(load.cbm, load.gross_kg / KG_PER_TONNE) <= freight.lcl_max_cbm:
        options.append(_lcl(load, origin, port, zone))
    options.extend(_fcl_options(load, origin, port, freight, zone))
    return min(options, key=lambda plan: (plan.through_cost, _box_count(plan)))


def _box_count(plan: FreightPlan) -> int:
    return sum(count for _, count in plan.containers)


def _courier(load: Load, freight: Freight, zone: ZoneFreight) -> FreightPlan | None:
    volumetric = load.cbm * freight.courier_kg_per_cbm
    chargeable = max(load.gross_kg, volumetric)
    chargeable = (chargeable / HALF_KG).to_integral_value(rounding=ROUND_CEILING) * HALF_KG
    if chargeable > freight.courier_max_kg:
        return None
    cost = max(zone.courier_min, zone.courier_per_kg * chargeable)
    return FreightPlan(
        "courier", (), chargeable, ZERO, ZERO, cost, ZERO, ZERO, zone.courier_transit_days
    )


def _lcl(load: Load, origin: Origin, port: PortCharges, zone: ZoneFreight) -> FreightPlan:
    wm = max(load.cbm, load.gross_kg / KG_PER_TONNE)
    return FreightPlan(
        mode="LCL",
        containers=(),
        chargeable=wm,
        origin_haulage=max(port.haulage_min, port.haulage_per_cbm * wm),
        origin_thc=max(origin.thc_min, origin.thc_per_cbm * wm),
        main_freight=max(zone.lcl_min, zone.lcl_per_wm * wm),
        destination=max(zone.destination_min, zone.destination_per_cbm * wm),
        unloading=zone.unloading_per_cbm * wm,
        transit_days=zone.transit_days,
    )


def _ceil_div(amount: Decimal, capacity: Decimal) -> int:
    if amount <= ZERO:
        return 0
    return int((amount / capacity).to_integral_value(rounding=ROUND_CEILING))


def _fcl_options(
    load: Load, origin: Origin, port: PortCharges, freight: Freight, zone: ZoneFreight
) -> list[FreightPlan]:
    small, large = freight.containers["20GP"], freight.containers["40HQ"]
    max_large = max(
        _ceil_div(load.cbm, large.usable_cbm), _ceil_div(load.gross_kg, large.max_payload_kg)
    )
    plans: list[FreightPlan] = []
    for n_large in range(max_large + 1):
        n_small = max(
            _ceil_div(load.cbm - large.usable_cbm * n_large, small.usable_cbm),
            _ceil_div(load.gross_kg - large.max_payload_kg * n_large, small.max_payload_kg),
        )
        boxes = tuple(
            (kind, count) for kind, count in (("20GP", n_small), ("40HQ", n_large)) if count
        )
        plans.append(_fcl_plan(boxes, origin, port, zone))
    return plans


def _fcl_plan(
    boxes: tuple[tuple[str, int], ...], origin: Origin, port: PortCharges, zone: ZoneFreight
) -> FreightPlan:
    def total(prices: dict[str, Decimal]) -> Decimal:
        return sum((prices[kind] * count for kind, count in boxes), ZERO)

    count = sum(n for _, n in boxes)
    return FreightPlan(
        mode="FCL",
        containers=boxes,
        chargeable=ZERO,
        origin_haulage=total(port.haulage_per_container),
        origin_thc=total(origin.thc_per_container),
        main_freight=total(zone.fcl),
        destination=total(zone.destination_per_container),
        unloading=zone.unloading_per_container * count,
        transit_days=zone.transit_days,
    )
