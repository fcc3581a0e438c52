"""The training flows: ``kgqa train reader`` and ``kgqa train reranker`` run them."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.context import FlowRunContext

from kgqa.qa.training.reader import TrainConfig, train_reader


@flow(name="kgqa-train-reader")
def train_reader_flow(config: dict[str, Any]) -> dict[str, Any]:
    """Fine-tune an extractive reader; progress goes to the flow's log (and the console)."""
    say = get_run_logger().info if FlowRunContext.get() is not None else print
    return train_reader(TrainConfig(**config), progress=say)


@flow(name="kgqa-train-reranker")
def train_reranker_flow(config: dict[str, Any]) -> dict[str, Any]:
    """Fine-tune a cross-encoder reranker; progress goes to the flow's log (and the console)."""
    from kgqa.qa.training.reranker import CrossTrainConfig, train_cross_encoder

    say = get_run_logger().info if FlowRunContext.get() is not None else print
    return train_cross_encoder(CrossTrainConfig(**config), progress=say)
