"""Answers from a biography, an interview and a visitor page, through `kgqa ask` (texts written
for this test): an interview's own question is no answer to it, the reply under it is, without
its speaker's name; a date
of birth is no answer to when someone died; the header or a row's key of a table is no answer
beside the cell the question names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import asked, store_of
from tests.e2e.test_graph_people import BIOGRAPHY, INTERVIEW

pytestmark = pytest.mark.slow

VISIT = """# Visit the Tollhouse Museum

## Opening hours

| Season | Days | Hours |
|---|---|---|
| Summer (1 June - 31 August) | Every day | 10:00 - 18:00 |
| Winter (1 September - 31 May) | Tuesday - Sunday | 11:00 - 16:00 |

The museum is closed on 25 December.
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {"marsh.html": BIOGRAPHY, "interview.txt": INTERVIEW, "visit.md": VISIT}
    return store_of(tmp_path_factory.mktemp("answers_people"), files)


answers = asked


def test_an_interview_s_question_is_answered_by_the_reply_under_it(store: Path) -> None:
    shown = answers(store, "Who leads the glacier project?", KGQA_ANSWER_THRESHOLD="0")
    # the reply, without its speaker; not the speaker who asks
    assert shown and shown[0] == "Dr Sam Okoro"
    assert not any("PAUL NG" in text for text in shown)


def test_a_date_of_birth_answers_no_question_of_a_death(store: Path) -> None:
    assert answers(store, "When was Lena Marsh born?") == ["3 March 1950"]
    every = answers(store, "When did Lena Marsh die?", KGQA_ANSWER_THRESHOLD="0")
    assert "3 March 1950" not in every


def test_a_table_s_header_and_row_keys_are_no_answer_beside_the_cell_asked(store: Path) -> None:
    every = answers(store, "What are the opening hours in winter?", KGQA_ANSWER_THRESHOLD="0")
    assert every and every[0] == "11:00 - 16:00"
    assert not {"Days", "Hours", "1 September - 31 May", "Winter"} & set(every)
