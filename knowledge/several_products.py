"""Several products in one question: "qual o fluxo e o IRC do HB-UFO-100W e do econômico de
100W?", "Entre le UFO 200W et le UFO 240W, quelle efficacité ?".

A question names a product by its model number, or describes it in a piece of its own (cut
at commas and "and" as ``question_parts`` cuts) by the values of its range
(``described.described_model``: a power or a size, and a line word). The answer speaks to each.
"""

from __future__ import annotations

from knowledge.categories import find_category
from knowledge.described import described_model, states_a_value
from knowledge.index import KnowledgeBase
from knowledge.question_parts import message_pieces


def described_beside(
    kb: KnowledgeBase, question: str, category: str | None
) -> list[tuple[str, tuple[int, int]]]:
    """(SKU, span of the piece) of each product a piece of ``question`` describes without its
    model number, when the question names at least two products in all (model numbers and
    descriptions); empty otherwise: one product described alone is the caller's to find.
    ``category``: the range the whole question names, if any."""
    named = kb.find_skus(question)
    ranges = [category] if category else []
    for sku in named:
        product = kb.product(sku)
        if product is not None and (own := str(product.get("category") or "")) not in ranges:
            ranges.append(own)
    found: list[tuple[str, tuple[int, int]]] = []
    for start, end in message_pieces(question):
        piece = question[start:end]
        if kb.find_skus(piece) or not states_a_value(piece):
            continue  # "is it approved for food plants?" describes no second product
        families = [c for c in (find_category(piece), *ranges) if c]
        candidates = [kb.products_in(c) for c in dict.fromkeys(families)] or [kb.products]
        for products in candidates:
            described = described_model(products, piece)
            if described is not None:
                if described not in named and all(described != sku for sku, _ in found):
                    found.append((described, (start, end)))
                break
    return found if len(named) + len(found) >= 2 else []
