"""Finding and reading a knowledge source directory.

Layout: ``products.yaml`` / ``products.yml`` / ``products.csv`` (and any YAML/CSV files in a
``products/`` folder), ``markets.yaml`` (optional) and documents under ``docs/`` (Markdown,
HTML or PDF, in sub-folders too).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.catalog import Product, load_products
from knowledge.chunks import Chunk, document_chunks, product_chunks
from knowledge.documents import DOCUMENT_SUFFIXES, Document, read_document
from knowledge.errors import KnowledgeSourceError
from knowledge.markets import load_markets

PRODUCT_SUFFIXES = (".yaml", ".yml", ".csv")


@dataclass(frozen=True)
class SourceData:
    products: list[Product]
    markets: dict[str, dict[str, Any]]
    documents: list[Document]

    def chunks(self) -> list[Chunk]:
        chunks: list[Chunk] = []
        for product in self.products:
            chunks.extend(product_chunks(product))
        for document in self.documents:
            chunks.extend(document_chunks(document))
        return chunks


def product_files(source_dir: Path) -> list[Path]:
    files = [source_dir / f"products{suffix}" for suffix in PRODUCT_SUFFIXES]
    folder = source_dir / "products"
    if folder.is_dir():
        files += sorted(p for p in folder.iterdir() if p.suffix.lower() in PRODUCT_SUFFIXES)
    return [path for path in files if path.is_file()]


def document_files(source_dir: Path) -> list[Path]:
    docs = source_dir / "docs"
    if not docs.is_dir():
        return []
    return sorted(
        p for p in docs.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES
    )


def read_sources(source_dir: Path) -> SourceData:
    if not source_dir.is_dir():
        raise KnowledgeSourceError(f"{source_dir}: source directory not found")
    products: list[Product] = []
    seen: set[str] = set()
    for path in product_files(source_dir):
        for product in load_products(path):
            if product["sku"].upper() in seen:
                raise KnowledgeSourceError(f"{path}: duplicate SKU {product['sku']}")
            seen.add(product["sku"].upper())
            products.append(product)
    markets: dict[str, dict[str, Any]] = {}
    for name in ("markets.yaml", "markets.yml"):
        if (source_dir / name).is_file():
            markets = load_markets(source_dir / name)
            break
    docs_root = source_dir / "docs"
    documents = [read_document(path, docs_root) for path in document_files(source_dir)]
    if not products and not documents:
        raise KnowledgeSourceError(f"{source_dir}: no products or documents found")
    return SourceData(products, markets, documents)
