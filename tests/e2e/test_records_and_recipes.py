"""The seventeenth user set through `kgqa ask`: a sailing club's race records told apart by
their numbers, a table of officers whose posts share a word, a museum's exhibitions under
headings with subtitles, a recall notice's model and colours inside one line's value, a
recipe's measures, a review that calls the museum by its short name, and the name under a
letter's closing line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import asked, ingested

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def seventeenth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = DATA / "user_corpora_17" / "docs"
    return ingested(tmp_path_factory.mktemp("seventeenth"), sorted(docs.iterdir()))


def test_a_numbered_record_answers_for_its_own_number_only(seventeenth: Path) -> None:
    # one JSONL record for each of races 3, 4 and 5
    assert asked(seventeenth, "Which boat won Autumn Series Race 3?")[:1] == ["Curlew"]
    second = asked(seventeenth, "Who came second in Autumn Series Race 5?")
    assert second[:1] and "Skerry" in second[0]
    assert asked(seventeenth, "Who won Autumn Series Race 2?") == []


def test_a_table_s_fullest_post_and_a_group_s_subtitled_heading(seventeenth: Path) -> None:
    # "| Secretary | Sam Dwyer | 2025 |" above "| Sailing Secretary | Fiona Lusk | 2021 |"
    assert asked(seventeenth, "Who is the Sailing Secretary?")[:1] == ["Fiona Lusk"]
    assert asked(seventeenth, "Who will stand for Commodore?")[:1] == ["Peter Quayle"]
    # "Small Worlds: Dolls' Houses 1700-1900" over its "Curator:" and "Admission:" lines
    assert asked(seventeenth, "Who is the curator of Small Worlds?")[:1] == ["Marcus Ede"]
    assert asked(seventeenth, "How much does it cost to see Small Worlds?")[:1] == ["free"]
    # "Dates: 3 October 2026 to 10 January 2027": the range's first end
    assert asked(seventeenth, "When did Small Worlds open?")[:1] == ["3 October 2026"]


def test_a_part_of_a_value_a_recipe_s_measure_and_a_short_name(seventeenth: Path) -> None:
    # "Product: Arlo 1.7 litre electric kettle, model TK-170, colours Slate and Sand"
    assert asked(seventeenth, "What is the model number of the Arlo kettle?")[:1] == ["TK-170"]
    # a Markdown list of ingredients
    assert asked(seventeenth, "How much flour goes into the treacle scones?")[:1] == ["225 g"]
    assert asked(seventeenth, "How much butter do the scones need?")[:1] == ["50 g"]
    # a review of "the Orrin": "The museum's director, Leo Hartigan, took over ..."
    director = asked(seventeenth, "Who is the director of the Orrin Museum?")
    assert director[:1] == ["Leo Hartigan"]


def test_the_name_under_a_letter_s_closing_line_wrote_it(seventeenth: Path) -> None:
    # "Dear Robin, ... With love,\nGranny May"
    assert asked(seventeenth, "Who wrote the letter to Robin?")[:1] == ["Granny May"]
