from __future__ import annotations

from collections.abc import Sequence

from verme.mentors.models import RoundMentor
from verme.mentors.services import MentorData, round_mentor_save
from verme.organisations.models import Unit
from verme.rounds.models import Round, Theme, TimeSlot
from verme.rounds.selectors import round_slots, round_themes


def a_round_mentor(
    round_: Round,
    *,
    name: str = "Mikko Mentori",
    email: str = "mikko.mentori@example.org",
    languages: Sequence[str] = ("fi",),
    language: str = "fi",
    capacity: int = 1,
    unit: Unit | None = None,
    slots: Sequence[TimeSlot] | None = None,
    themes: Sequence[Theme] | None = None,
) -> RoundMentor:
    """A mentor added to the round through the coordinator's service."""
    return round_mentor_save(
        actor=None,
        round_=round_,
        data=MentorData(
            name=name,
            email=email,
            languages=list(languages),
            language=language,
            capacity=capacity,
            unit=unit,
            slots=list(slots if slots is not None else round_slots(round_=round_)),
            themes=list(themes if themes is not None else round_themes(round_=round_)),
        ),
    )
