"""Serving questions: the query service shared by the CLI and the HTTP API (``service``), the
FastAPI app (``api``) and the web page (``web/``)."""
