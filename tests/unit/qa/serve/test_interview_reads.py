"""Whose interview a document is, for the "I" of its replies."""

from __future__ import annotations

from kgqa.qa.serve.interview_reads import interviewee

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
