"""Product knowledge base: catalogue records, documents, hybrid search and answers.

Import the pieces from their modules (``knowledge.index``, ``knowledge.ingest``,
``knowledge.answers``); this package module stays empty so that importing it is cheap.
"""
