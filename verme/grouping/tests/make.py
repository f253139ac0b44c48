"""Small hand-made problems for the optimiser's tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from verme.grouping import Mentor, Participant, Problem, SizeRule


def person(pid: str, **fields: Any) -> Participant:
    base = Participant(
        id=pid,
        languages=("fi",),
        slots=("mon-1400",),
        themes=("wellbeing",),
        unit="u1",
        years=10.0,
        region="north",
    )
    return replace(base, **fields)


def mentor(mid: str, **fields: Any) -> Mentor:
    base = Mentor(
        id=mid,
        languages=("fi",),
        slots=("mon-1400",),
        themes=("wellbeing",),
        capacity=1,
        unit="u9",
        region="north",
    )
    return replace(base, **fields)


def crowd(prefix: str, n: int, **fields: Any) -> list[Participant]:
    """n people alike, in different units so that unit mixing costs nothing."""
    return [person(f"{prefix}{i}", **{"unit": f"{prefix}-unit{i}", **fields}) for i in range(n)]


def problem(participants: list[Participant], mentors: list[Mentor], **fields: Any) -> Problem:
    return Problem(
        participants=tuple(participants),
        mentors=tuple(mentors),
        size=fields.pop("size", SizeRule(min=3, max=5, target=4)),
        **fields,
    )
