"""A tiny SQuAD v2.0 file for tests: two articles of the same few paragraphs, answerable and
unanswerable questions."""

from __future__ import annotations

import json
from pathlib import Path

PARAGRAPHS = [
    (
        "Marie Curie was born in Warsaw. She moved to Paris in 1891.",
        [("Where was Marie Curie born?", "Warsaw"), ("When did she move to Paris?", "1891")],
    ),
    (
        "Alan Turing worked at Bletchley Park. He was born in London.",
        [("Where did Alan Turing work?", "Bletchley Park"), ("Where was Turing born?", "London")],
    ),
    (
        "Alfred Nobel invented dynamite in Stockholm.",
        [("What did Alfred Nobel invent?", "dynamite"), ("Who is the capital of Mars?", None)],
    ),
]


def squad_file(path: Path) -> Path:
    data = []
    for title in ("train-article", "dev-article"):
        paras = []
        for p_i, (context, qas) in enumerate(PARAGRAPHS):
            paras.append(
                {
                    "context": context,
                    "qas": [
                        {
                            "id": f"{title}-{p_i}-{q_i}",
                            "question": q,
                            "is_impossible": a is None,
                            "answers": []
                            if a is None
                            else [{"text": a, "answer_start": context.index(a)}],
                        }
                        for q_i, (q, a) in enumerate(qas)
                    ],
                }
            )
        data.append({"title": title, "paragraphs": paras})
    path.write_text(json.dumps({"version": "v2.0", "data": data}))
    return path
