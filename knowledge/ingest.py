"""Building the knowledge index from a source directory, re-embedding only changed chunks."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.chunks import Chunk
from knowledge.embeddings import DEFAULT_MODEL, embedding_dimension, encode, load_embedder
from knowledge.errors import KnowledgeIndexMissing
from knowledge.index_files import (
    CATALOG,
    DENSE,
    LEXICAL,
    MANIFEST,
    IndexWriter,
    Manifest,
    read_chunks,
    read_vectors,
    require_index,
)
from knowledge.lexical import LexicalIndex
from knowledge.sources import read_sources
from knowledge.vector_store import DenseIndex


@dataclass(frozen=True)
class IngestReport:
    added: int  # chunks embedded in this run (new or changed text)
    reused: int  # chunks whose embedding was taken over from the previous index
    removed: int  # chunks of the previous index whose text is gone
    seconds: float
    chunks: int
    products: int
    documents: int
    model: str
    index_kind: str

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds > 0 else float("inf")


@dataclass(frozen=True)
class BuildCounts:
    added: int
    reused: int
    removed: int
    index_kind: str


def default_model_name() -> str:
    return os.environ.get("KB_EMBEDDING_MODEL") or DEFAULT_MODEL


def ingest(source_dir: Path, index_dir: Path, model_name: str | None = None) -> IngestReport:
    """Read ``source_dir``, embed what changed since the index in ``index_dir`` and rebuild it."""
    started = time.perf_counter()
    source_dir, index_dir = Path(source_dir), Path(index_dir)
    model_name = model_name or default_model_name()
    sources = read_sources(source_dir)
    chunks = sources.chunks()
    built = build_index(
        chunks,
        index_dir,
        model_name,
        catalog={"products": sources.products, "markets": sources.markets},
    )
    return IngestReport(
        added=built.added,
        reused=built.reused,
        removed=built.removed,
        seconds=time.perf_counter() - started,
        chunks=len(chunks),
        products=len(sources.products),
        documents=len(sources.documents),
        model=model_name,
        index_kind=built.index_kind,
    )


def build_index(
    chunks: list[Chunk],
    index_dir: Path,
    model_name: str,
    *,
    catalog: dict[str, object],
    index_kind: str | None = None,
) -> BuildCounts:
    """Write a complete index for ``chunks``, reusing the previous index's embeddings."""
    model = load_embedder(model_name)
    dimension = embedding_dimension(model)
    previous = _previous_vectors(index_dir, model_name, dimension)
    hashes = [chunk.content_hash for chunk in chunks]
    vectors = np.empty((len(chunks), dimension), dtype=np.float32)
    to_embed: dict[str, list[int]] = {}
    reused = 0
    for position, content_hash in enumerate(hashes):
        if content_hash in previous:
            vectors[position] = previous[content_hash]
            reused += 1
        else:
            to_embed.setdefault(content_hash, []).append(position)
    if to_embed:
        texts = [chunks[positions[0]].text for positions in to_embed.values()]
        fresh = encode(model, texts)
        for row, positions in zip(fresh, to_embed.values(), strict=True):
            vectors[positions] = row
    added = sum(len(positions) for positions in to_embed.values())
    removed = len(set(previous) - set(hashes))

    dense = DenseIndex.build(vectors, index_kind)
    lexical = LexicalIndex.build([chunk.text for chunk in chunks])
    writer = IndexWriter(index_dir)
    try:
        writer.write_chunks(chunks)
        writer.write_vectors(vectors)
        dense.save(writer.path(DENSE))
        lexical.save(writer.path(LEXICAL))
        writer.write_json(CATALOG, catalog)
        manifest = Manifest(
            model=model_name, dimension=dimension, index_kind=dense.kind, chunk_count=len(chunks)
        )
        writer.write_json(MANIFEST, manifest.to_json())
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return BuildCounts(added, reused, removed, dense.kind)


def _previous_vectors(index_dir: Path, model_name: str, dimension: int) -> dict[str, np.ndarray]:
    """Embeddings of the existing index by content hash, if it used the same model."""
    try:
        manifest = require_index(index_dir)
    except KnowledgeIndexMissing:
        return {}
    if manifest.model != model_name or manifest.dimension != dimension:
        return {}
    _, hashes = read_chunks(index_dir)
    vectors = read_vectors(index_dir)
    if len(vectors) != len(hashes):
        return {}
    return {content_hash: np.array(vectors[row]) for row, content_hash in enumerate(hashes)}
