"""On-disk layout of a built index and its (atomic) writing and reading."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.chunks import Chunk
from knowledge.errors import KnowledgeIndexMissing

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.npy"
DENSE = "dense.faiss"
LEXICAL = "bm25"
CATALOG = "catalog.json"
REQUIRED_FILES = (MANIFEST, CHUNKS, VECTORS, DENSE, LEXICAL, CATALOG)


@dataclass(frozen=True)
class Manifest:
    model: str
    dimension: int
    index_kind: str
    chunk_count: int
    format_version: int = FORMAT_VERSION

    @classmethod
    def read(cls, index_dir: Path) -> Manifest:
        data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def require_index(index_dir: Path) -> Manifest:
    missing = [name for name in REQUIRED_FILES if not (index_dir / name).exists()]
    if missing:
        raise KnowledgeIndexMissing(
            f"no complete knowledge index in {index_dir} (missing {', '.join(missing)}); "
            "build it with `kb ingest`"
        )
    manifest = Manifest.read(index_dir)
    if manifest.format_version != FORMAT_VERSION:
        raise KnowledgeIndexMissing(
            f"{index_dir} holds index format {manifest.format_version}, expected "
            f"{FORMAT_VERSION}; rebuild it with `kb ingest`"
        )
    return manifest


def read_chunks(index_dir: Path) -> tuple[list[Chunk], list[str]]:
    """Chunks and the content hash each was embedded from."""
    chunks: list[Chunk] = []
    hashes: list[str] = []
    with (index_dir / CHUNKS).open(encoding="utf-8") as handle:
        for line in handle:
            data = json.loads(line)
            hashes.append(data["hash"])
            chunks.append(Chunk.from_json(data))
    return chunks, hashes


def read_catalog(index_dir: Path) -> dict[str, Any]:
    return json.loads((index_dir / CATALOG).read_text(encoding="utf-8"))


def read_vectors(index_dir: Path) -> np.ndarray:
    return np.load(index_dir / VECTORS, mmap_mode="r")


class IndexWriter:
    """Writes a complete index into a temporary sibling directory, then swaps it in."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.", dir=index_dir.parent))

    def write_json(self, name: str, data: Any) -> None:
        (self.tmp / name).write_text(json.dumps(data, ensure_ascii=False, default=str), "utf-8")

    def write_chunks(self, chunks: list[Chunk]) -> None:
        with (self.tmp / CHUNKS).open("w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(json.dumps(chunk.to_json(), ensure_ascii=False) + "\n")

    def write_vectors(self, vectors: np.ndarray) -> None:
        np.save(self.tmp / VECTORS, vectors)

    def path(self, name: str) -> Path:
        return self.tmp / name

    def commit(self) -> None:
        old = None
        if self.index_dir.exists():
            old = self.index_dir.with_name(f".{self.index_dir.name}.old-{os.getpid()}")
            os.replace(self.index_dir, old)
        os.replace(self.tmp, self.index_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
