"""A letter's closing line and the name under it answer who wrote it."""

from __future__ import annotations

from kgqa.qa.serve.letter_reads import _ASKS_WRITER, signature

LETTER = "Dear Robin,\n\nNell baked them on Saturdays.\n\nWith love,\nGranny May\n14 September 2026"


def test_the_name_under_the_last_closing_line_is_the_one_read() -> None:
    start, name, end = signature(LETTER) or (0, 0, 0)
    assert LETTER[start:name] == "With love,\n"
    assert LETTER[name:end] == "Granny May"
    email = "Hi Sam,\n\nThe van is booked.\n\nBest,\nOla\n\nSent from my phone"
    start, name, end = signature(email) or (0, 0, 0)
    assert email[name:end] == "Ola"


def test_a_text_with_no_greeting_or_no_closing_line_is_no_letter() -> None:
    assert signature("Salt Roads is fine.\n\nWith love,\nGranny May") is None
    assert signature("Dear Robin,\n\nNell baked them.\nShe served them with butter.") is None
    # a closing word that opens a sentence is no closing line
    assert signature("Dear Robin,\n\nThanks for the photos. Love to all.") is None


def test_only_a_question_of_who_wrote_a_letter_asks_it() -> None:
    assert _ASKS_WRITER.search("Who wrote the letter to Robin?")
    assert _ASKS_WRITER.search("Who sent the email about the van?")
    assert not _ASKS_WRITER.search("Who baked the scones?")
    assert not _ASKS_WRITER.search("Who wrote the review?")
