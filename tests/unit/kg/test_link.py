"""Question entity linking: names, aliases, fuzzy matches, spaCy NER spans."""

from __future__ import annotations

from pathlib import Path

import spacy

from kgqa.kg.link import EntityLinker
from kgqa.qa.retrieval.embed import PassageEmbedder
from kgqa.qa.retrieval.retriever import Retriever
from kgqa.qa.settings import Settings
from tests.unit.tiny import document, tiny_store


def lower_case_ner() -> spacy.language.Language:
    """A blank pipeline whose NER (an entity ruler) finds 'marie curie' in lower case, which
    the capitalised n-gram finder cannot."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": [{"LOWER": "marie"}, {"LOWER": "curie"}]}])
    return nlp


def corpus(root: Path):
    return tiny_store(
        root,
        [
            document(
                "curie",
                "Marie Curie worked at the Radium Institute in Paris.",
                [("Marie Curie", "PERSON"), ("Radium Institute", "ORG")],
                seed=1,
                relations=[(0, 1, "work_at")],
            ),
            document(
                "other", "The Eiffel Tower stands in Paris.", [("Eiffel Tower", "FAC")], seed=2
            ),
        ],
    )


def test_names_aliases_and_misspellings_link_to_their_nodes(tmp_path: Path) -> None:
    linker = EntityLinker(corpus(tmp_path / "s").graph)
    assert {link.node for link in linker.link("Where did Marie Curie work?")} == {
        "marie-curie:PERSON"
    }
    assert [link.how for link in linker.link("Where did Marie Cuire work?")] == ["fuzzy"]
    assert linker.link("where did marie curie work?") == []


def test_a_name_and_the_verb_after_it_are_no_misspelt_name(tmp_path: Path) -> None:
    # "Curie worked" is as close to "Curie Works" as a misspelling, and longer than "Marie
    # Curie", which the linker would then skip
    generation = tiny_store(
        tmp_path / "s",
        [
            document(
                "works",
                "Curie Works makes lamps. Marie Curie worked in Paris.",
                [("Curie Works", "ORG"), ("Marie Curie", "PERSON")],
                seed=3,
            )
        ],
    )
    linker = EntityLinker(generation.graph)
    links = linker.link("Where has Marie Curie worked?")
    assert [(link.node, link.how) for link in links] == [("marie-curie:PERSON", "name")]
    # a misspelt name of capitalised words is still found
    assert [link.node for link in linker.link("Who owns Curie Wroks?")] == ["curie-works:ORG"]


def test_graph_search_links_ner_spans_after_a_search_without_ner(tmp_path: Path) -> None:
    generation = corpus(tmp_path / "s")
    embedder = PassageEmbedder("unused-in-graph-mode", "cpu", 8, "fp32")
    config = Settings(store=tmp_path / "s").retrieval()
    question = "where did marie curie work?"
    without = Retriever(generation, embedder, config, None)
    assert without.search(question, 3, "graph") == []  # no capitals: nothing to link
    with_ner = Retriever(generation, embedder, config, lower_case_ner())
    assert [h.passage.doc_id for h in with_ner.search(question, 3, "graph")] == ["curie"]
    # and link_with_ner=False really turns the NER off
    off = Retriever(
        generation,
        embedder,
        Settings(store=tmp_path / "s", link_with_ner=False).retrieval(),
        lower_case_ner(),
    )
    assert off.search(question, 3, "graph") == []


def test_fuzzy_matching_over_length_buckets_finds_what_all_keys_would() -> None:
    """Misspellings link to the same node in a large graph as a scan of every name would find
    (the linker only scores names whose length can reach the cutoff)."""
    import difflib
    import random

    import networkx as nx

    rng = random.Random(7)
    letters = "abcdefghij"
    graph = nx.MultiDiGraph()
    for i in range(3000):
        name = "".join(rng.choice(letters) for _ in range(rng.randint(3, 14)))
        graph.add_node(f"n{i}:ORG", label=name, aliases=[], mention_count=rng.randint(0, 9))
    for cutoff in (0.0, 0.6, 0.85, 1.0):
        linker = EntityLinker(graph, fuzzy_cutoff=cutoff)
        matched = 0
        for _ in range(300):
            word = rng.choice(linker.keys)
            typo = list(word)
            typo[rng.randrange(len(typo))] = rng.choice(letters)
            if rng.random() < 0.5:
                typo.insert(rng.randrange(len(typo) + 1), rng.choice(letters))
            key = "".join(typo)
            everything = [k for k in linker.keys if k[:1] == key[:1]]
            expected = difflib.get_close_matches(key, everything, n=1, cutoff=cutoff)
            assert (
                difflib.get_close_matches(key, linker.fuzzy_candidates(key), n=1, cutoff=cutoff)
                == expected
            )
            matched += bool(expected)
        assert matched  # the typos do reach the cutoff


class CountingPipeline:
    """A spaCy pipeline that counts the texts it reads."""

    def __init__(self, nlp: spacy.language.Language) -> None:
        self.nlp = nlp
        self.read: list[str] = []

    def __call__(self, text: str) -> object:
        self.read.append(text)
        return self.nlp(text)


def test_a_question_asked_again_is_not_read_again(tmp_path: Path) -> None:
    """``ask`` links one question several times (search, multi-hop parse, iterative retrieval,
    supporting facts): spaCy reads it once."""
    nlp = CountingPipeline(lower_case_ner())
    linker = EntityLinker(corpus(tmp_path / "s").graph, nlp)
    first = linker.link("where did marie curie work?")
    assert [link.node for link in first] == ["marie-curie:PERSON"]
    first.clear()  # what a caller does with its list is its own
    again = linker.link("where did marie curie work?")
    assert [link.node for link in again] == ["marie-curie:PERSON"]
    linker.link("Where is the Eiffel Tower?")
    assert nlp.read == ["where did marie curie work?", "Where is the Eiffel Tower?"]


def test_the_recogniser_runs_alone_only_where_nothing_else_finds_entities() -> None:
    from kgqa.kg.link import ner_alone

    ner_only = spacy.blank("en")
    ner_only.add_pipe("ner").add_label("ORG")
    ner_only.initialize()
    assert ner_alone(ner_only) is not ner_only  # the recogniser alone
    assert ner_alone(ner_only)("Acme hired Ada.").text == "Acme hired Ada."

    ruled = spacy.blank("en")
    ruled.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "Acme"}])
    ruled.add_pipe("ner").add_label("ORG")
    ruled.initialize()
    assert ner_alone(ruled) is ruled  # the ruler's entities count too

    listening = spacy.blank("en")
    listening.add_pipe("tok2vec")
    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": 96}
    listening.add_pipe("ner", config={"model": {"tok2vec": listener}}).add_label("ORG")
    listening.initialize()
    assert ner_alone(listening) is listening  # its recogniser needs the shared tok2vec
    ruler_only = lower_case_ner()
    assert ner_alone(ruler_only) is ruler_only  # no recogniser: the whole pipeline
