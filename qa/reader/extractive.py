"""The extractive reader: span decoding over token windows of a transformers QA model.

transformers 5 has no question-answering pipeline, so decoding is ours: each (question,
context) pair is cut into windows of ``max_seq_len`` tokens that share ``stride`` tokens; each
window gives start/end logits; the best valid span (start <= end, at most ``max_answer_tokens``
long, inside the context) is compared with the window's no-answer score (the logits at the
first token); offsets map back to characters of the context.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.kg.models import with_precision
from kgqa.kg.text import FIELD_LINE
from kgqa.kg.types import KGError
from kgqa.qa.cancel import checkpoint
from kgqa.qa.reader.wh import question_type
from kgqa.qa.settings import ReaderConfig
from kgqa.qa.types import QAError, Span


@dataclass(frozen=True)
class WindowLogits:
    """Start/end logits of one window and what each token is."""

    start: np.ndarray
    end: np.ndarray
    offsets: list[tuple[int, int] | None]  # character span in the context, None outside it
    hidden: np.ndarray | None = None  # the encoder's last hidden states (tokens x width)


@dataclass(frozen=True)
class Reading:
    """What the reader says about one (question, context) pair, for the answer verifier:
    the best span (or None), the no-answer score, the span's probability under the window's
    start and end softmax, the no-answer probability, and the encoder's vectors of the window
    that holds the span ([CLS], and the mean of the span's first and last token)."""

    span: Span | None
    null: float
    span_probability: float = 0.0
    null_probability: float = 0.0
    cls: np.ndarray | None = None
    span_vector: np.ndarray | None = None
    span_tokens: int = 0


def best_span(
    window: WindowLogits,
    max_answer_tokens: int,
    breaks: list[int] | None = None,
    asked: list[tuple[int, int]] | None = None,
) -> tuple[float, int, int] | None:
    """The highest start+end logit span inside the context, or None if the window has no
    context tokens. Returns (score, first token, last token). Given ``breaks``, where the
    context's blank lines start (``blank_lines``), a span does not cross one (a heading and
    the paragraph under it are two places). Given ``asked``, the context's questions
    and speakers (``unread_in``), no span starts or ends in one: a question answers nothing
    ("TOM REDDY: Who leads DryLine?" is no answer to "Who leads DryLine?", the line after it
    is)."""
    ctx = np.array([o is not None and not _inside(asked, o[0]) for o in window.offsets])
    if not ctx.any():
        return None
    start = np.where(ctx, window.start, -np.inf)
    end = np.where(ctx, window.end, -np.inf)
    # scores[i, j] = start[i] + end[j], valid when i <= j < i + max_answer_tokens
    scores = start[:, None] + end[None, :]
    n = len(start)
    i, j = np.indices((n, n))
    valid = (j >= i) & (j - i < max_answer_tokens)
    if breaks:
        block = np.array([bisect.bisect(breaks, o[0]) if o else -1 for o in window.offsets])
        valid &= block[:, None] == block[None, :]
    scores = np.where(valid, scores, -np.inf)
    flat = int(np.argmax(scores))
    a, b = divmod(flat, n)
    if not np.isfinite(scores[a, b]):
        return None
    return float(scores[a, b]), a, b


# a who-answer that runs on past its names into a place or time ("Priya Natarajan and Tomas
# Berg in Gothenburg, Sweden") is cut back to the names when the reader scores the shorter span
# within TRIM_LOGITS of the longer one (start+end logits). On the person questions of dev.json,
# dev_squad2.json and 400 training articles (398 answered), 3 changed 2 answers, each to the
# gold span, and 2 changed none; more words after the names ("for", "who", "with"), or no
# capital required before them, also cut answers such as "men who were interested in mission
# work" to "men"
TRIM_LOGITS = 3.0
_TRAILING = re.compile(r"[\s,]+(?:in|at|on|from|during|since|after|before|near)\b", re.IGNORECASE)
# bumped whenever decoding changes what a reading holds (kept readings are keyed on it)
DECODE_VERSION = 7
# what parts fields on a line, and ends no answer
_SEPARATORS = " \t\u00b7\u2022|\u2013\u2014"
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def blank_lines(context: str) -> list[int]:
    """Where each blank line of ``context`` starts, for ``best_span``."""
    return [m.start() for m in _BLANK_LINE.finditer(context)]


# a question that ends its line: from the line's start or a sentence's end to its question
# mark (a review's "Aint the global economy wonderful? I think ..." asks nothing of the reader)
_QUESTION = re.compile(r"(?:^|(?<=[.!?:]\s))[^\n.!?]*\?[ \t]*$", re.MULTILINE)


def _inside(spans: list[tuple[int, int]] | None, at: int) -> bool:
    """Whether character ``at`` lies in one of ``spans`` (sorted, not overlapping)."""
    if not spans:
        return False
    k = bisect.bisect_right(spans, (at, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= at < spans[k][1]


# a transcript's speaker: a line that opens with a name in capitals and a colon ("TOM REDDY: ")
_SPEAKER = re.compile(r"^[ \t]*[A-Z][A-Z.'-]+(?:[ \t]+[A-Z][A-Z.'-]+){0,3}:(?=[ \t])", re.M)


def questions_in(context: str) -> list[tuple[int, int]]:
    """The (start, end) characters of each question that ends a line of ``context`` (an
    interview's questions, an FAQ's titles), for ``best_span``."""
    if "?" not in context:
        return []
    return [m.span() for m in _QUESTION.finditer(context)]


def unread_in(context: str) -> list[tuple[int, int]]:
    """Where in ``context`` no answer lies, sorted and apart, for ``best_span``: its questions
    (``questions_in``) and the speakers of a transcript ("RUTH ELLISON: Dr Sam Okoro leads
    it." answers "Dr Sam Okoro")."""
    spans = sorted(questions_in(context) + [m.span() for m in _SPEAKER.finditer(context)])
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def trim_to_names(window: WindowLogits, context: str, a: int, b: int) -> int:
    """The last token of span a..b cut back before a trailing place or time phrase, when what
    is left ends in a capitalised word and scores within ``TRIM_LOGITS``; else ``b``."""
    first, last = window.offsets[a], window.offsets[b]
    if first is None or last is None:
        return b
    text = context[first[0] : last[1]]
    found = _TRAILING.search(text, 1)
    if found is None:
        return b
    cut = first[0] + found.start()
    ends = [
        t for t in range(a, b) if (o := window.offsets[t]) is not None and first[0] < o[1] <= cut
    ]
    if not ends:
        return b
    short = max(ends)
    kept = context[first[0] : window.offsets[short][1]]  # type: ignore[index]
    drop = window.end[b] - window.end[short]  # both spans start at token a
    return short if drop <= TRIM_LOGITS and kept.split()[-1][:1].isupper() else b


# a token that dots, slashes, at signs or underscores join into one: a file name, a domain, an
# e-mail address, a path, a version ("ferrite.toml", "forum.ferrite.example", "1.4.2")
_TOKEN = re.compile(r"[^\W_]+(?:[./@_][^\W_]+)+")
# what ends a file name or a domain after its one dot ("ferrite.toml", "kgqa.dev")
_ENDINGS = set(
    """toml ini cfg conf json yaml yml xml csv txt md rst html htm css js ts py sh log db sql
    pdf docx xlsx zip gz tar exe com org net io dev app edu gov info example""".split()
)


def whole_token(context: str, start: int, end: int) -> tuple[int, int]:
    """A span's characters start..end widened to the whole token that its ends lie in, when
    that token is a file name, a domain, an e-mail address, a path or a version: the reader's
    word pieces stop at a dot, and "What is the configuration file called?" was answered
    "ferrite" of "ferrite.toml". Not across a dot between words ("horrible.Keep", a review's
    missing space): a token of one dot between letters must end in a known ending."""
    first, last = start, end
    for m in _TOKEN.finditer(context, max(0, start - 200), min(len(context), end + 200)):
        if m.end() <= start or end <= m.start() or (start <= m.start() and m.end() <= end):
            continue  # apart from the span, or whole inside it
        token = m.group()
        lead = context[max(0, m.start() - 2) : m.start()]
        if "/" in token and (not lead.endswith("/") or lead == "//"):
            continue  # a web address: its words may be the answer ("amazon" of www.amazon.com/...)
        parts = token.split(".")
        if (
            any(c in token for c in "/@_")
            or len(parts) > 2
            or all(p.isdigit() for p in parts)
            or (len(parts) == 2 and parts[1] in _ENDINGS)
        ):
            first, last = min(first, m.start()), max(last, m.end())
    return first, last


def _softmax(x: np.ndarray, keep: np.ndarray) -> np.ndarray:
    x = np.where(keep, x, -np.inf)
    e = np.exp(x - x.max())
    return e / e.sum()


def _best_over(
    windows: list[WindowLogits], max_answer_tokens: int, context: str
) -> tuple[tuple[float, int, int, int] | None, float]:
    """The best span over all windows as (score, first token, last token, window), and the
    no-answer score: the lowest over the windows, as the window that sees the answer best is
    the one least sure there is none."""
    best: tuple[float, int, int, int] | None = None
    null = np.inf
    breaks = blank_lines(context)  # once for all the context's windows
    asked = unread_in(context)
    for w_index, w in enumerate(windows):
        null = min(null, float(w.start[0] + w.end[0]))
        found = best_span(w, max_answer_tokens, breaks, asked)
        if found is not None and (best is None or found[0] > best[0]):
            best = (found[0], found[1], found[2], w_index)
    return best, null


def read_windows(
    windows: list[WindowLogits],
    context: str,
    max_answer_tokens: int,
    vectors: bool = True,
    person: bool = False,
) -> Reading:
    """The best span over all windows of one context and the no-answer score; the span's
    score is its margin over the no-answer score (both start+end logits), so scores are
    comparable across passages. With ``vectors``, also the probabilities and vectors of the
    window that holds the span, for the verifier. ``person``: the question asks who, so a span
    that runs on past its names is cut back to them (``trim_to_names``)."""
    best, null = _best_over(windows, max_answer_tokens, context)
    if best is None:
        return Reading(None, null)
    score, a, b, w_index = best
    w = windows[w_index]
    if person and (short := trim_to_names(w, context, a, b)) != b:
        b, score = short, float(w.start[a] + w.end[short])
    s, e = whole_token(context, w.offsets[a][0], w.offsets[b][1])  # type: ignore[index]
    # a separator the span ran on to ("9 October 2026 ·" of "Published 9 October 2026 · 38
    # minutes") is no part of it
    e = s + len(context[s:e].rstrip(_SEPARATORS)) if context[s:e].strip(_SEPARATORS) else e
    # nor is the next line's field ("Good\nThe quality of education" of "Overall
    # effectiveness: Good" over "The quality of education: Good")
    cut = context.find("\n", s, e)
    if cut != -1 and context[s:cut].strip() and FIELD_LINE.match(context, cut + 1):
        e = s + len(context[s:cut].rstrip())
    span = Span(text=context[s:e], score=score - null, start=s, end=e)
    if not vectors:
        return Reading(span, null)
    keep = np.array([o is not None for o in w.offsets])
    keep[0] = True  # the no-answer token competes with the context
    p_start, p_end = _softmax(w.start, keep), _softmax(w.end, keep)
    cls = span_vector = None
    if w.hidden is not None:
        cls = w.hidden[0]
        span_vector = (w.hidden[a] + w.hidden[b]) / 2
    return Reading(
        span,
        null,
        float(p_start[a] * p_end[b]),
        float(p_start[0] * p_end[0]),
        cls,
        span_vector,
        b - a + 1,
    )


def decode_windows(
    windows: list[WindowLogits], context: str, max_answer_tokens: int
) -> tuple[Span | None, float]:
    """The best span over all windows of one context (None if none), and the no-answer score
    (see ``read_windows``)."""
    reading = read_windows(windows, context, max_answer_tokens, vectors=False)
    return reading.span, reading.null


@functools.lru_cache(maxsize=2)
def load_qa_model(name: str, device: str, precision: str = "fp32") -> tuple[Any, Any]:
    """Tokenizer and model of an extractive QA checkpoint, loaded once per process and
    precision. ``int8`` quantises the Linear layers' weights dynamically (torch), for CPUs."""
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    if name.startswith((".", "/", "~")) and not Path(name).expanduser().is_dir():
        raise QAError(
            f"reader model directory {name} does not exist (setting reader_model, env "
            "KGQA_READER_MODEL); train one with `kgqa train reader` or point at a checkpoint"
        )
    try:
        import torch

        tokenizer = AutoTokenizer.from_pretrained(name)
        # Weights may ship in fp16 to save space; CPUs compute in fp32.
        model = AutoModelForQuestionAnswering.from_pretrained(name, dtype=torch.float32)
    except Exception as err:  # transformers raises OSError, ValueError, ...; all mean the same
        raise QAError(
            f"cannot load the reader model {name!r} (setting reader_model, env KGQA_READER_MODEL): "
            f"{err}"
        ) from None
    if not getattr(tokenizer, "is_fast", False):
        raise QAError(f"reader model {name!r} has no fast tokenizer; offsets need one")
    model.to(device)
    model.eval()
    try:
        model = with_precision(model, precision, device, "reader_precision")
    except KGError as err:
        raise QAError(str(err)) from None
    return tokenizer, model


class ExtractiveReader:
    """Reads contexts and returns, per context, its best span (or None) with a margin score."""

    def __init__(
        self,
        model: str,
        device: str,
        max_seq_len: int,
        stride: int,
        max_answer_tokens: int,
        batch_size: int,
        precision: str,
    ) -> None:
        self.model_name = model
        self.precision = precision
        self.device = device
        self.max_seq_len = max_seq_len
        self.stride = stride
        self.max_answer_tokens = max_answer_tokens
        self.batch_size = batch_size
        self._tokenizer: Any = None
        self._model: Any = None

    @classmethod
    def configured(cls, config: ReaderConfig) -> ExtractiveReader:
        """The reader the settings describe (``Settings.reader()``)."""
        return cls(
            config.reader_model,
            config.device,
            config.reader_max_seq_len,
            config.reader_stride,
            config.max_answer_tokens,
            config.reader_batch_size,
            config.reader_precision,
        )

    def warm_up(self) -> None:
        if self._model is None:
            self._tokenizer, self._model = load_qa_model(
                self.model_name, self.device, self.precision
            )

    @classmethod
    def from_loaded(
        cls,
        tokenizer: Any,
        model: Any,
        *,
        device: str,
        max_seq_len: int,
        stride: int,
        max_answer_tokens: int,
        batch_size: int,
    ) -> ExtractiveReader:
        """A reader over a tokenizer and model already in memory (training evaluates this way)."""
        reader = cls(
            str(getattr(model, "name_or_path", "in-memory")),
            device,
            max_seq_len,
            stride,
            max_answer_tokens,
            batch_size,
            "fp32",
        )
        reader._tokenizer, reader._model = tokenizer, model
        return reader

    def windows(self, questions: list[str], contexts: list[str]) -> tuple[Any, list[int]]:
        """Tokenised windows for every (question, context) pair, and the pair of each window."""
        self.warm_up()
        tok = self._tokenizer
        pad_right = tok.padding_side == "right"
        stride = min(self.stride, self.max_seq_len // 2)
        enc = tok(
            questions if pad_right else contexts,
            contexts if pad_right else questions,
            truncation="only_second" if pad_right else "only_first",
            max_length=self.max_seq_len,
            stride=stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            padding=False,
        )
        return enc, [int(i) for i in enc["overflow_to_sample_mapping"]]

    def logits(
        self, enc: Any, hidden: list[np.ndarray] | None = None
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Start and end logits of every window, each as long as its window; with ``hidden``
        (a list), the last hidden states of every window are appended to it as well.

        Windows are unpadded (most paragraphs are far shorter than ``max_seq_len``): they are
        sorted by length, batched, and each batch is padded only to its longest window, so a
        200-token paragraph costs 200 tokens, not 384."""
        import torch

        names = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
        if "token_type_ids" in names and "token_type_ids" not in self._model_inputs():
            names.remove("token_type_ids")
        ids = enc["input_ids"]
        pad = {
            "input_ids": self._tokenizer.pad_token_id or 0,
            "attention_mask": 0,
            "token_type_ids": self._tokenizer.pad_token_type_id,
        }
        left = self._tokenizer.padding_side == "left"
        order = sorted(range(len(ids)), key=lambda w: len(ids[w]))
        starts: list[np.ndarray] = [np.zeros(0, np.float32)] * len(ids)
        ends: list[np.ndarray] = [np.zeros(0, np.float32)] * len(ids)
        states: list[np.ndarray] = [np.zeros((0, 0), np.float32)] * len(ids)
        with torch.inference_mode():
            for b in range(0, len(order), self.batch_size):
                checkpoint()  # a served request whose client has gone stops here
                group = order[b : b + self.batch_size]
                width = max(len(ids[w]) for w in group)
                batch = {}
                for name in names:
                    rows = np.full((len(group), width), pad[name], dtype=np.int64)
                    for r, w in enumerate(group):
                        values = enc[name][w]
                        if left:
                            rows[r, width - len(values) :] = values
                        else:
                            rows[r, : len(values)] = values
                    batch[name] = torch.as_tensor(rows).to(self.device)
                out = self._model(**batch, output_hidden_states=hidden is not None)
                start = out.start_logits.float().cpu().numpy()
                end = out.end_logits.float().cpu().numpy()
                last = out.hidden_states[-1].float().cpu().numpy() if hidden is not None else None
                for r, w in enumerate(group):
                    n = len(ids[w])
                    cut = slice(width - n, width) if left else slice(0, n)
                    starts[w], ends[w] = start[r, cut], end[r, cut]
                    if last is not None:
                        states[w] = last[r, cut]
        if hidden is not None:
            hidden.extend(states)
        return starts, ends

    def _model_inputs(self) -> set[str]:
        import inspect

        return set(inspect.signature(self._model.forward).parameters)

    def __call__(self, question: str, contexts: list[str]) -> list[tuple[Span | None, float]]:
        """For each context: its best span (score = margin over no-answer) and no-answer score."""
        return self.read_pairs([question] * len(contexts), contexts)

    def read_pairs(
        self, questions: list[str], contexts: list[str]
    ) -> list[tuple[Span | None, float]]:
        """Like ``__call__`` for many (question, context) pairs, batched across all windows."""
        return [(r.span, r.null) for r in self.read(questions, contexts, vectors=False)]

    def read(
        self, questions: list[str], contexts: list[str], vectors: bool = True
    ) -> list[Reading]:
        """Each (question, context) pair's ``Reading``; ``vectors``: with the encoder's vectors
        (what the answer verifier needs)."""
        if not contexts:
            return []
        enc, owner = self.windows(questions, contexts)
        hidden: list[np.ndarray] | None = [] if vectors else None
        start, end = self.logits(enc, hidden)
        context_side = 1 if self._tokenizer.padding_side == "right" else 0
        per_context: list[list[WindowLogits]] = [[] for _ in contexts]
        for w in range(len(owner)):
            seq_ids = enc.sequence_ids(w)
            offsets: list[tuple[int, int] | None] = [
                (int(o[0]), int(o[1])) if sid == context_side else None
                for o, sid in zip(enc["offset_mapping"][w], seq_ids)
            ]
            per_context[owner[w]].append(
                WindowLogits(start[w], end[w], offsets, hidden[w] if hidden is not None else None)
            )
        return [
            read_windows(ws, ctx, self.max_answer_tokens, vectors, question_type(q) == "person")
            for ws, ctx, q in zip(per_context, contexts, questions)
        ]
