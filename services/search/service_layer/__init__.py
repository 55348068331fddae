"""Search use cases: indexing from contract events, reindex and the consistency check."""
