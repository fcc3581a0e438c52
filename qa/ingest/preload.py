"""What every model worker imports before its first document, imported once by the fork
server that model workers are forked from (``worker.model_worker_context``): the workers share
these modules' memory pages and skip their import time (about 3 s each)."""

from __future__ import annotations

import contextlib

import numpy  # noqa: F401
import spacy  # noqa: F401
import torch  # noqa: F401
import transformers  # noqa: F401

import kgqa.qa.ingest.process  # noqa: F401

with contextlib.suppress(ImportError):  # the default models' architecture
    import transformers.models.bert.modeling_bert  # noqa: F401
