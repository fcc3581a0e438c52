"""A plugin module (setting ``plugins``) that registers a spaCy component which stalls on the
first text containing STALL: it writes its process id to the file named by
KGQA_TEST_STALL_MARKER, then sleeps, so that a test can kill the worker mid-document. Once the
marker exists, the component does nothing (the retried document goes through)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from spacy.language import Language


@Language.component("kgqa_test_stall")
def stall(doc):  # type: ignore[no-untyped-def]
    marker = Path(os.environ["KGQA_TEST_STALL_MARKER"])
    if "STALL" in doc.text and not marker.exists():
        marker.write_text(str(os.getpid()))
        time.sleep(600)
    return doc
