"""A sentence-transformers model of the plain kind (one transformer, mean or CLS pooling,
optional normalisation; all-MiniLM-L6-v2 is one) run directly on transformers.

It gives the vectors sentence-transformers gives (a test compares them) without importing
sentence-transformers, which imports scikit-learn and SciPy: about 3 s and 175 MB in every
process that embeds (each ingest worker, ``kgqa ask``, ``kgqa serve``). Any other layout (dense
layers, prompts, other poolings, a hub id) goes to sentence-transformers as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def plain_layout(folder: Path) -> dict[str, Any] | None:
    """How to run the model in ``folder`` without sentence-transformers: its pooling
    ("mean" | "cls"), whether it normalises, and its maximum sequence length (None: the
    tokenizer's); None when the folder is anything but the plain kind."""
    try:
        modules = json.loads((folder / "modules.json").read_text())
    except (OSError, json.JSONDecodeError):
        return None
    if not isinstance(modules, list):
        return None
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules if isinstance(m, dict)]
    if (
        len(kinds) != len(modules)
        or kinds[:2] != ["Transformer", "Pooling"]
        or kinds[2:] not in ([], ["Normalize"])
        or modules[0].get("path") not in ("", ".")
    ):
        return None
    st_config = _read_json(folder / "config_sentence_transformers.json")
    if st_config.get("default_prompt_name") or any(st_config.get("prompts", {}).values()):
        return None
    bert_config = _read_json(folder / "sentence_bert_config.json")
    if (
        bert_config.get("do_lower_case")
        or bert_config.get("transformer_task", "feature-extraction") != "feature-extraction"
    ):
        return None
    pooling = _read_json(folder / str(modules[1].get("path", "")) / "config.json")
    mode = pooling.get("pooling_mode")
    if mode is None:  # the layout before sentence-transformers 6: one flag per mode
        on = [
            k
            for k in (
                "cls_token",
                "mean_tokens",
                "max_tokens",
                "mean_sqrt_len_tokens",
                "weightedmean_tokens",
                "lasttoken",
            )
            if pooling.get(f"pooling_mode_{k}")
        ]
        mode = {"mean_tokens": "mean", "cls_token": "cls"}.get(on[0]) if len(on) == 1 else None
    if mode not in ("mean", "cls") or pooling.get("include_prompt") is False:
        return None
    return {
        "pooling": mode,
        "normalize": kinds[2:] == ["Normalize"],
        "max_seq_length": bert_config.get("max_seq_length"),
    }


class PlainEncoder:
    """``encode`` and ``get_embedding_dimension`` as sentence-transformers has them, over a
    transformers encoder (``module``, which int8 quantisation replaces in place)."""

    def __init__(self, folder: Path, layout: dict[str, Any], device: str) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.module = AutoModel.from_pretrained(folder, dtype=torch.float32).to(device).eval()
        self.device = device
        self.pooling = layout["pooling"]
        self.normalize = layout["normalize"]
        limit = layout["max_seq_length"] or self.tokenizer.model_max_length
        positions = getattr(self.module.config, "max_position_embeddings", None) or limit
        self.max_seq_length = int(min(limit, positions))

    def get_embedding_dimension(self) -> int:
        return int(self.module.config.hidden_size)

    def encode(
        self, texts: list[str], batch_size: int, normalize_embeddings: bool = False, **_: Any
    ) -> np.ndarray:
        """Unit-length (when normalising) float32 vectors of ``texts``, in order; batches of
        similar length (longest first, as sentence-transformers sorts them)."""
        import torch

        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self.get_embedding_dimension()), dtype=np.float32)
        for b in range(0, len(order), batch_size):
            chunk = order[b : b + batch_size]
            enc = self.tokenizer(
                [texts[i] for i in chunk],
                truncation=True,
                padding=True,
                max_length=self.max_seq_length,
                return_tensors="pt",
            )
            with torch.inference_mode():
                # pooled and normalised in float32 whatever the weights' precision
                hidden = self.module(**enc.to(self.device)).last_hidden_state.float()
                if self.pooling == "cls":
                    pooled = hidden[:, 0]
                else:
                    mask = enc["attention_mask"].unsqueeze(-1).float()
                    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                if self.normalize or normalize_embeddings:
                    pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
            out[chunk] = pooled.cpu().numpy()
        return out
