"""The 11 Incoterms 2020 rules and which cost items the seller (we) carries under each.

The one list of the rules' codes (``Incoterm``); their names in six languages are words, in
``sales/normalizers/data/incoterms.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Incoterm(StrEnum):
    EXW = "EXW"
    FCA = "FCA"
    FAS = "FAS"
    FOB = "FOB"
    CFR = "CFR"
    CIF = "CIF"
    CPT = "CPT"
    CIP = "CIP"
    DAP = "DAP"
    DPU = "DPU"
    DDP = "DDP"

    @classmethod
    def parse(cls, value: str | Incoterm) -> Incoterm:
        """'fob', ' FOB ', 'FOB Ningbo' -> Incoterm.FOB; ValueError for anything else."""
        if isinstance(value, Incoterm):
            return value
        head = value.strip().upper().split(" ", 1)[0] if value.strip() else ""
        try:
            return cls(head)
        except ValueError:
            codes = ", ".join(term.value for term in cls)
            raise ValueError(f"unknown Incoterm {value!r}; expected one of {codes}") from None


@dataclass(frozen=True, slots=True)
class SellerScope:
    """Cost items included in our price under one rule."""

    export_clearance: bool
    origin_haulage: bool
    origin_terminal: bool
    main_carriage: bool
    insurance: bool
    destination_delivery: bool
    unloading: bool
    import_clearance: bool


_NONE = SellerScope(False, False, False, False, False, False, False, False)

SCOPES: dict[Incoterm, SellerScope] = {
    Incoterm.EXW: _NONE,
    Incoterm.FCA: SellerScope(True, True, False, False, False, False, False, False),
    Incoterm.FAS: SellerScope(True, True, False, False, False, False, False, False),
    Incoterm.FOB: SellerScope(True, True, True, False, False, False, False, False),
    Incoterm.CFR: SellerScope(True, True, True, True, False, False, False, False),
    Incoterm.CPT: SellerScope(True, True, True, True, False, False, False, False),
    Incoterm.CIF: SellerScope(True, True, True, True, True, False, False, False),
    Incoterm.CIP: SellerScope(True, True, True, True, True, False, False, False),
    # Under D rules the seller carries the risk to destination; we insure our own risk.
    Incoterm.DAP: SellerScope(True, True, True, True, True, True, False, False),
    Incoterm.DPU: SellerScope(True, True, True, True, True, True, True, False),
    Incoterm.DDP: SellerScope(True, True, True, True, True, True, False, True),
}

#: Rules whose named place is at origin (our factory or a Chinese port / terminal); for the
#: others the named place is at destination, so a required-by date includes transit time.
ORIGIN_NAMED_PLACE = frozenset({Incoterm.EXW, Incoterm.FCA, Incoterm.FAS, Incoterm.FOB})
#: Sea-only rules (FAS, FOB, CFR, CIF): the named place must be a port.
SEA_ONLY = frozenset({Incoterm.FAS, Incoterm.FOB, Incoterm.CFR, Incoterm.CIF})
#: The codes in ICC's order, as buyers are shown them: the rules for any mode of transport
#: (EXW, FCA, CPT, CIP, DAP, DPU, DDP), then those for sea and inland waterway.
ICC_ORDER: tuple[Incoterm, ...] = (
    *(rule for rule in Incoterm if rule not in SEA_ONLY),
    *(rule for rule in Incoterm if rule in SEA_ONLY),
)
