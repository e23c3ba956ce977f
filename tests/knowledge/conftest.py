"""Shared fixtures: a small source tree and an index built from it once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from knowledge.index import KnowledgeBase

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

FIXTURE_SOURCE = Path(__file__).parent / "fixtures" / "source"


@pytest.fixture
def source_dir(tmp_path: Path) -> Path:
    """A private, writable copy of the fixture source tree."""
    target = tmp_path / "source"
    shutil.copytree(FIXTURE_SOURCE, target)
    return target


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from knowledge.ingest import ingest

    index_dir = tmp_path_factory.mktemp("kb") / "index"
    ingest(FIXTURE_SOURCE, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def kb(built_index: Path) -> KnowledgeBase:

    return KnowledgeBase.load(built_index)
