"""Ingestion as plain Python: load and split files (``loaders``), plan what changed (``plan``),
process documents (``process``, in an isolated ``worker`` with a time limit, ``cache``d for
resumed runs), stage the next generation (``commit``), report (``report``); ``pipeline.run``
does it all and is what the Prefect flow wraps."""
