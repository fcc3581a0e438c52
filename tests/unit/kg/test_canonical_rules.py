"""Entity canonicalisation rules on hand-made mentions: titles and case, acronyms and surnames
within a document, corpus rules and the merge settings."""

from __future__ import annotations

from collections.abc import Sequence

from kgqa.kg.canonical import (
    document_aliases,
    is_award,
    is_role_title,
    kin_before,
    names_nothing,
    node_id,
    part_of_post,
    strip_title,
    without_descriptors,
)
from kgqa.kg.graph import EvidenceRow, MentionRow, MergeRules, build_graph


def test_titles_determiners_and_case_give_one_id() -> None:
    assert strip_title("Dr. Marie Curie") == "Marie Curie"
    assert strip_title("President") == "President"
    assert node_id("the United Nations", "ORG") == node_id("UNITED NATIONS", "ORG")


def mention(text: str, surface: str, label: str, nth: int = 0) -> tuple[str, str, int, int]:
    """The ``nth`` mention of ``surface`` in ``text`` (surface, label, start, end)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(surface, at + 1)
    return surface, label, at, at + len(surface)


def merges(
    text: str, mentions: list[tuple[str, str, int, int]], spans: Sequence[tuple[int, int]] = ()
) -> set[tuple[int, int, str]]:
    """The document rules' merges of ``mentions``: (mention, the one it joins, the rule)."""
    return {(a.mention, a.target, a.rule) for a in document_aliases(text, mentions, spans)}


def test_document_rules_acronym_and_closest_surname() -> None:
    text = (
        "The World Health Organization (WHO) met Marie Curie and Pierre Curie. Curie and WHO left."
    )

    mentions = [
        mention(text, "The World Health Organization", "ORG"),
        mention(text, "WHO", "ORG"),
        mention(text, "Marie Curie", "PERSON"),
        mention(text, "Pierre Curie", "PERSON"),
        mention(text, "Curie", "PERSON", 2),
        mention(text, "WHO", "ORG", 1),
    ]
    assert merges(text, mentions) == {(1, 0, "acronym"), (5, 0, "acronym"), (4, 3, "surname")}


def test_an_acronym_that_counts_a_repeated_letter_is_the_long_form() -> None:
    text = "He founded the World Wide Web Consortium (W3C) in 1994. W3C sets web standards."
    mentions = [
        mention(text, "the World Wide Web Consortium", "ORG"),
        mention(text, "W3C", "ORG"),
        mention(text, "W3C", "ORG", 1),
    ]
    assert merges(text, mentions) == {(1, 0, "acronym"), (2, 0, "acronym")}
    # a year in brackets after a name is no acronym of it
    text = "The World Wide Web Consortium (1994) and WWC are two."
    mentions = [mention(text, "The World Wide Web Consortium", "ORG"), mention(text, "WWC", "ORG")]
    assert document_aliases(text, mentions) == []


