"""Search service: full-text contract search for legal staff."""
