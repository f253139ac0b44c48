"""The optimiser's problem is built from what people told in their sign-up and the mentors."""

from __future__ import annotations

import pytest

from conftest import Personas
from verme.grouping import FixedGroup, Pin, Solution, Weights, validate
from verme.groups.selectors import grouping_problem_for_round, slot_key
from verme.mentors.tests.factories import a_round_mentor
from verme.organisations.tests.factories import UnitFactory
from verme.registrations.services import registration_cancel
from verme.registrations.tests.factories import RegistrationFactory
from verme.rounds.selectors import round_slots, round_themes
from verme.rounds.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_problem_has_slots_languages_themes_regions_supervision_and_pairs(
    personas: Personas,
) -> None:
    org = personas.org_a
    north = UnitFactory.create(organisation=org, name="Pohjoinen koulu", region="north")
    south = UnitFactory.create(organisation=org, name="Eteläinen koulu", region="south")
    round_ = RoundFactory.create(organisation=org)
    slots = round_slots(round_=round_)
    themes = round_themes(round_=round_)
    teacher = RegistrationFactory.create(
        round=round_,
        email="teacher@example.org",
        unit=north,
        slots=slots[:3],
        themes=[themes[2], themes[0]],
        keep_together_with="friend@example.org",
        subjects="Matematiikka, fysiikka",
    )
    friend = RegistrationFactory.create(
        round=round_,
        email="friend@example.org",
        unit=south,
        group_language="either",
        slots=slots[3:6],
    )
    principal = RegistrationFactory.create(
        round=round_, email="rehtori@example.org", unit=north, job_title="principal"
    )
    other_unit = RegistrationFactory.create(round=round_, email="other@example.org", unit=south)
    cancelled = RegistrationFactory.create(round=round_, email="gone@example.org", unit=south)
    registration_cancel(registration=cancelled)
    lonely = RegistrationFactory.create(
        round=round_, email="lonely@example.org", keep_together_with="nobody@example.org"
    )
    mentor = a_round_mentor(
        round_, unit=north, languages=["fi", "sv"], capacity=2, slots=slots[:2], themes=themes[:1]
    )

    problem = grouping_problem_for_round(round_=round_, weights=Weights(unassigned=50))

    people = {p.id: p for p in problem.participants}
    assert set(people) == {f"r{r.pk}" for r in (teacher, friend, principal, other_unit, lonely)}
    first = people[f"r{teacher.pk}"]
    assert first.slots == ("mon-1400", "mon-1530", "mon-1700")
    assert first.languages == ("fi",)
    assert first.themes == (f"t{themes[2].pk}", f"t{themes[0].pk}")
    assert first.region == "north"
    assert first.unit == f"u{north.pk}"
    assert first.subjects == ("matematiikka", "fysiikka")
    assert people[f"r{friend.pk}"].languages == ("fi", "sv")
    assert people[f"r{friend.pk}"].region == "south"
    assert problem.together == ((f"r{teacher.pk}", f"r{friend.pk}"),)
    assert problem.supervises == ((f"r{principal.pk}", f"r{teacher.pk}"),)
    assert problem.slots == tuple(slot_key(s) for s in slots)
    assert problem.size.min == round_.group_min
    assert problem.size.max == round_.group_max
    assert problem.weights.unassigned == 50
    (built,) = problem.mentors
    assert built.id == f"m{mentor.pk}"
    assert built.languages == ("fi", "sv")
    assert built.capacity == 2
    assert built.slots == ("mon-1400", "mon-1530")
    assert built.themes == (f"t{themes[0].pk}",)
    assert built.region == "north"


def test_pins_and_fixed_groups_of_people_or_mentors_no_longer_in_the_round_are_left_out(
    personas: Personas,
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    person = RegistrationFactory.create(round=round_)
    mentor = a_round_mentor(round_)
    problem = grouping_problem_for_round(
        round_=round_,
        weights=Weights(),
        pins=[Pin(f"r{person.pk}", "g1"), Pin("r999999", "g1"), Pin(f"r{person.pk}", "gone")],
        groups=[FixedGroup(id="g1", mentor=f"m{mentor.pk}"), FixedGroup(id="gone", mentor="m0")],
    )
    assert [g.id for g in problem.groups] == ["g1"]
    assert problem.pinned == (Pin(f"r{person.pk}", "g1"),)
    empty = Solution(status="feasible", objective=0, bound=0, seconds=0, groups=(), unassigned=())
    assert {v.participant for v in validate(problem, empty)} == {f"r{person.pk}"}


def test_people_who_accept_online_groups_are_online_in_the_problem_and_only_this_rounds(
    personas: Personas,
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    online = RegistrationFactory.create(
        round=round_, email="online@example.org", accepts_online=True
    )
    in_person = RegistrationFactory.create(round=round_, email="lahi@example.org")
    # Organisation B's round has someone with the same answer; A's problem never reaches them.
    elsewhere = RegistrationFactory.create(
        round=RoundFactory.create(organisation=personas.org_b),
        email="online@example.org",
        accepts_online=True,
    )

    problem = grouping_problem_for_round(round_=round_, weights=Weights())

    assert {p.id: p.online for p in problem.participants} == {
        f"r{online.pk}": True,
        f"r{in_person.pk}": False,
    }
    assert f"r{elsewhere.pk}" not in {p.id for p in problem.participants}
