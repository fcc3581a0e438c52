"""The calibration split: whole articles kept out of the dev file, questions spread evenly."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from kgqa.qa.training.calibration import calibration_split


def squad(path: Path, articles: dict[str, int]) -> Path:
    """One paragraph per question; ``articles`` maps a title to its number of questions."""
    data = [{"title": title, "paragraphs": [
        {"context": f"{title} paragraph {i} says {i}.",
         "qas": [{"id": f"{title}-{i}", "question": f"What does {title} {i} say?",
                  "answers": [{"text": str(i), "answer_start": len(f"{title} paragraph {i} says ")}]}]}
        for i in range(n)]} for title, n in articles.items()]
    path.write_text(json.dumps({"data": data}))
    return path


def test_one_huge_article_does_not_take_over_the_questions(tmp_path: Path) -> None:
    data = squad(tmp_path / "train.json", {"forum": 500, "a": 6, "b": 6, "c": 6, "held-out": 6})
    dev = squad(tmp_path / "dev.json", {"held-out": 6})
    split = calibration_split(data, dev, articles=10, questions=20, seed=1)
    asked = Counter(e.title for e in split if e.question)
    assert sum(asked.values()) == 20 and "held-out" not in {e.title for e in split}
    assert asked["forum"] <= 5, asked  # round-robin: 5 from each of the four articles
    # every paragraph of the chosen articles is in the corpus, asked or not
    assert len(split) == 518
