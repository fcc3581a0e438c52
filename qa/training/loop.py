"""The one optimisation loop behind reader, reranker and relation training.

Each trainer says how to build a batch for a step and how to compute its loss; the loop owns the
rest: AdamW with weight decay, a linear warm-up then linear decay, optional bf16 autocast,
gradient clipping, a smoothed loss in the progress lines, and the optimiser state for resuming.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's generators."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def linear_warmup_schedule(optimizer: Any, total_steps: int, warmup_fraction: float) -> Any:
    """Learning rate rising linearly over the first warmup_fraction of the steps, then falling
    linearly to 0 at total_steps."""
    import torch

    warmup = int(total_steps * warmup_fraction)

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / max(1, warmup)
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)


@dataclass(frozen=True)
class Optimisation:
    """How the loop steps: every trainer's config projects onto this."""

    total_steps: int
    learning_rate: float
    weight_decay: float
    warmup_fraction: float
    device: str
    bf16: bool
    log_every: int
    clip_norm: float = 1.0

    @classmethod
    def of(cls, config: Any, total_steps: int, log_every: int = 50) -> Optimisation:
        """The options of a trainer's ``config`` that carries them by these names
        (``learning_rate``, ``weight_decay``, ``warmup_fraction``, ``device``, ``bf16``)."""
        return cls(
            total_steps=total_steps,
            learning_rate=config.learning_rate,
            weight_decay=config.weight_decay,
            warmup_fraction=config.warmup_fraction,
            device=config.device,
            bf16=config.bf16,
            log_every=log_every,
        )


class TrainingLoop:
    """Runs ``total_steps`` optimiser steps over a model; ``step`` counts the steps taken, also
    across a resume (``load_state_dict`` then set ``step``)."""

    def __init__(self, model: Any, options: Optimisation, progress: Callable[[str], None]) -> None:
        import torch

        self.model = model
        self.options = options
        self.progress = progress
        self.optimizer = torch.optim.AdamW(
            [p for p in model.parameters() if p.requires_grad],
            lr=options.learning_rate,
            weight_decay=options.weight_decay,
        )
        self.scheduler = linear_warmup_schedule(
            self.optimizer, options.total_steps, options.warmup_fraction
        )
        self.step = 0
        self.loss_avg = 0.0

    def state_dict(self) -> dict[str, Any]:
        return {"optimizer": self.optimizer.state_dict(), "scheduler": self.scheduler.state_dict()}

    def load_state_dict(self, saved: dict[str, Any]) -> None:
        self.optimizer.load_state_dict(saved["optimizer"])
        self.scheduler.load_state_dict(saved["scheduler"])

    def run(
        self,
        batch_at: Callable[[int], Any],
        loss_of: Callable[[Any], Any],
        after_step: Callable[[int], None] | None = None,
    ) -> None:
        """Step until ``total_steps``: ``batch_at(step)`` builds the batch of a step (0-based),
        ``loss_of(batch)`` its scalar loss, ``after_step(steps taken)`` may evaluate or save
        (it puts the model back in training mode if it leaves it)."""
        import torch

        o = self.options
        device_type = torch.device(o.device).type
        started, first = time.perf_counter(), self.step
        self.model.train()
        while self.step < o.total_steps:
            batch = batch_at(self.step)
            with torch.autocast(device_type, dtype=torch.bfloat16, enabled=o.bf16):
                loss = loss_of(batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), o.clip_norm)
            self.optimizer.step()
            self.scheduler.step()
            self.optimizer.zero_grad()
            value = float(loss.detach())
            self.loss_avg = 0.98 * self.loss_avg + 0.02 * value if self.step > first else value
            self.step += 1
            if self.step % o.log_every == 0 or self.step == o.total_steps:
                self.progress(
                    f"step {self.step}/{o.total_steps} loss {self.loss_avg:.3f} "
                    f"({time.perf_counter() - started:.0f} s this run)"
                )
            if after_step is not None:
                after_step(self.step)
                self.model.train()
