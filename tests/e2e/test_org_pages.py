"""What an organisation's own pages, a ship's record and a museum label put into the graph and
answer, through `kgqa ingest`, `kgqa export` and `kgqa ask` (texts written for this test): a
page that says "the Trust" answers a question about the Kestrel Moor Trust, and its "Name —
Post" lines are fields; an interview's "I" is the one interviewed; a ship's "she" is no person;
a granddaughter is no daughter, and "her" before the name it stands for is no one else's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import asked, graph_json, store_of
from tests.e2e.test_graph_people import edges_of

pytestmark = pytest.mark.slow

REVIEW = """<html><body><main><h1>Annual Review 2025</h1>
<p>The Kestrel Moor Trust now cares for 14 nature reserves across Shropshire and the Welsh
Marches. Its 640 volunteers gave 48,000 hours of their time.</p>
<h2>The year in figures</h2>
<dl><dt>Members</dt><dd>21,500</dd><dt>Income</dt><dd>£4.2 million</dd></dl>
</main><footer><p>Kestrel Moor Trust is a registered charity, number 1023456.</p></footer>
</body></html>"""

PEOPLE = """# Our people

## Staff

**Dr Fiona Bright** — Chief Executive since 2021. Before joining the Trust she led the science
team of the Cumbria Wildlife Trust.

**Gareth Lloyd** — Treasurer. Formerly finance director of Severn Valley Foods.

## Founder

The Trust was founded in 1971 by Edith Crane, a schoolteacher and botanist from Bishop's Castle.
"""

SHIP = """Tindra was a wooden sealer built in 1892 at Risor by the shipwright Hans Tveit for the
merchant Ole Falk. She was 39 metres long. In 1911 she carried the Svalbard Expedition under
Captain Arvid Holm. She was sold to the Spitsbergen Mining Company in 1920.
"""

INTERVIEW = """# Noor Haddad on The Salt Orchard

*Interview by Priya Sandhu, October 2025*

**How long did the book take?**

Four years. I wrote the first draft in eight months.

**You trained as a scientist.**

I studied chemistry at the University of Edinburgh before my first novel was published.
"""

NOVEL = """The Salt Orchard

Author: Noor Haddad

When her father dies, Elsa Varga leaves her post at the Kew seed bank and returns to Lusk.
"""

LABEL = """Brass sextant used by Captain Arvid Holm on the 1911 expedition. Given to the museum by
his granddaughter, Sigrid Holm, in 1987.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    root = tmp_path_factory.mktemp("org_pages")
    files = {"review.html": REVIEW, "people.md": PEOPLE, "ship.txt": SHIP, "label.txt": LABEL}
    files["interview.md"] = INTERVIEW
    files["novel.txt"] = NOVEL
    store = store_of(root, files)
    return store, graph_json(store, root)


def test_a_page_that_says_the_trust_answers_about_the_kestrel_moor_trust(
    built: tuple[Path, dict],
) -> None:
    store = built[0]
    assert asked(store, "Who founded the Kestrel Moor Trust?")[:1] == ["Edith Crane"]
    off = asked(store, "Who founded the Kestrel Moor Trust?", KGQA_SHORT_NAME_ANSWERS="false")
    assert off[:1] != ["Edith Crane"]
    assert asked(store, "Who is the treasurer of the Kestrel Moor Trust?")[:1] == ["Gareth Lloyd"]


def test_an_interview_s_i_is_the_one_interviewed(built: tuple[Path, dict]) -> None:
    assert asked(built[0], "What did Noor Haddad study?")[:1] == ["chemistry"]
    assert asked(built[0], "Where did Noor Haddad study?")[:1] == ["University of Edinburgh"]


def test_a_ship_s_she_is_no_person_and_a_granddaughter_no_daughter(
    built: tuple[Path, dict],
) -> None:
    edges = edges_of(built[1])
    people = {"Ole Falk", "Hans Tveit", "Arvid Holm"}
    assert not {(s, t) for s, _, t in edges if s in people and "Spitsbergen" in t}
    assert not {(s, t) for s, label, t in edges if label == "Parent_Of"}
