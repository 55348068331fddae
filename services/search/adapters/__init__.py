"""Search engines: the protocol and its tantivy and Elasticsearch implementations."""
