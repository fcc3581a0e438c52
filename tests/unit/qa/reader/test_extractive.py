"""Span decoding on hand-made logits, and the reader on tiny local checkpoints."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from kgqa.qa.reader.extractive import (
    TRIM_LOGITS,
    ExtractiveReader,
    WindowLogits,
    best_span,
    decode_windows,
    questions_in,
    read_windows,
    unread_in,
    whole_token,
)
from kgqa.qa.settings import ReaderConfig, Settings
from kgqa.qa.types import QAError


def reader_settings(model: Path) -> ReaderConfig:
    config = Settings(reader_model=str(model)).reader()
    assert config is not None
    return config


def _window(
    start: list[float], end: list[float], offsets: list[tuple[int, int] | None]
) -> WindowLogits:
    return WindowLogits(np.array(start, dtype=float), np.array(end, dtype=float), offsets)


CONTEXT = "Marie Curie was born in Warsaw."
# tokens: [CLS] q [SEP] Marie Curie was born in Warsaw . [SEP]
OFFSETS = [
    None,
    None,
    None,
    (0, 5),
    (6, 11),
    (12, 15),
    (16, 20),
    (21, 23),
    (24, 30),
    (30, 31),
    None,
]


def test_best_span_is_highest_valid_pair() -> None:
    start = [0, 9, 0, 1, 0, 0, 0, 0, 5, 0, 9]
    end = [0, 9, 0, 0, 0, 0, 0, 0, 6, 0, 9]
    span, null = decode_windows([_window(start, end, OFFSETS)], CONTEXT, max_answer_tokens=5)
    assert span is not None and span.text == "Warsaw"
    assert (span.start, span.end) == (24, 30)
    assert span.score == pytest.approx(11.0 - 0.0)
    assert null == 0.0


def test_end_before_start_is_never_chosen() -> None:
    start = [0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0]
    end = [0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0]  # best end precedes best start
    found = best_span(_window(start, end, OFFSETS), max_answer_tokens=10)
    assert found is not None
    _, a, b = found
    assert a <= b


def test_max_answer_length_is_respected() -> None:
    start = [0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]
    end = [0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0]
    span, _ = decode_windows([_window(start, end, OFFSETS)], CONTEXT, max_answer_tokens=3)
    assert span is not None and len(span.text.split()) <= 3
    span_long, _ = decode_windows([_window(start, end, OFFSETS)], CONTEXT, max_answer_tokens=6)
    assert span_long is not None and span_long.text == "Marie Curie was born in Warsaw"


def test_no_answer_score_wins_gives_negative_margin() -> None:
    start = [8, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]
    end = [8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]
    span, null = decode_windows([_window(start, end, OFFSETS)], CONTEXT, max_answer_tokens=5)
    assert null == 16.0
    assert span is not None and span.score < 0


def test_offsets_across_window_boundaries_map_to_the_context() -> None:
    context = "Alpha beta gamma delta epsilon zeta"
    w1 = _window([0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [None, (0, 5), (6, 10), (11, 16), None])
    w2 = _window([0, 0, 7, 0, 0], [0, 0, 0, 7, 0], [None, (17, 22), (23, 30), (31, 35), None])
    span, _ = decode_windows([w1, w2], context, max_answer_tokens=4)
    assert span is not None and span.text == "epsilon zeta"
    assert context[span.start : span.end] == "epsilon zeta"


def test_unicode_offsets() -> None:
    context = "Frédéric Chopin grew up in Warszawa — Poland."
    s = context.index("Warszawa")
    offsets = [None, (0, 8), (9, 15), (16, 20), (21, 23), (24, 26), (s, s + 8), None]
    start = [0, 0, 0, 0, 0, 0, 3, 0]
    end = [0, 0, 0, 0, 0, 0, 3, 0]
    span, _ = decode_windows([_window(start, end, offsets)], context, max_answer_tokens=3)
    assert span is not None and span.text == "Warszawa"


def test_an_answer_does_not_run_from_a_heading_into_the_paragraph_under_it() -> None:
    # the reader's best pair of logits starts in the heading and ends in the paragraph:
    # "Naomi Reyes\n\nNaomi Reyes" is no answer a reader would give
    context = "Interview with Naomi Reyes\n\nNaomi Reyes met Tom Okafor in Denver."
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", context)]
    offsets = [None, *words, None]
    start = [0.0] * len(offsets)
    end = [0.0] * len(offsets)
    start[3], end[6] = 6.0, 6.0  # "Naomi" of the heading .. "Reyes" of the paragraph
    start[5], end[6] = 4.0, 6.0  # "Naomi Reyes" of the paragraph
    span, _ = decode_windows([_window(start, end, offsets)], context, max_answer_tokens=8)
    assert span is not None and span.text == "Naomi Reyes" and "\n" not in span.text
    assert span.start == context.index("Naomi Reyes met")


@pytest.mark.parametrize("kind", ["bert", "distilbert"])
def test_tiny_checkpoints_read_long_contexts_in_windows(tmp_path: Path, kind: str) -> None:
    from tests.conftest import build_tiny_qa_model

    folder = build_tiny_qa_model(tmp_path / kind, kind)
    reader = ExtractiveReader(
        str(folder),
        "cpu",
        max_seq_len=64,
        stride=16,
        max_answer_tokens=8,
        batch_size=16,
        precision="fp32",
    )
    contexts = ["Marie Curie was born in Warsaw in 1867. " * 6, "Short one."]
    results = reader("Where was she born?", contexts)
    assert len(results) == 2
    for (span, null), context in zip(results, contexts):
        assert span is not None
        assert context[span.start : span.end] == span.text
        assert 0 <= span.start < span.end <= len(context)
        assert np.isfinite(null)
    windows, owner = reader.windows(["Where was she born?"] * 2, contexts)
    assert owner.count(0) > 1, "the long context needed several windows"


def test_a_context_read_in_a_batch_of_longer_ones_gets_the_same_answer_as_alone(
    tmp_path: Path,
) -> None:
    """Batches are padded to their longest window only: padding must not change any answer."""
    from tests.conftest import build_tiny_qa_model

    reader = ExtractiveReader(
        str(build_tiny_qa_model(tmp_path / "bert", "bert")),
        "cpu",
        max_seq_len=96,
        stride=24,
        max_answer_tokens=8,
        batch_size=4,
        precision="fp32",
    )
    contexts = [
        "Short one.",
        "Marie Curie was born in Warsaw in 1867. " * 5,
        "Paris, France.",
        "She moved to Paris in 1891 and studied physics at the Sorbonne. " * 2,
    ]
    question = "Where was she born?"
    together = reader(question, contexts)
    for context, (span, null) in zip(contexts, together):
        alone_span, alone_null = reader(question, [context])[0]
        assert span is not None and alone_span is not None
        assert (span.start, span.end) == (alone_span.start, alone_span.end)
        assert span.score == pytest.approx(alone_span.score, abs=1e-4)
        assert null == pytest.approx(alone_null, abs=1e-4)
    windows, _ = reader.windows([question] * len(contexts), contexts)
    lengths = {len(ids) for ids in windows["input_ids"]}
    assert len(lengths) > 1 and max(lengths) <= 96, "windows keep their own lengths"


def test_missing_model_directory_names_the_setting(tmp_path: Path) -> None:
    reader = ExtractiveReader.configured(reader_settings(tmp_path / "nope"))
    with pytest.raises(QAError, match="KGQA_READER_MODEL"):
        reader.warm_up()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{")
    with pytest.raises(QAError, match=str(broken)):
        ExtractiveReader.configured(reader_settings(broken)).warm_up()


FOUNDERS = "It was founded by Priya Natarajan and Tomas Berg in Gothenburg, Sweden."


def _founders_window(end_of_names: float) -> tuple[WindowLogits, int, int]:
    """A window over FOUNDERS (one token a word, [CLS] first) whose best span runs from Priya
    to Sweden; the span that stops at Berg scores ``end_of_names`` below it."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", FOUNDERS)]
    offsets: list[tuple[int, int] | None] = [None, *words]
    start = np.zeros(len(offsets))
    end = np.zeros(len(offsets))
    priya = 1 + [FOUNDERS[a:b] for a, b in words].index("Priya")
    berg = 1 + [FOUNDERS[a:b] for a, b in words].index("Berg")
    start[priya] = 6.0
    end[-1] = 6.0
    end[berg] = 6.0 - end_of_names
    return WindowLogits(start, end, offsets), priya, berg


