"""Which part of a passage is about the version or year a question names."""

from __future__ import annotations

from kgqa.qa.serve.anchor_reads import marks, passage_scopes, rival_scoped, unversioned
from kgqa.qa.types import Answer
from tests.unit.qa.serve.test_read_checks import read

NOTES = (
    "Quillon release notes\n\n2.1.0 (2024-06-30)\n\nDropped support for Python 3.8.\n\n"
    "2.0.0 (2024-02-12)\n\nRenamed the qln command to quillon.\n\n"
    "1.4.2 (2023-10-03)\n\nFixed a crash."
)
BUDGET = (
    "Finances\nThe budget in 2024 was NOK 212 million, up from NOK 195 million in 2023. "
    "Grants made up 61 percent."
)


def parts(text: str, question: str) -> tuple[list[str], list[str]]:
    scopes = passage_scopes(text, marks(question))
    assert scopes is not None
    return [text[a:b] for a, b in scopes.anchors], [text[a:b] for a, b in scopes.rivals]


def test_marks_are_versions_and_years_not_amounts() -> None:
    found = marks("v2.0.0 of 12 May 2026, a £4.2 million budget, 3.5% more, 1,2024 people")
    assert [(m.kind, m.text) for m in found] == [("version", "2.0.0"), ("year", "2026")]


def test_a_version_s_scope_is_the_section_under_its_heading() -> None:
    anchors, rivals = parts(NOTES, "When was Quillon 2.0.0 released?")
    assert anchors == ["2.0.0 (2024-02-12)\n\nRenamed the qln command to quillon."]
    scopes = passage_scopes(NOTES, marks("When was Quillon 2.0.0 released?"))
    assert scopes is not None and [NOTES[a:b] for a, b in scopes.sections] == anchors
    assert rivals[0].startswith("2.1.0 (2024-06-30)") and "2.0.0" not in rivals[0]
    # "3.0" names no heading: every section is a rival's
    anchors, rivals = parts(NOTES, "When was Quillon 3.0 released?")
    assert anchors == [] and [r[:5] for r in rivals] == ["2.1.0", "2.0.0", "1.4.2"]


def test_a_year_in_a_sentence_or_a_title_has_no_scope() -> None:
    # read alone, a sentence's clauses answered SQuAD 2.0 questions the text does not answer
    assert passage_scopes(BUDGET, marks("What was the budget in 2023?")) is None
    title = "Results 2025\n\nRevenue grew in 2025.\n\nThe 2024 figures are below."
    assert passage_scopes(title, marks("What was the revenue in 2024?")) is None


def test_an_answer_in_a_rival_s_scope_is_hidden_unless_it_is_of_the_anchor_s_kind() -> None:
    def answer(text: str) -> Answer:
        at = NOTES.index(text)
        return Answer(text, 1.0, "n.md", "n.md#0", at, at + len(text), NOTES, 0)

    wrong, right, version = answer("2024-06-30"), answer("2024-02-12"), answer("2.1.0")
    question = "When was Quillon 2.0.0 released?"
    assert rival_scoped(question, [wrong, right]) == {id(wrong)}
    assert rival_scoped("Which release dropped Python 3.8?", [version]) == set()
    assert rival_scoped("When was Quillon released?", [wrong]) == set()  # no anchor


def test_a_year_that_heads_a_column_is_the_scope_of_its_cells() -> None:
    table = "Results\n\n| Item | 2025 | 2024 |\n|---|---|---|\n| Revenue | 48.2 | 36.1 |"
    anchors, rivals = parts(table, "What was the revenue in 2024?")
    assert anchors == ["36.1"] and rivals == ["48.2"]
    # a cell is read as a field, not alone as an anchor's section
    scopes = passage_scopes(table, marks("What was the revenue in 2024?"))
    assert scopes is not None and scopes.sections == []
    anchors, rivals = parts(table, "What was the revenue in 2019?")
    assert anchors == [] and rivals == ["48.2", "36.1"]


def test_which_version_is_not_answered_by_what_names_no_version() -> None:
    line, version = read(NOTES, "qln command"), read(NOTES, "2.0.0")
    asked = "Which version renamed the qln command?"
    assert unversioned(asked, [line, version]) == {id(line)}
    # with no version among the answers, none is hidden; nor for another kind of question
    assert unversioned(asked, [line]) == set()
    assert unversioned("What did 2.0.0 rename?", [line, version]) == set()
