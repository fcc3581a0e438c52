"""What a page calls "a retired" one answers what they did before retiring."""

from __future__ import annotations

from kgqa.qa.serve.former_reads import (
    _ASKS_BEFORE,
    _ASKS_FORMER,
    _BEFORE_AT,
    _JOINED_FROM,
    _RETIRED,
    _said,
)


def read_as(text: str) -> list[str]:
    """What each "retired" place of ``text`` is read as, in turn."""
    return [f"{text[: m.start()]}{_said(m)}{text[m.end() :]}" for m in _RETIRED.finditer(text)]


def test_a_retired_one_is_read_as_what_was_done_before_retiring() -> None:
    assert read_as("Kofi Osei keeps the books. He is a retired accountant.") == [
        "Kofi Osei keeps the books. He was, before retiring, an accountant."
    ]
    assert read_as("Peter Lindqvist, a retired bank manager, chairs it.") == [
        "Peter Lindqvist, before retiring a bank manager, chairs it."
    ]
    assert read_as("She retired in 1996 and moved to Crail.") == []


def test_only_a_question_of_the_work_before_retiring_asks_it() -> None:
    assert _ASKS_FORMER.search("What did Kofi Osei do before retiring?")
    assert _ASKS_FORMER.search("What was her job before she retired?")
    assert not _ASKS_FORMER.search("When did Kofi Osei retire?")


def test_a_join_from_a_place_is_read_as_where_one_worked_before() -> None:
    def joined(text: str) -> list[str]:
        return [
            f"{text[: m.start('sep')]}{_BEFORE_AT}{text[m.end('sep') :]}"
            for m in _JOINED_FROM.finditer(text)
        ]

    assert joined("Professor Reddy joined Kilnworth in 2012 from Durham University.") == [
        "Professor Reddy joined Kilnworth in 2012, having worked before that at Durham University."
    ]
    assert joined("Dr Haddad, who joins us from a practice in Leeds") == [
        "Dr Haddad, who joins us, having worked before that at a practice in Leeds"
    ]
    # a "from" past a clause's end is another's
    assert joined("She joined in 2012. Grants from the Council followed.") == []
    assert _ASKS_BEFORE.match("Where did Alison Reddy work before Kilnworth?")
    assert _ASKS_BEFORE.match("Where did Dr Haddad work before?")
    assert not _ASKS_BEFORE.match("When did Alison Reddy join Kilnworth?")
