"""What every model worker imports before its first document, imported once by the fork
server that model workers are forked from (``worker.model_worker_context``): the workers share
these modules' memory pages and skip their import time (about 3 s each).

When the server starts with ``KGQA_PRELOAD_SETTINGS`` (ingestion settings as JSON) in its
environment, it also loads those settings' models, so workers forked from it share the weights
instead of each loading a copy. Only on the CPU with one torch thread (the defaults): a CUDA
context or an OpenMP thread team does not survive a fork. Anything that fails here is left to
the worker, which loads the models itself and reports the error."""

from __future__ import annotations

import contextlib
import os

import numpy  # noqa: F401
import spacy  # noqa: F401
import torch  # noqa: F401
import transformers  # noqa: F401

import kgqa.qa.ingest.process  # noqa: F401
from kgqa.qa.ingest.worker import PRELOAD_SETTINGS

with contextlib.suppress(ImportError):  # the default models' architecture
    import transformers.models.bert.modeling_bert  # noqa: F401


def preload_models(settings_json: str) -> bool:
    """Load the models of ``settings_json`` into this process's processor cache, where
    ``cached_processor`` finds them; False where they are not preloaded (see above)."""
    from kgqa.qa.ingest.process import cached_processor
    from kgqa.qa.settings import Settings

    try:
        settings = Settings.model_validate_json(settings_json)
        if settings.device != "cpu" or settings.torch_threads != 1:
            return False
        with open(os.devnull, "w") as sink, contextlib.redirect_stderr(sink):  # progress bars
            cached_processor(settings_json)
        return True
    except Exception:  # the worker meets it again and reports it
        return False


if os.environ.get(PRELOAD_SETTINGS):
    preload_models(os.environ.pop(PRELOAD_SETTINGS))
