"""The parts of passages that a question names, read alone beside the whole passages, and the
answers of the parts it does not name, not shown: the fields ("Key: value" lines, table
cells) and directory entries (``field_reads``, ``entry_reads``: setting ``field_answers``),
and the section of the version or year it names (``anchor_reads``: ``anchor_answers``)."""

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
    from kgqa.qa.serve.anchor_reads import anchor_read_answers, rival_scoped
    from kgqa.qa.serve.entry_reads import other_entries
    from kgqa.qa.serve.field_reads import field_read_answers, other_fields

    added: list[Answer] = []
    hidden: set[int] = set()
    if service.settings.field_answers:
        added += field_read_answers(service, question, hits)
        hidden |= other_fields(question, read + added) | other_entries(question, read + added)
    if service.settings.anchor_answers:
        added += anchor_read_answers(service, question, hits)
        hidden |= rival_scoped(question, read + added)
    return added, hidden
