"""kgqa's question-answering side: settings and types here, then a subpackage per stage:
``ingest`` (files to processed documents), ``store`` (generations and indexes), ``retrieval``
(search modes, fusion, embedder), ``reader`` (extractive span reading), ``serve`` (the query
service, HTTP API and web page), ``training`` and ``evaluation``. Nothing here imports Prefect."""
