"""The web page in a real browser: Playwright driving Debian's headless chromium.

Screenshots go to build/screenshots/ (or $KGQA_SCREENSHOTS)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("KGQA_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("KGQA_SCREENSHOTS", REPO / "build" / "screenshots"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page(served_sample: str):
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"no chromium at {CHROMIUM}: install Debian's package (apt-get install "
            "chromium) or point KGQA_CHROMIUM at a chromium binary"
        )
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 860})
        requests_out: list[str] = []
        tab.on(
            "request",
            lambda r: requests_out.append(r.url) if not r.url.startswith(served_sample) else None,
        )
        tab.goto(served_sample + "/")
        yield tab
        browser.close()
        assert not requests_out, f"the page reached outside the server: {requests_out}"


def test_the_first_screen_says_what_the_store_holds(page) -> None:
    summary = page.locator("#store-summary")
    summary.wait_for(timeout=30_000)
    assert "23 documents" in summary.inner_text()
    chips = page.locator("#top-entities li")
    assert chips.count() == 8 and "Paris" in chips.all_text_contents()
    suggested = page.locator("#suggested a")
    suggested.first.wait_for(timeout=60_000)
    page.screenshot(path=str(SHOTS / "first-screen.png"), full_page=True)
    question = suggested.first.inner_text()
    suggested.first.click()  # asks it
    page.locator(".answer mark").first.wait_for(timeout=60_000)
    assert page.locator("#question").input_value() == question
    # a top entity opens its graph
    page.locator("#top-entities li", has_text="Marie Curie").click()
    page.locator('#graph .node.center[data-id="marie-curie:PERSON"]').wait_for(timeout=30_000)
    page.click("#tab-ask")


def boxes_overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_asking_shows_the_answer_highlighted_in_its_passage(page) -> None:
    page.fill("#question", "Who invented the World Wide Web?")
    page.click("#ask")
    mark = page.locator(".answer mark").first
    mark.wait_for(timeout=60_000)
    assert mark.inner_text() == "Tim Berners-Lee"
    assert page.locator(".answer-text").first.inner_text() == "Tim Berners-Lee"
    meta = page.locator(".answer .meta").first.inner_text()
    assert "tim_berners_lee.txt" in meta
    assert re.search(r"\b\d{1,3}% sure", meta), meta  # the verifier's probability, as a percentage
    page.screenshot(path=str(SHOTS / "ask.png"), full_page=True)

    page.fill("#question", "What is the boiling point of mercury on Mars?")
    page.click("#ask")
    page.locator("#no-answer").wait_for(timeout=60_000)
    assert "No answer" in page.locator("#no-answer").inner_text()


def test_entity_search_draws_its_graph_and_shows_evidence(page) -> None:
    page.click("#tab-entities")
    page.fill("#entity-query", "Curie")
    page.click("#entity-search")
    page.locator("#graph .node.center").wait_for(timeout=30_000)
    assert page.locator("#graph .node").count() > 1
    assert page.locator("#graph .edge").count() >= 1
    assert "Curie" in page.locator("#graph-title").inner_text()
    labels = page.locator("#graph .edge text").all_text_contents()
    assert all(labels)
    # every node's type is in the legend, and the edge labels shown do not overlap
    legend = set(
        page.locator("#legend [data-type]").evaluate_all("els => els.map(e => e.dataset.type)")
    )
    drawn = {page.locator("#graph .node circle").count()}
    assert "PERSON" in legend and drawn
    shown = [
        b for b in (t.bounding_box() for t in page.locator("#graph .edge text:visible").all()) if b
    ]
    assert len(shown) >= 2
    assert not any(boxes_overlap(a, b) for i, a in enumerate(shown) for b in shown[i + 1 :])

    # the click event itself, not a click at the line's middle, where another node or edge
    # of the layout may lie on top
    page.locator("#graph .edge .hitline").first.dispatch_event("click")
    assert page.locator("#details .evidence").count() >= 1
    page.screenshot(path=str(SHOTS / "entity-graph.png"), full_page=True)

    before = page.locator("#graph .node.center").get_attribute("data-id")
    other = page.locator("#graph .node:not(.center)").first
    target = other.get_attribute("data-id")
    other.click()
    # A selector, not wait_for_function: the page's Content-Security-Policy forbids eval.
    page.locator(f'#graph .node.center[data-id="{target}"]').wait_for()
    assert page.locator("#graph .node.center").get_attribute("data-id") != before

    transform = page.locator("#viewport").get_attribute("transform")
    page.click("#zoom-in")
    assert page.locator("#viewport").get_attribute("transform") != transform


def test_more_like_this_lists_similar_passages_and_entities(page) -> None:
    page.click("#tab-ask")
    page.fill("#question", "Who invented the World Wide Web?")
    page.click("#ask")
    page.locator(".answer mark").first.wait_for(timeout=60_000)
    page.locator(".answer .more-like-this").first.click()
    first = page.locator(".answer .similar .similar-passage").first
    first.wait_for(timeout=60_000)
    assert page.locator(".answer .similar .similar-passage").count() == 5
    assert "tim_berners_lee.txt#0" not in first.inner_text(), "not the passage itself"

    page.click("#tab-entities")
    page.fill("#entity-query", "Marie Curie")
    page.click("#entity-search")
    page.locator("#graph .node.center").wait_for(timeout=30_000)
    page.locator("#entity-list .more-like-this").first.click()
    alike = page.locator("#entity-list .similar-entity")
    alike.first.wait_for(timeout=60_000)
    assert alike.count() >= 3
    page.screenshot(path=str(SHOTS / "more_like_this.png"), full_page=True)
    before = page.locator("#graph .node.center").get_attribute("data-id")
    alike.first.click()
    page.locator(f'#graph .node.center:not([data-id="{before}"])').wait_for(timeout=30_000)
