"""Turning product records and documents into retrievable text chunks."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from typing import Any

from knowledge.catalog import Product, product_sections
from knowledge.documents import Document

MAX_CHUNK_CHARS = 1200


@dataclass(frozen=True)
class Chunk:
    id: str
    kind: str  # "product" or "document"
    text: str
    source: str
    sku: str | None = None
    doc: str | None = None
    section: str | None = None
    category: str | None = None
    certifications: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    topic: str = ""

    @property
    def content_hash(self) -> str:
        """Hash of the embedded text: a chunk is re-embedded only when this changes."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["hash"] = self.content_hash
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        fields = {key: value for key, value in data.items() if key != "hash"}
        fields["certifications"] = tuple(fields.get("certifications") or ())
        fields["markets"] = tuple(fields.get("markets") or ())
        return cls(**fields)


def product_source(sku: str) -> str:
    return f"Product {sku}"


def document_source(title: str, heading: str | None) -> str:
    return f"Document '{title}' § {heading}" if heading else f"Document '{title}'"


def product_chunks(product: Product) -> list[Chunk]:
    sku = product["sku"]
    return [
        Chunk(
            id=f"product:{sku}:{name}",
            kind="product",
            text=text,
            source=product_source(sku),
            sku=sku,
            category=product.get("category"),
            certifications=tuple(product.get("certifications") or ()),
        )
        for name, text in product_sections(product)
    ]


def document_chunks(document: Document, max_chars: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """One chunk per section (split further when long), each prefixed by title and heading."""
    chunks: list[Chunk] = []
    for index, section in enumerate(document.sections):
        prefix = f"{document.title} — {section.heading}" if section.heading else document.title
        body = section.body or section.heading
        for part_no, part in enumerate(split_text(body, max_chars - len(prefix) - 1)):
            chunks.append(
                Chunk(
                    id=f"doc:{document.path}#{index}.{part_no}",
                    kind="document",
                    text=f"{prefix}\n{part}",
                    source=document_source(document.title, section.heading or None),
                    doc=document.path,
                    section=section.heading or None,
                    markets=document.markets,
                    topic=document.topic,
                )
            )
    return chunks


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def split_text(text: str, max_chars: int) -> list[str]:
    """Split ``text`` into pieces of at most ``max_chars`` at paragraph, line or sentence ends."""
    max_chars = max(max_chars, 200)
    text = text.strip()
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    for unit in _units(text, max_chars):
        if pieces and len(pieces[-1]) + 1 + len(unit) <= max_chars:
            pieces[-1] = f"{pieces[-1]}\n{unit}"
        else:
            pieces.append(unit)
    return pieces


def _units(text: str, max_chars: int) -> list[str]:
    units: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        candidates = [paragraph] if len(paragraph) <= max_chars else paragraph.splitlines()
        for candidate in candidates:
            if len(candidate) <= max_chars:
                units.append(candidate.strip())
                continue
            for sentence in _SENTENCE_END.split(candidate):
                while len(sentence) > max_chars:  # one very long sentence: hard wrap
                    units.append(sentence[:max_chars])
                    sentence = sentence[max_chars:]
                units.append(sentence.strip())
    return [unit for unit in units if unit]
