"""A generated Chinese contract corpus (fixed seed) and an oracle that answers queries on it."""

from tests.search_corpus.generator import generate_corpus
from tests.search_corpus.oracle import matches

__all__ = ["generate_corpus", "matches"]