def test_a_who_answer_that_runs_on_into_a_place_is_cut_back_to_the_names() -> None:
    window, _, _ = _founders_window(end_of_names=1.0)
    cut = read_windows([window], FOUNDERS, 30, vectors=False, person=True)
    assert cut.span is not None and cut.span.text == "Priya Natarajan and Tomas Berg"
    assert cut.span.score == pytest.approx(11.0)  # the shorter span's own score
    # the same span for a question that does not ask who is left whole
    whole = read_windows([window], FOUNDERS, 30, vectors=False, person=False)
    assert whole.span is not None and whole.span.text.endswith("in Gothenburg, Sweden")


def test_a_who_answer_is_not_cut_when_the_reader_is_far_surer_of_the_long_span() -> None:
    window, _, _ = _founders_window(end_of_names=TRIM_LOGITS + 0.5)
    reading = read_windows([window], FOUNDERS, 30, vectors=False, person=True)
    assert reading.span is not None and reading.span.text.endswith("Sweden")


def test_a_who_answer_is_not_cut_before_a_lowercase_word() -> None:
    context = "The mission was started by men who were interested in mission work."
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", context)]
    offsets: list[tuple[int, int] | None] = [None, *words]
    start, end = np.zeros(len(offsets)), np.zeros(len(offsets))
    texts = [context[a:b] for a, b in words]
    start[1 + texts.index("men")] = 5.0
    end[1 + texts.index("work")] = 5.0
    end[1 + texts.index("interested")] = 4.9  # "men who were interested", before "in mission"
    reading = read_windows([WindowLogits(start, end, offsets)], context, 30, False, person=True)
    assert (
        reading.span is not None and reading.span.text == "men who were interested in mission work"
    )


