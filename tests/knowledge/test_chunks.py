from knowledge.chunks import Chunk, document_chunks, product_chunks, split_text
from knowledge.documents import Document, Section, read_document

from .conftest import FIXTURE_SOURCE

DOCS = FIXTURE_SOURCE / "docs"


def test_document_chunks_keep_title_and_heading() -> None:
    doc = read_document(DOCS / "ce-marking.md", DOCS)
    chunks = document_chunks(doc)
    required = next(c for c in chunks if c.section == "When is CE required")
    assert required.text.startswith("CE marking — When is CE required\n")
    assert required.source == "Document 'CE marking' § When is CE required"
    assert required.doc == "ce-marking.md"
    assert required.markets == ("EU",)
    intro = next(c for c in chunks if c.section is None)
    assert intro.text.startswith("CE marking\n") and intro.source == "Document 'CE marking'"


def test_long_sections_are_split_and_every_piece_keeps_the_heading() -> None:
    body = "\n\n".join(f"Paragraph {i}. " + "Lorem ipsum dolor sit amet. " * 12 for i in range(10))
    doc = Document(path="long.md", title="Long guide", sections=(Section("Details", body),))
    chunks = document_chunks(doc, max_chars=600)
    assert len(chunks) > 3
    assert all(c.text.startswith("Long guide — Details\n") for c in chunks)
    assert all(len(c.text) <= 600 for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)
    joined = " ".join(c.text.split("\n", 1)[1] for c in chunks)
    assert all(f"Paragraph {i}." in joined for i in range(10))


def test_split_text_hard_wraps_a_single_huge_sentence() -> None:
    pieces = split_text("x" * 1000, 300)
    assert [len(p) for p in pieces] == [300, 300, 300, 100]


def test_product_chunks_carry_filter_metadata_and_stable_hashes() -> None:
    product = {"sku": "A-1", "name": "Lamp", "category": "panel", "certifications": ["CE"]}
    chunks = product_chunks(product)
    assert {c.sku for c in chunks} == {"A-1"}
    assert all(c.category == "panel" and c.certifications == ("CE",) for c in chunks)
    assert chunks[0].source == "Product A-1"
    again = product_chunks(dict(product))
    assert [c.content_hash for c in chunks] == [c.content_hash for c in again]
    changed = product_chunks({**product, "name": "Lamp II"})
    assert chunks[0].content_hash != changed[0].content_hash


def test_chunk_json_roundtrip() -> None:
    chunk = product_chunks({"sku": "A-1", "certifications": ["CE", "UL"]})[0]
    data = chunk.to_json()
    assert data["hash"] == chunk.content_hash
    assert Chunk.from_json(data) == chunk
