"""Random processed documents for the store's tests: passages of random words, mentions of
names that collide in every way the resolver knows (surnames, acronyms, one name typed several
ways), evidence between them, and random unit vectors."""

from __future__ import annotations

import random

import numpy as np

from kgqa.kg.graph import EvidenceRow, MentionRow
from kgqa.qa.store import PassageMention, ProcessedDocument
from kgqa.qa.types import Document, Passage

DIM = 8


MODELS = {"embedder": "test-embedder", "embedding_dimension": DIM}


# (node after the document's rules, own node, rule, name): full names, lone surnames that a
# second Curie makes ambiguous, acronyms and short names ("Harbor Lights" of "Harbor Lights
# Ltd") defined for one or two organisations, plain places,
# names typed differently across mentions (which a type merge makes one node, by votes)
MENTIONS = [
    ("cork:GPE", "", "", "Cork"),
    ("cork:PERSON", "", "", "Cork"),
    ("cork:ORG", "", "", "Cork"),
    ("curie:ORG", "", "", "Curie"),
    ("marie-curie:PERSON", "", "", "Marie Curie"),
    ("pierre-curie:PERSON", "", "", "Pierre Curie"),
    ("curie:PERSON", "", "", "Curie"),
    ("albert-einstein:PERSON", "", "", "Albert Einstein"),
    ("einstein:PERSON", "", "", "Einstein"),
    ("world-health-organization:ORG", "who:ORG", "acronym", "WHO"),
    ("world-hockey-organisation:ORG", "who:ORG", "acronym", "WHO"),
    ("who:ORG", "", "", "WHO"),
    ("world-health-organization:ORG", "", "", "World Health Organization"),
    ("harbor-lights-ltd:ORG", "harbor-lights:ORG", "legal-form", "Harbor Lights"),
    ("harbor-lights-inc:ORG", "harbor-lights:ORG", "legal-form", "Harbor Lights"),
    ("harbor-lights:ORG", "", "", "Harbor Lights"),
    ("harbor-lights-ltd:ORG", "", "", "Harbor Lights Ltd"),
    ("paris:GPE", "", "", "Paris"),
    ("warsaw:GPE", "", "", "Warsaw"),
    ("varsovie:GPE", "", "", "Varsovie"),
]


WORDS = "radium physics prize city health hockey born worked studied museum river".split()


def document(doc_id: str, rng: random.Random) -> ProcessedDocument:
    text_words = rng.sample(WORDS, 5)
    passages, mentions, evidence = [], [], []
    start = 0
    for ordinal in range(rng.randint(1, 2)):
        text = " ".join(rng.sample(WORDS, 4))
        passage_id = f"{doc_id}#{ordinal}"
        passages.append(Passage(passage_id, doc_id, ordinal, start, start + len(text), text))
        chosen = [rng.choice(MENTIONS) for _ in range(rng.randint(1, 4))]
        for node, own, rule, name in chosen:
            mentions.append(
                PassageMention(
                    passage_id,
                    MentionRow(node, name, node.rsplit(":")[1], doc_id, own, rule),
                    name,
                    start,
                    start + 1,
                )
            )
        for a, b in zip(chosen, chosen[1:]):
            evidence.append(
                EvidenceRow(
                    a[0],
                    b[0],
                    rng.choice(["Live_In", "Work_For"]),
                    round(rng.random(), 3),
                    rng.choice(["joint", "dependency"]),
                    doc_id,
                    passage_id,
                    start,
                    start + 5,
                    text,
                    a[1],
                    b[1],
                )
            )
        start += len(text) + 1
    text = " ".join(text_words)
    vectors = np.random.default_rng(rng.randrange(1 << 30)).normal(size=(len(passages), DIM))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return ProcessedDocument(
        Document(doc_id, text, f"/src/{doc_id}", f"h{rng.random()}", title=doc_id),
        passages,
        vectors.astype(np.float32),
        mentions,
        evidence,
    )
