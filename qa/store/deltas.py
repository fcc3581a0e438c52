"""Index changes kept beside a base's files, and the vectors of a generation staged as a
delta."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kgqa.qa.store.index import DenseDelta, DenseIndex

# A commit keeps an index's changes beside its file (DenseDelta, BM25Delta, EntityChange) while
# they are at most this many entries or a tenth of the file's, whichever is more; past that it
# writes the index whole.
DELTA_MIN = 1000


def kept_as_delta(entries: int, in_file: Callable[[], int]) -> bool:
    """Whether a change of ``entries`` stays a delta beside a file of ``in_file()`` entries
    (read only when the change passes DELTA_MIN)."""
    return entries <= DELTA_MIN or entries <= in_file() // 10


class PendingVectors:
    """A generation's vectors while it is staged as a delta: the base's index (in memory, not
    changed) and the delta since the base's file."""

    def __init__(self, base: DenseIndex, delta: DenseDelta, size: int) -> None:
        self.base, self.delta, self.size = base, delta, size
        self.dimension = base.dimension
        self._added = {int(i): k for k, i in enumerate(delta.added_ids)}

    def reconstruct(self, ids: list[int]) -> np.ndarray:
        out = np.zeros((len(ids), self.dimension), dtype=np.float32)
        rest = [k for k, i in enumerate(ids) if int(i) not in self._added]
        for k, i in enumerate(ids):
            if int(i) in self._added:
                out[k] = self.delta.added[self._added[int(i)]]
        if rest:
            out[rest] = self.base.reconstruct([ids[k] for k in rest])
        return out
