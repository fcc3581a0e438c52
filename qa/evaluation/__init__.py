"""Evaluation: the reader in closed mode, the whole question path in open mode and retrieval
recall (``evaluate``), and the ingest quality gate (``gate``)."""
