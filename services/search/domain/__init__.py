"""Search domain: indexed contract documents, the query language, requests and results."""
