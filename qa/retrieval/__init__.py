"""Retrieval: search modes by name over one generation (``retriever``), rank fusion
(``fusion``) and the passage/query embedder (``embed``)."""