def test_a_span_cut_inside_a_file_name_an_address_or_a_version_takes_the_whole_token() -> None:
    def widened(context: str, part: str) -> str:
        at = context.index(part)
        a, b = whole_token(context, at, at + len(part))
        return context[a:b]

    assert widened("moved from ferrite.ini to ferrite.toml.", "ferrite") == "ferrite.ini"
    assert widened("Questions go to forum.ferrite.example. The", "forum.ferrite") == (
        "forum.ferrite.example"
    )
    assert widened("Reports go to security@quillon.example.", "security") == (
        "security@quillon.example"
    )
    assert widened("Config: /etc/quillon/quillon.toml", "/etc/quillon/quillon") == (
        "/etc/quillon/quillon.toml"
    )
    assert widened("Set QUILLON_SECRET first", "QUILLON") == "QUILLON_SECRET"
    assert widened("released as 1.4.2.", "1.4") == "1.4.2"
    # a review's missing space, an abbreviation, a web address's word: as they were
    assert widened("not horrible.Keep it", "horrible") == "horrible"
    assert widened("the U.S. army", "U.S") == "U.S"
    assert widened("at https://www.amazon.com/Calphalon now", "amazon") == "amazon"


def test_no_span_in_a_question_that_ends_its_line_nor_in_a_speaker() -> None:
    context = "Tom Reddy: Who leads DryLine?\nAda Okafor: Dr Kwame Mensah."
    asked = questions_in(context)
    assert [context[a:b] for a, b in asked] == ["Tom Reddy: Who leads DryLine?"]
    # a review's question inside its line asks nothing of the reader
    assert questions_in("Aint it wonderful? I think it sucks.") == []

    def offsets(text: str) -> list[tuple[int, int] | None]:
        words = [
            (text.index(w), text.index(w) + len(w)) for w in ("Tom", "Reddy", "Kwame", "Mensah")
        ]
        return [None, None, *words, None]

    # tokens: Tom Reddy (in the question) and Kwame Mensah (in the reply); the first scores best
    start, end = [0, 0, 9, 0, 5, 0, 0], [0, 0, 0, 9, 0, 5, 0]
    span, _ = decode_windows([_window(start, end, offsets(context))], context, 5)
    assert span is not None and span.text == "Kwame Mensah"
    told = context.replace("?", ".")  # no question: the name in it may be the answer
    span, _ = decode_windows([_window(start, end, offsets(told))], told, 5)
    assert span is not None and span.text == "Tom Reddy"
    # a transcript's speaker in capitals is no answer either
    shouted = context.replace("Tom Reddy", "TOM REDDY").replace("Ada Okafor", "ADA OKAFOR")
    assert [shouted[a:b] for a, b in unread_in(shouted)] == [
        "TOM REDDY: Who leads DryLine?",
        "ADA OKAFOR:",
    ]
