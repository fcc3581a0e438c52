"""The parts of passages that a question names, read alone beside the whole passages, and the
answers of the parts it does not name, not shown: the fields ("Key: value" lines, table
cells), directory entries and list items (``field_reads``, ``entry_reads``, ``item_reads``:
setting ``field_answers``) and the end of a range the question asks (``range_reads``),
the section of the version or year it names and the version whose section holds the line it
names (``anchor_reads``), the section of a dated list it names (``dated_reads``; both
``anchor_answers``), and the
passages that call the organisation it names by its short name ("the Trust":
``short_name_reads``) or the person it names "I" (an interview: ``interview_reads``) or "she"
(``pronoun_reads``), and the name under a letter's closing line for who wrote it
(``letter_reads``; all four ``short_name_answers``)."""

from __future__ import annotations

from typing import Any

from kgqa.qa.types import Answer, Hit


def part_read_answers(
    service: Any, question: str, hits: list[Hit], read: list[Answer]
) -> tuple[list[Answer], set[int]]:
    """What the parts of passages a question names add to the answers of ``service`` (a
    ``QAService``) already ``read``: the answers read in the fields and sections it names, and
    which answers (ids, of both) lie in another field, entry or version's section, not to be
    shown."""
    from kgqa.qa.serve.anchor_reads import anchor_read_answers, version_answers
    from kgqa.qa.serve.dated_reads import dated_answers
    from kgqa.qa.serve.field_reads import field_read_answers
    from kgqa.qa.serve.former_reads import former_answers
    from kgqa.qa.serve.interview_reads import interview_answers
    from kgqa.qa.serve.item_reads import item_read_answers
    from kgqa.qa.serve.letter_reads import letter_writer_answers
    from kgqa.qa.serve.pronoun_reads import pronoun_answers
    from kgqa.qa.serve.range_reads import part_range_ends
    from kgqa.qa.serve.short_name_reads import short_name_answers

    added: list[Answer] = []
    if service.settings.field_answers:
        added += field_read_answers(service, question, hits)
        added += item_read_answers(service, question, hits)
    if service.settings.anchor_answers:
        added += anchor_read_answers(service, question, hits)
        added += version_answers(service, question, hits)
        added += dated_answers(service, question, hits)
    if service.settings.short_name_answers:
        added += short_name_answers(service, question, hits)
        added += interview_answers(service, question, hits)
        added += pronoun_answers(service, question, hits)
        added += former_answers(service, question, hits)
        added += letter_writer_answers(service, question, hits)
    ends, ended = part_range_ends(service, question, read + added)
    added += ends
    return added, hidden_parts(service, question, read + added) | ended


def hidden_parts(service: Any, question: str, answers: list[Answer]) -> set[int]:
    """Which ``answers`` (ids) lie in a field, directory entry or version's section of a
    passage other than the one ``question`` names, or name no version where it asks which one
    and another answer does (with the settings of ``service``)."""
    from kgqa.qa.serve.anchor_reads import rival_scoped, unversioned
    from kgqa.qa.serve.entry_reads import other_entries
    from kgqa.qa.serve.field_reads import other_fields, unlisted
    from kgqa.qa.serve.item_reads import other_items

    hidden: set[int] = set()
    if service.settings.field_answers:
        hidden |= other_fields(question, answers) | other_entries(question, answers)
        hidden |= other_items(question, answers) | unlisted(question, answers)
    if service.settings.anchor_answers:
        hidden |= rival_scoped(question, answers) | unversioned(question, answers)
    return hidden
