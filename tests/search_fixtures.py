"""Fixtures for the search tests: the generated corpus and a tantivy index built from it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.search.adapters.tantivy_engine import TantivyEngine
from services.search.domain.documents import ContractDocument
from tests.search_corpus import generate_corpus


@pytest.fixture(scope="session")
def search_corpus() -> list[ContractDocument]:
    return generate_corpus()


@pytest.fixture(scope="session")
def search_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("search-index")


@pytest.fixture(scope="session")
def tantivy_engine(
    search_corpus: list[ContractDocument], search_index_dir: Path
) -> Iterator[TantivyEngine]:
    """The whole corpus indexed in a shuffled order and in several batches, like events."""
    engine = TantivyEngine(search_index_dir)
    docs = list(search_corpus)
    random.Random(7).shuffle(docs)
    for start in range(0, len(docs), 100):
        engine.index(docs[start : start + 100])
    yield engine
    engine.close()


@pytest.fixture
def empty_tantivy_engine(tmp_path: Path) -> Iterator[TantivyEngine]:
    engine = TantivyEngine(tmp_path / "index")
    yield engine
    engine.close()