def test_an_organisation_without_its_legal_form_is_the_one_with_it() -> None:
    text = (
        "Harbor Lights hired Mara Quint. Harbor Lights Ltd, a Halifax firm, thanked Harbor Lights."
    )

    mentions = [
        mention(text, "Harbor Lights", "ORG"),  # before the full name, too
        mention(text, "Mara Quint", "PERSON"),
        mention(text, "Harbor Lights Ltd", "ORG"),
        mention(text, "Harbor Lights", "ORG", 2),
    ]
    assert merges(text, mentions) == {(0, 2, "legal-form"), (3, 2, "legal-form")}
    # a short name of another type is left alone; two companies of one short name stay apart
    assert not document_aliases(text, [mentions[0][:1] + ("GPE",) + mentions[0][2:], mentions[2]])
    two = "Acme Ltd sued Acme Inc. Acme lost."
    both = [("Acme Ltd", "ORG", 0, 8), ("Acme Inc", "ORG", 14, 22), ("Acme", "ORG", 24, 28)]
    assert not document_aliases(two, both, sentences(two))


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentence spans of ``text``, as the extractor gives them (here: cut at ". ")."""
    spans, start = [], 0
    for part in text.split(". "):
        spans.append((start, start + len(part)))
        start += len(part) + 2
    return spans


def test_a_company_named_by_its_first_word_is_the_one_named_in_full_before() -> None:
    text = "Acme Robotics was founded by Tomas Berg. Acme's best-known product is the Porter."
    mentions = [
        mention(text, "Acme Robotics", "ORG"),
        mention(text, "Tomas Berg", "PERSON"),
        mention(text, "Acme", "ORG", 1),
    ]
    assert merges(text, mentions, sentences(text)) == {(2, 0, "short-name")}
    # without the sentences, the whole text is the short name's sentence: kept apart
    assert not document_aliases(text, mentions)
    # two companies of that first word, or the two names in one sentence: two organisations
    two = "Acme Robotics bought Acme Foods. Acme grew."
    both = [mention(two, "Acme Robotics", "ORG"), mention(two, "Acme Foods", "ORG"),
            mention(two, "Acme", "ORG", 2)]  # fmt: skip
    assert not document_aliases(two, both, sentences(two))
    part = "Microsoft Research is a division of Microsoft. Microsoft makes Windows."
    parts = [mention(part, "Microsoft Research", "ORG"), mention(part, "Microsoft", "ORG", 1),
             mention(part, "Microsoft", "ORG", 2)]  # fmt: skip
    assert not document_aliases(part, parts, sentences(part))
    # a person of that surname comes first: the surname rule decides
    founder = "Tessaro Robotics was started by Paolo Tessaro. Tessaro lives in Turin."
    found = [mention(founder, "Tessaro Robotics", "ORG"),
             mention(founder, "Paolo Tessaro", "PERSON"),
             mention(founder, "Tessaro", "ORG", 2)]  # fmt: skip
    assert {a.rule for a in document_aliases(founder, found, sentences(founder))} == {"surname"}


def test_a_title_s_short_name_of_two_words_is_the_institute_in_every_document() -> None:
    text = "About the Lindgren Institute\n\nThe Lindgren Institute for Marine Research was founded."
    mentions = [
        mention(text, "Lindgren Institute", "ORG"),
        mention(text, "Lindgren Institute for Marine Research", "ORG"),
    ]
    # the title names it before the full name does; two words: "leading-words"
    title_and_body = [(0, text.index("\n")), (text.index("The"), len(text))]
    assert merges(text, mentions, title_and_body) == {(0, 1, "leading-words")}
    full, short = "lindgren-institute-for-marine-research:ORG", "lindgren-institute:ORG"
    rows = [
        MentionRow(full, "Lindgren Institute for Marine Research", "ORG", "a"),
        MentionRow(full, "Lindgren Institute", "ORG", "a", short, "leading-words"),
        MentionRow(short, "Lindgren Institute", "ORG", "b"),  # a page that never says it in full
        MentionRow("acme-robotics:ORG", "Acme Robotics", "ORG", "c"),
        MentionRow("acme-robotics:ORG", "Acme", "ORG", "c", "acme:ORG", "short-name"),
        MentionRow("acme:ORG", "Acme", "ORG", "d"),
    ]
    nodes = set(build_graph(rows, []))
    assert short not in nodes and full in nodes
    # one word ("Acme") holds in its own document only
    assert "acme:ORG" in nodes


def test_a_company_s_one_word_name_beside_its_legal_name_holds_in_every_document() -> None:
    text = "Meridian Logistics N.V. bought Kestrel. Meridian Logistics said Meridian will grow."
    mentions = [
        mention(text, "Meridian Logistics N.V.", "ORG"),
        mention(text, "Meridian Logistics", "ORG", 1),
        mention(text, "Meridian", "ORG", 2),
    ]
    # with and without its legal form, one organisation: its short name is it
    assert (2, 0, "short-name") in merges(text, mentions, [(0, 39), (40, len(text))])
    full = "meridian-logistics-n-v:ORG"
    rows = [
        MentionRow(full, "Meridian Logistics N.V", "ORG", "a"),
        MentionRow(full, "Meridian", "ORG", "a", "meridian:ORG", "short-name"),
        MentionRow("meridian:ORG", "Meridian", "ORG", "b"),  # the investor FAQ
        MentionRow("microsoft-research:ORG", "Microsoft Research", "ORG", "c"),
        MentionRow(
            "microsoft-research:ORG", "Microsoft", "ORG", "c", "microsoft:ORG", "short-name"
        ),
        MentionRow("microsoft:ORG", "Microsoft", "ORG", "d"),
    ]
    nodes = set(build_graph(rows, []))
    assert "meridian:ORG" not in nodes and full in nodes
    # no legal form: a part of a company, whose short name holds in its own document only
    assert "microsoft:ORG" in nodes


def test_a_relative_named_in_full_is_not_whom_the_surname_names() -> None:
    text = (
        "Adaeze Okafor is a hydrologist. Okafor grew up where her father, Chukwuma Okafor, "
        "taught. Okafor studied in London."
    )
    mentions = [
        mention(text, "Adaeze Okafor", "PERSON"),
        mention(text, "Okafor", "PERSON", 1),
        mention(text, "Chukwuma Okafor", "PERSON"),
        mention(text, "Okafor", "PERSON", 3),
    ]
    assert merges(text, mentions) == {(1, 0, "surname"), (3, 0, "surname")}
    assert kin_before(text, text.index("Chukwuma")) == "parent"
    assert kin_before("his son Jacques", 8) == "child"
    assert kin_before("Marie met Jacques", 10) is None


def test_a_short_name_holds_across_documents_when_one_company_carries_it() -> None:
    rows = [
        MentionRow("harbor-lights-ltd:ORG", "Harbor Lights Ltd", "ORG", "a"),
        MentionRow(
            "harbor-lights-ltd:ORG", "Harbor Lights", "ORG", "a", "harbor-lights:ORG", "legal-form"
        ),
        MentionRow("harbor-lights:ORG", "Harbor Lights", "ORG", "b"),
        MentionRow("kettle:ORG", "Kettle", "ORG", "c"),
    ]
    g = build_graph(rows, [])
    assert set(g) == {"harbor-lights-ltd:ORG", "kettle:ORG"}
    # a second company with the short name: the short name stays its own node
    rows += [
        MentionRow(
            "harbor-lights-inc:ORG", "Harbor Lights", "ORG", "d", "harbor-lights:ORG", "legal-form"
        )
    ]
    assert "harbor-lights:ORG" in build_graph(rows, [])


def test_corpus_rules_and_settings_rules() -> None:
    rows = [
        MentionRow("marie-curie:PERSON", "Marie Curie", "PERSON", "a"),
        MentionRow("curie:PERSON", "Curie", "PERSON", "b"),
        MentionRow(
            "world-health-organization:ORG",
            "World Health Organization",
            "ORG",
            "c",
            "who:ORG",
            "acronym",
        ),
        MentionRow("who:ORG", "WHO", "ORG", "d"),
        MentionRow("sorbonne:ORG", "Sorbonne", "ORG", "e"),
        MentionRow("university-of-paris:ORG", "University of Paris", "ORG", "e"),
    ]
    ev = [
        EvidenceRow(
            "curie:PERSON",
            "sorbonne:ORG",
            "study_at",
            0.6,
            "dependency",
            "b",
            "b#0",
            0,
            9,
            "Curie studied at the Sorbonne.",
        )
    ]
    g = build_graph(rows, ev)
    assert set(g) == {
        "marie-curie:PERSON",
        "world-health-organization:ORG",
        "sorbonne:ORG",
        "university-of-paris:ORG",
    }, "lone surname and acronym hold across documents"
    assert g.has_edge("marie-curie:PERSON", "sorbonne:ORG", "study_at")
    g = build_graph(
        rows, ev, MergeRules({"Sorbonne": "University of Paris"}, [("Curie", "Marie Curie")])
    )
    assert "curie:PERSON" in g and "sorbonne:ORG" not in g
    assert g.has_edge("curie:PERSON", "university-of-paris:ORG", "study_at")
    assert any("always-merge" in m for m in g.nodes["university-of-paris:ORG"]["merged"])
    # two different people who share a surname: the lone surname is ambiguous across documents
    rows.append(MentionRow("pierre-curie:PERSON", "Pierre Curie", "PERSON", "f"))
    assert "curie:PERSON" in build_graph(rows, ev)


def test_a_first_name_tagged_as_an_organisation_is_the_person_named_before() -> None:
    text = "Priya Raman - Head of Communications. Priya reports to Georgia Banks. Georgia agreed."
    mentions = [
        mention(text, "Priya Raman", "PERSON"),
        mention(text, "Priya", "ORG", 1),  # the small tagger's type for a first name alone
        mention(text, "Georgia Banks", "PERSON"),
        mention(text, "Georgia", "GPE", 1),  # a place keeps its own node
    ]
    assert merges(text, mentions) == {(1, 0, "given-name")}


def test_words_that_name_nothing() -> None:
    for word in ("Our", "You", "PhD", "BSc", "NOK", "B.V.", "Ltd"):
        assert names_nothing(word), word
    for name in ("Acme Ltd", "Nokia", "Norway"):
        assert not names_nothing(name), name
    post = "Henrik Aalto, Chief Financial Officer"
    assert part_of_post(post, post.index("Chief"), post.index(" Officer"))
    # lowercase words that end a name describe it
    text = "The Fisheries Ecology group met."
    assert text[4 : without_descriptors(text, 4, 27)] == "Fisheries Ecology"
    assert without_descriptors("Nsukka campus", 0, 13) == 13  # one name word: left alone


def test_posts_are_not_names() -> None:
    for post in ("CFO", "the CEO", "Chair", "Chief Scientific Officer", "Vice President"):
        assert is_role_title(post), post
    for name in ("Clinical Development", "Board of Directors", "General Electric", "MD Anderson"):
        assert not is_role_title(name), name
    # a team table's posts: a post's word in lowercase at the end
    assert is_role_title("Release manager") and is_role_title("Project lead")
    assert not is_role_title("Acme Lead") and not is_role_title("Band Leader")
    # a post over a body or a field
    assert is_role_title("Chair of Trustees") and is_role_title("Head of Planning")
    assert not is_role_title("Bank of England") and not is_role_title("University of Ghana")
    assert names_nothing("B") and names_nothing("CFO") and not names_nothing("Bo")
    # an e-mail's close and date, and a phrase of "our": no one's name
    for nothing in ("Best regards", "Kind regards", "Tue", "Our scientists", "their board"):
        assert names_nothing(nothing), nothing
    for name in ("Sun Microsystems", "Regards Capital", "Ourense", "The Sun"):
        assert not names_nothing(name), name
    assert is_award("the Hartwell Prize for Translational Medicine") and is_award("Turing Award")
    assert not is_award("Prizewinning Foods")


def test_a_node_is_labelled_as_its_name_is_written_not_in_capitals() -> None:
    rows = [MentionRow("tom-reddy:PERSON", "TOM REDDY", "PERSON", "a")] * 3
    rows.append(MentionRow("tom-reddy:PERSON", "Tom Reddy", "PERSON", "a"))
    rows.append(MentionRow("nasa:ORG", "NASA", "ORG", "a"))
    g = build_graph(rows, [])
    assert g.nodes["tom-reddy:PERSON"]["label"] == "Tom Reddy"
    assert g.nodes["nasa:ORG"]["label"] == "NASA"  # a name only written in capitals keeps them
