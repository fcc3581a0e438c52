"""Which name of a person's passage is the father and which the mother."""

from __future__ import annotations

import pytest

from kgqa.qa.multihop.kin import child_span, kin_clash, parent_span


@pytest.mark.parametrize(
    ("text", "father", "mother"),
    [
        ("Anna of Velm (1801 - 1870) was a noblewoman. She was the eldest daughter of Otto II, "
         "Prince of Velm and Tarsk and his wife, Princess Ilse of Brand. She married twice.",
         "Otto II, Prince of Velm and Tarsk", "Princess Ilse of Brand"),
        ("Ruth Kell was the daughter of Lady Mary Osten and her husband John Kell, 2nd Baronet "
         "Kell of Dorran. She taught.", "John Kell, 2nd Baronet Kell of Dorran", "Lady Mary Osten"),
        ("Piran II was the eldest child and heir of Alan IV, Duke of Lusk by his wife Berta of "
         "Moll, and a member of the House of Lusk.", "Alan IV, Duke of Lusk", "Berta of Moll"),
        ("He was the son of Tiberon IX and perhaps his Numidian wife Sela IV. He reigned.",
         "Tiberon IX", "Sela IV"),
        ("Sir Hal Brent was the son of Sir Owen Brent, 2nd Baronet and Mara-Lou Dane.",
         "Sir Owen Brent, 2nd Baronet", "Mara-Lou Dane"),
    ],
)  # fmt: skip
def test_the_father_and_the_mother_are_told_apart(text: str, father: str, mother: str) -> None:
    f, m = parent_span(text, "father"), parent_span(text, "mother")
    assert f is not None and text[f[0] : f[1]] == father
    assert m is not None and text[m[0] : m[1]] == mother


def test_a_stated_parent_and_forms_that_do_not_say_which_parent() -> None:
    text = "Tom Ray was the second son of Lord Ray. His mother was Lady Nell Orr, a painter."
    m = parent_span(text, "mother")
    assert m is not None and text[m[0] : m[1]] == "Lady Nell Orr"
    # one parent named, the other stated: the one named is the father
    f = parent_span(text, "father")
    assert f is not None and text[f[0] : f[1]] == "Lord Ray"
    assert parent_span("Tom Ray was the second son of Lord Ray.", "father") is None  # unsaid
    assert (
        parent_span(
            "Ann Ray was a daughter of Lady Nell Orr. Her mother was Lady Nell Orr.", "father"
        )
        is None
    )
    assert parent_span("She was the daughter of Vorn and Alder Kesh.", "father") is None
    assert parent_span("Ida Pell was a painter from Leeds.", "mother") is None


def test_a_parent_is_either_parent_and_may_follow_what_they_were() -> None:
    text = "Ada Vell is a novelist. The daughter of detective novelist C. W. Vell, she writes."
    p = parent_span(text, "parent")
    assert p is not None and text[p[0] : p[1]] == "C. W. Vell"
    assert parent_span(text, "father") is None  # which parent is not said
    both = "Tom Ray was the son of Sir Roger Ray, 2nd Baronet and Anna Orr."
    first = parent_span(both, "parent")
    assert first is not None and both[first[0] : first[1]] == "Sir Roger Ray"
    # an article or a preposition before the capital: no parent named
    assert parent_span("Tom Ray was the son of a farmer in Kent.", "parent") is None


def test_a_spouse_is_no_child_and_a_child_no_spouse() -> None:
    text = "In 1885 Tom Vell married Ada Rusk. They had three daughters: Ivy, Mae Vell and Ora."
    child = "Who is the child of Tom Vell?"
    assert kin_clash(child, text, text.index("Ada Rusk"))
    assert not kin_clash(child, text, text.index("Mae Vell"))
    wife = "Who is the wife of Tom Vell?"
    assert not kin_clash(wife, text, text.index("Ada Rusk"))
    assert kin_clash(wife, text, text.index("Ivy"))
    # the child's own passage names both parents: the second is no child
    own = "Ivy Vell (1887 - 1933) was a daughter of Governor Tom Vell and Ada Rusk."
    assert kin_clash(child, own, own.index("Ada Rusk"))
    # a question that asks no child or spouse: nothing clashes
    assert not kin_clash("Who is the father of Tom Vell?", text, text.index("Ada Rusk"))


def test_a_child_is_read_from_its_own_passage_naming_the_parent() -> None:
    text = ("Ivy Vell Sayre (May 2, 1887 - 1933) was a daughter of Governor Tom Vell and Ada Rusk. "
            "She was an activist.")  # fmt: skip
    for relation in ("child", "daughter"):
        span = child_span(text, "Tom Vell", relation)
        assert span is not None and text[span[0] : span[1]] == "Ivy Vell Sayre"
    assert child_span(text, "Tom Vell", "son") is None  # a daughter is no son
    assert child_span(text, "Cy Dunn", "child") is None  # another parent
    # a passage that names its subject by the parent's own name says nothing new
    assert child_span("Vell was the second son of Sir Tom Vell.", "Vell", "child") is None
    assert (
        child_span("Ivy Sayre was an activist, a friend of Tom Vell.", "Tom Vell", "child") is None
    )


def test_a_child_named_between_the_subject_and_the_parent_is_the_parents_child() -> None:
    text = "Ena Vell (1941 - 2011) was the adopted daughter of Hal Ivo Vell, the son of Tom Vell."
    span = child_span(text, "Tom Vell", "child")
    assert span is not None and text[span[0] : span[1]] == "Hal Ivo Vell"  # not his grandchild
    assert child_span(text, "Tom Vell", "daughter") is None  # a son is no daughter
    span = child_span(text, "Hal Ivo Vell", "child")  # the subject is his own child
    assert span is not None and text[span[0] : span[1]] == "Ena Vell"
