from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verme.mentors.models import RoundMentor
from verme.mentors.tests.factories import a_round_mentor
from verme.organisations.models import Organisation
from verme.organisations.tests.factories import UnitFactory
from verme.registrations.models import Registration
from verme.registrations.tests.factories import RegistrationFactory
from verme.rounds.models import Round
from verme.rounds.selectors import round_slots, round_themes
from verme.rounds.tests.factories import RoundFactory

FIRST = ["Aino", "Eero", "Helmi", "Juha", "Kaisa", "Leena", "Matti", "Niina", "Olli", "Päivi"]


@dataclass
class SmallRound:
    round: Round
    registrations: list[Registration]
    mentors: list[RoundMentor]


def a_small_round(
    organisation: Organisation, *, people: int = 8, mentors: int = 2, **person: Any
) -> SmallRound:
    """A round with `people` Finnish registrations sharing three times and `mentors` mentors."""
    round_ = RoundFactory.create(organisation=organisation)
    slots = round_slots(round_=round_)[:3]
    themes = round_themes(round_=round_)
    registrations = [
        RegistrationFactory.create(
            round=round_,
            first_name=FIRST[n % len(FIRST)],
            last_name=f"Testinen{n}",
            email=f"person{n}@school.example.org",
            slots=slots,
            themes=[themes[n % 2], themes[2]],
            years_in_profession=[1, 12][n % 2],
            language=["fi", "sv"][n % 2],
            **person,
        )
        for n in range(people)
    ]
    round_mentors = [
        a_round_mentor(
            round_,
            name=f"Mentori {n}",
            email=f"mentor{n}@school.example.org",
            language=["sv", "fi"][n % 2],
            slots=slots,
        )
        for n in range(mentors)
    ]
    return SmallRound(round=round_, registrations=registrations, mentors=round_mentors)


def an_online_only_round(organisation: Organisation) -> SmallRound:
    """A small round whose members (north, all accepting online groups) and mentors (east)
    share no region, so every group the optimiser forms meets online."""
    northern = UnitFactory.create(organisation=organisation, region="north")
    small = a_small_round(organisation, unit=northern, accepts_online=True)
    for round_mentor in small.mentors:
        mentor = round_mentor.mentor
        mentor.unit = UnitFactory.create(organisation=organisation, region="east")
        mentor.save(update_fields=["unit"])
    return small
