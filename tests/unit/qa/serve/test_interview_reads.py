"""Whose interview a document is, for the "I" of its replies, and whose e-mail."""

from __future__ import annotations

from kgqa.qa.serve.interview_reads import _sent_by, interviewee
from kgqa.qa.types import Hit, Passage

OPENING = (
    '"I needed an island": Noor Haddad on The Salt Orchard\n\n'
    "Interview by Priya Sandhu for the Bristol Literary Festival, October 2025"
)


def test_the_one_interviewed_is_the_person_the_question_and_the_opening_name() -> None:
    assert interviewee(OPENING, "What did Noor Haddad study?") == "Noor Haddad"
    assert interviewee(OPENING, "What is Noor Haddad's next novel called?") == "Noor Haddad"
    # the interviewer is not the one who says "I"; nor is anyone in a text that is no interview
    assert interviewee(OPENING, "Where does Priya Sandhu work?") is None
    assert interviewee("Noor Haddad on her novel", "What did Noor Haddad study?") is None
    assert interviewee(OPENING, "Where did Elsa Varga work?") is None
    assert interviewee(OPENING, "Who published The Salt Orchard?") is None


def test_an_e_mail_s_i_is_its_sender_s() -> None:
    thread = (
        "From: Tessel Support <support@tessel.example>\n\nDear Ms Fairweather, I have refunded "
        "you.\n\nFrom: Imogen Fairweather\nDate: Mon, 9 Nov 2026\n\nHello, I bought a Breeze 2 "
        "in June. I want my money back.\n\nFrom: Tessel Support\n\nI opened ticket TS-48815."
    )
    hit = Hit(Passage("t#0", "t", 0, 0, len(thread), thread), 1.0)
    ((_, start, end, named),) = _sent_by(hit, ["Imogen Fairweather"])
    assert thread[start:end] == "Hello, I bought a Breeze 2 in June. I want my money back."
    said = [(thread[a:b], new) for a, b, new in named]
    assert said == [
        ("I", "Imogen Fairweather"),
        ("I", "Imogen Fairweather"),
        ("my", "Imogen Fairweather's"),
    ]
    # the support team's "I" is nobody the question asks about
    assert _sent_by(hit, ["Daniel Achebe"]) == []
