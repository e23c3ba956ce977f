"""``kb`` command: build the knowledge index and search it from the shell.

    kb ingest [--source DIR] [--index DIR] [--model NAME]
    kb search "question" [-k 5] [--category C] [--cert CODE] [--market M]
    kb answer "question" [--lang en|zh|es|de]

Defaults come from the app's settings (``api.settings.Settings``: environment variables and
``.env``): KB_SOURCE_DIR (the package's demo data), KB_INDEX_DIR (``var/kb`` under the
repository root, wherever the command runs) and KB_EMBEDDING_MODEL (the bundled multilingual
USE model).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.errors import KnowledgeError

if TYPE_CHECKING:
    from api.settings import Settings


def _settings() -> Settings:
    from api.settings import Settings

    return Settings()


def default_source_dir() -> Path:
    return _settings().kb_source_dir


def default_index_dir() -> Path:
    return _settings().kb_index_dir


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description="Product knowledge base")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="build or update the index")
    ingest.add_argument("--source", type=Path, default=None, help="source directory")
    ingest.add_argument("--index", type=Path, default=None, help="index directory")
    ingest.add_argument("--model", default=None, help="sentence-transformers model name or path")

    search = commands.add_parser("search", help="search the index")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5)
    search.add_argument("--category", default=None)
    search.add_argument("--cert", default=None, help="certification code, e.g. CE")
    search.add_argument("--market", default=None, help="market code or name, e.g. GB")
    search.add_argument("--index", type=Path, default=None)

    answer = commands.add_parser("answer", help="answer a question as the chat bot would")
    answer.add_argument("question")
    answer.add_argument("--lang", default="en")
    answer.add_argument("--index", type=Path, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "ingest":
            return _ingest(args)
        if args.command == "search":
            return _search(args)
        return _answer(args)
    except (KnowledgeError, ValueError) as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return 1


def _ingest(args: argparse.Namespace) -> int:
    from knowledge.ingest import ingest

    report = ingest(
        args.source or default_source_dir(),
        args.index or default_index_dir(),
        args.model or _settings().kb_embedding_model,
    )
    print(
        f"indexed {report.chunks} chunks from {report.products} products and "
        f"{report.documents} documents: {report.added} embedded, {report.reused} reused, "
        f"{report.removed} removed, {report.seconds:.1f}s "
        f"({report.index_kind} index, model {report.model})"
    )
    return 0


def _search(args: argparse.Namespace) -> int:
    from knowledge.index import KnowledgeBase

    kb = KnowledgeBase.load(args.index or default_index_dir())
    hits = kb.search(
        args.query, args.k, category=args.category, certification=args.cert, market=args.market
    )
    if not hits:
        print("no results")
    for rank, hit in enumerate(hits, start=1):
        snippet = " ".join(hit.text.split())[:160]
        print(f"{rank}. [{hit.score:.3f}] {hit.source}\n   {snippet}")
    return 0


def _answer(args: argparse.Namespace) -> int:
    from knowledge.answers import answer
    from knowledge.index import KnowledgeBase

    kb = KnowledgeBase.load(args.index or default_index_dir())
    result = answer(kb, args.question, language=args.lang)
    print(result.text)
    print(f"(confident: {'yes' if result.confident else 'no'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
