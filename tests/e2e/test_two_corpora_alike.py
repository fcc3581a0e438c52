"""The thirteenth and fourteenth user sets through `kgqa ask`: two corpora about like things
(a footbridge's repairs beside a railway's, two choirs of one town), where an answer read in
a document about the other is not shown and the passage about the thing asked is read again
past its dateline; the source a sentence reports, another event of the kind asked and the
question's own name are no answers; a field's value that lists parts answers the part asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import asked, ingested

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def thirteenth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = DATA / "user_corpora_13" / "docs"
    return ingested(tmp_path_factory.mktemp("thirteenth"), sorted(docs.iterdir()))


@pytest.fixture(scope="module")
def fourteenth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = DATA / "user_corpora_14" / "docs"
    return ingested(tmp_path_factory.mktemp("fourteenth"), sorted(docs.iterdir()))


def test_a_document_about_another_thing_does_not_answer(thirteenth: Path) -> None:
    # the railway newsletter's "reopened in 1988" and its overhaul's £186,000 never say
    # "footbridge"; the article about the footbridge is read past its dateline
    assert asked(thirteenth, "When will the Ferry Lane footbridge reopen?")[:1] == ["1 March"]
    assert asked(thirteenth, "How much did the footbridge repairs cost?")[:1] == ["£410,000"]
    # and the railway's own questions keep their answers
    assert asked(thirteenth, "When did the railway reopen?")[:1] == ["1988"]
    assert asked(thirteenth, "How much did Nancy's overhaul cost?")[:1] == ["£186,000"]


def test_the_source_a_sentence_reports_did_not_do_what_it_says(thirteenth: Path) -> None:
    # "... after five months of repairs, Cornwall Council has said."
    assert "Cornwall Council" not in asked(thirteenth, "Who carried out the repairs?")


def test_another_event_of_the_kind_asked_does_not_answer(fourteenth: Path) -> None:
    # the programme's "Our summer concert is ... in Colchester Castle Park" is not where the
    # spring concert is; the programme is read again past it
    spring = asked(fourteenth, "Where is the Elmstead spring concert?")
    assert spring[:1] == ["St Andrew's Church"]
    summer = asked(fourteenth, "Where is the Elmstead Choral Society's summer concert?")
    assert summer[:1] == ["Colchester Castle Park"]


def test_a_field_s_value_answers_the_part_asked(fourteenth: Path) -> None:
    student = "How much is a student ticket for the Elmstead spring concert?"
    assert asked(fourteenth, student)[:1] == ["£5"]  # "Tickets: £15, students £5, ..."
    battery = "How long is the warranty on the Tarka E2 battery?"
    assert asked(fourteenth, battery)[:1] == ["2 years"]  # "frame 5 years, motor and battery"
    new_fee = "How much will a private check-up cost from 1 May?"
    assert asked(fourteenth, new_fee)[:1] == ["£60"]  # the column "Fee from 1 May"


def test_a_name_is_no_answer_to_who_founded_it(fourteenth: Path) -> None:
    # "Designed in Bristol by Rivet Cycles Ltd."
    assert asked(fourteenth, "Who founded Rivet Cycles?") == []
    hygienist = "Who is the hygienist at Hatherley Dental Practice?"
    assert asked(fourteenth, hygienist)[:1] == ["Sarah Kent"]  # "Sarah Kent - Hygienist"
