"""Product catalogue: loading product records from YAML or CSV and rendering them as text."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import KnowledgeSourceError

Product = dict[str, Any]

LIST_FIELDS = ("cct_options", "certifications", "dimming")
PACKAGING_FIELDS = ("units_per_carton", "carton_mm", "carton_gross_kg", "cartons_per_pallet")
CSV_LIST_SEPARATORS = (";", "|")


def load_products(path: Path) -> list[Product]:
    """Read products from a YAML file (``products:`` list) or a CSV file (one row each)."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        rows = _read_yaml_products(path)
    elif suffix == ".csv":
        rows = _read_csv_products(path)
    else:
        raise KnowledgeSourceError(f"{path}: products must be YAML or CSV")
    products = [_normalise(row, path) for row in rows]
    seen: set[str] = set()
    for product in products:
        key = product["sku"].upper()
        if key in seen:
            raise KnowledgeSourceError(f"{path}: duplicate SKU {product['sku']}")
        seen.add(key)
    return products


def _read_yaml_products(path: Path) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeSourceError(f"{path}: invalid YAML: {exc}") from exc
    rows = data.get("products") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise KnowledgeSourceError(f"{path}: expected a 'products:' list")
    return rows


def _read_csv_products(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = []
        for raw in csv.DictReader(handle):
            row: dict[str, Any] = {}
            packaging: dict[str, Any] = {}
            for key, value in raw.items():
                if key is None or value is None or value.strip() == "":
                    continue
                key = key.strip()
                parsed = _parse_csv_value(key, value.strip())
                if key.startswith("packaging."):
                    packaging[key.removeprefix("packaging.")] = parsed
                elif key in PACKAGING_FIELDS:
                    packaging[key] = parsed
                else:
                    row[key] = parsed
            if packaging:
                row["packaging"] = packaging
            rows.append(row)
    return rows


def _parse_csv_value(key: str, value: str) -> Any:
    if key in LIST_FIELDS:
        for separator in CSV_LIST_SEPARATORS:
            if separator in value:
                return [item.strip() for item in value.split(separator) if item.strip()]
        return [value]
    parsed = yaml.safe_load(value) if _looks_numeric(value) else value
    return parsed


def _looks_numeric(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _normalise(row: Any, path: Path) -> Product:
    if not isinstance(row, dict) or not row.get("sku"):
        raise KnowledgeSourceError(f"{path}: every product needs a 'sku' ({row!r:.80})")
    product: Product = dict(row)
    product["sku"] = str(product["sku"]).strip()
    for field in LIST_FIELDS:
        value = product.get(field)
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        product[field] = [str(item).strip() for item in items if str(item).strip()]
    if "certifications" in product:
        product["certifications"] = [code.upper() for code in product["certifications"]]
    if "category" in product:
        product["category"] = str(product["category"]).strip().lower()
    return product


def product_title(product: Product) -> str:
    name = product.get("name")
    return f"{product['sku']} {name}" if name else product["sku"]


# Field -> human label, in the order they are rendered in product chunks.
OVERVIEW_FIELDS: tuple[tuple[str, str], ...] = (
    ("category", "Category"),
    ("power_w", "Power (W)"),
    ("luminous_flux_lm", "Luminous flux (lm)"),
    ("efficacy_lm_w", "Efficacy (lm/W)"),
    ("cct_options", "Colour temperature (CCT) options"),
    ("cri", "CRI"),
    ("beam_angle_deg", "Beam angle (°)"),
    ("ip_rating", "IP rating"),
    ("ik_rating", "IK rating"),
    ("certifications", "Certifications"),
)
TECHNICAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("input_voltage", "Input voltage"),
    ("dimming", "Dimming"),
    ("flicker", "Flicker"),
    ("lifetime_h", "Lifetime (h)"),
    ("lifetime_note", "Lifetime note"),
    ("warranty_years", "Warranty (years)"),
    ("dimensions_mm", "Dimensions (mm)"),
    ("weight_kg", "Weight (kg)"),
    ("operating_temp", "Operating temperature"),
)
COMMERCIAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("hs_code", "HS code"),
    ("moq", "MOQ (minimum order quantity)"),
    ("moq_unit", "MOQ unit"),
    ("lead_time_days", "Lead time (days)"),
    ("sample_lead_time_days", "Sample lead time (days)"),
    ("packaging", "Packaging"),
)
KNOWN_FIELDS = frozenset(
    {"sku", "name", "summary"}
    | {
        field
        for group in (OVERVIEW_FIELDS, TECHNICAL_FIELDS, COMMERCIAL_FIELDS)
        for field, _ in group
    }
)


def format_value(value: Any) -> str:
    """Render a record value the way a person would write it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ", ".join(format_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{key.replace('_', ' ')} {format_value(item)}" for key, item in value.items()
        )
    return str(value)


def _field_lines(product: Product, fields: Iterable[tuple[str, str]]) -> list[str]:
    return [
        f"{label}: {format_value(product[field])}."
        for field, label in fields
        if product.get(field) not in (None, "", [])
    ]


def product_sections(product: Product) -> list[tuple[str, str]]:
    """The product rendered as (section name, text) pairs, each headed by SKU and name.

    Four short sections (overview, specifications, technical data, ordering & logistics) keep
    each chunk focused enough for the sentence encoder, whose similarity to a question drops
    on long lists of figures; extra free-form fields join the technical section.
    """
    head = product_title(product)
    overview = [head + "."]
    if product.get("summary"):
        overview.append(str(product["summary"]).strip())
    if product.get("category"):
        overview.append(f"Product type: {str(product['category']).replace('_', ' ')}.")
    specifications = [f"{head} specifications.", *_field_lines(product, OVERVIEW_FIELDS)]
    technical = [f"{head} technical data.", *_field_lines(product, TECHNICAL_FIELDS)]
    technical += [
        f"{key.replace('_', ' ').capitalize()}: {format_value(value)}."
        for key, value in product.items()
        if key not in KNOWN_FIELDS and value not in (None, "", [])
    ]
    commercial = [f"{head} ordering and logistics.", *_field_lines(product, COMMERCIAL_FIELDS)]
    return [
        ("overview", " ".join(overview)),
        ("specifications", " ".join(specifications)),
        ("technical data", " ".join(technical)),
        ("ordering and logistics", " ".join(commercial)),
    ]
