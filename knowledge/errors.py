"""Exceptions raised by the knowledge base."""


class KnowledgeError(Exception):
    """Base class for knowledge-base errors."""


class KnowledgeIndexMissing(KnowledgeError):
    """The index directory does not hold a complete index (run ``kb ingest`` first)."""


class KnowledgeSourceError(KnowledgeError):
    """A source file (catalogue, markets or document) cannot be read or is malformed."""


class EmbeddingModelMismatch(KnowledgeError):
    """The index was built with a different embedding model or dimension than requested."""
