"""Publishing sends everyone their group in their language; late sign-ups join with least change."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas
from verme.grouping import Weights
from verme.groups.models import Group, GroupMember, LatePlacement, Proposal
from verme.groups.services import proposal_create, proposal_publish, proposal_run
from verme.groups.tests.factories import a_small_round, an_online_only_round
from verme.organisations.tests.factories import UnitFactory
from verme.registrations.models import Registration
from verme.registrations.tests.factories import RegistrationFactory
from verme.rounds.selectors import round_slots, round_themes
from verme.rounds.tests.factories import RoundFactory
from verme.tests.mail import Mailbox

pytestmark = pytest.mark.django_db


def _ready(personas: Personas, capture: Any, **kwargs: Any) -> Proposal:
    small = a_small_round(personas.org_a, **kwargs)
    with capture(execute=True):
        proposal = proposal_create(
            actor=None, round_=small.round, weights=Weights(), time_limit_s=2
        )
    proposal.refresh_from_db()
    return proposal


def test_publishing_creates_groups_and_mails_every_member_and_mentor_in_their_language(
    personas: Personas, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = _ready(personas, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        groups = proposal_publish(actor=personas.coordinator, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    assert len(groups) == 2
    assert GroupMember.objects.for_organisation(personas.org_a).count() == 8
    assert len(mailbox.messages) == 8 + 2
    finnish = mailbox.to("person0@school.example.org")
    swedish = mailbox.to("person1@school.example.org")
    assert len(finnish) == 1
    assert len(swedish) == 1
    assert "Verme-ryhmäsi" in finnish[0]["Subject"]
    assert "Din Vermegrupp" in swedish[0]["Subject"]
    body = Mailbox.text(swedish[0])
    assert "Mentor:" in body
    assert "måndag 14:00" in body
    assert "Hen fick sitt första temaval" in body
    mentor_fi = mailbox.to("mentor1@school.example.org")[0]
    mentor_sv = mailbox.to("mentor0@school.example.org")[0]
    assert "Ohjaat Verme-ryhmää" in mentor_fi["Subject"]
    assert "Du leder en Vermegrupp" in mentor_sv["Subject"]
    assert "Testinen" in Mailbox.text(mentor_fi)


def test_publishing_twice_is_refused(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = _ready(personas, django_capture_on_commit_callbacks)
    proposal_publish(actor=None, proposal=proposal, notify=False)
    with pytest.raises(ValidationError):
        proposal_publish(actor=None, proposal=proposal, notify=False)
    assert Group.objects.for_organisation(personas.org_a).count() == 2


def test_a_late_registration_joins_the_group_of_its_first_wish_that_has_room(
    personas: Personas, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = _ready(personas, django_capture_on_commit_callbacks)
    proposal_publish(actor=None, proposal=proposal, notify=False)
    round_ = proposal.round
    themes = round_themes(round_=round_)
    group = Group.objects.for_organisation(personas.org_a).get(theme=themes[1])
    with django_capture_on_commit_callbacks(execute=True):
        late = RegistrationFactory.create(
            round=round_,
            email="late@school.example.org",
            slots=round_slots(round_=round_)[:3],
            themes=[themes[1]],
            language="sv",
        )
    placement = LatePlacement.objects.for_organisation(personas.org_a).get(registration=late)
    assert placement.reason == LatePlacement.Reason.PLACED
    assert placement.group == group
    member = GroupMember.objects.for_organisation(personas.org_a).get(registration=late)
    assert member.group == group
    assert member.joined_late
    (message,) = mailbox.to("late@school.example.org")
    assert "Din Vermegrupp" in message["Subject"]


def test_a_late_registration_no_group_can_take_goes_to_the_waiting_list_with_the_reason(
    personas: Personas, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = _ready(personas, django_capture_on_commit_callbacks)
    proposal_publish(actor=None, proposal=proposal, notify=False)
    round_ = proposal.round
    with django_capture_on_commit_callbacks(execute=True):
        late = RegistrationFactory.create(
            round=round_,
            email="evening@school.example.org",
            slots=round_slots(round_=round_)[-3:],  # Friday only: no group meets then
        )
    late.refresh_from_db()
    assert late.status == Registration.Status.WAITING
    placement = LatePlacement.objects.for_organisation(personas.org_a).get(registration=late)
    assert placement.reason == LatePlacement.Reason.NO_LANGUAGE_SLOT
    assert placement.group is None
    (message,) = mailbox.to("evening@school.example.org")
    assert "varasijalla" in message["Subject"]
    assert "Syy: Mikään henkilön kielellä" in Mailbox.text(message)


def test_sign_ups_before_publishing_are_left_to_the_optimiser(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    small = a_small_round(personas.org_a, people=1)
    with django_capture_on_commit_callbacks(execute=True):
        RegistrationFactory.create(round=small.round, email="early@school.example.org")
    assert not LatePlacement.objects.for_organisation(personas.org_a).exists()


def test_people_the_published_groups_were_formed_with_get_no_late_placement(
    personas: Personas, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    # As in the demo: sign-ups, forming and publishing in one transaction, so the sign-ups'
    # after-commit step runs once the groups are out. The optimiser decided about these people
    # (someone who can only meet on Friday stays unplaced), so nobody is moved or mailed.
    small = a_small_round(personas.org_a)
    round_ = small.round
    with django_capture_on_commit_callbacks(execute=True):
        friday = RegistrationFactory.create(
            round=round_,
            email="friday@school.example.org",
            slots=round_slots(round_=round_)[-3:],
        )
        proposal = proposal_create(actor=None, round_=round_, weights=Weights(), time_limit_s=2)
        proposal = proposal_run(organisation=personas.org_a, proposal_id=proposal.pk)
        proposal_publish(actor=None, proposal=proposal, notify=False)
    friday.refresh_from_db()
    assert friday.status == Registration.Status.REGISTERED
    assert not LatePlacement.objects.for_organisation(personas.org_a).exists()
    assert mailbox.to("friday@school.example.org") == []


def _published_in_two_regions(personas: Personas, capture: Any) -> tuple[Group, Group]:
    """Two published groups on different themes; the first mentor's unit is in the north and
    the second one's in the south."""
    proposal = _ready(personas, capture)
    proposal_publish(actor=None, proposal=proposal, notify=False)
    first, second = Group.objects.for_organisation(personas.org_a).order_by("number")
    assert first.theme_id != second.theme_id
    for group, region in ((first, "north"), (second, "south")):
        assert group.round_mentor is not None
        mentor = group.round_mentor.mentor
        mentor.unit = UnitFactory.create(organisation=personas.org_a, region=region)
        mentor.save(update_fields=["unit"])
    return first, second


def _late(group: Group, capture: Any, email: str, **fields: Any) -> LatePlacement:
    """A sign-up after publishing whose first wish is `group`'s theme."""
    round_ = group.round
    with capture(execute=True):
        late = RegistrationFactory.create(
            round=round_,
            email=email,
            slots=round_slots(round_=round_)[:3],
            themes=[group.theme],
            **fields,
        )
    return LatePlacement.objects.for_organisation(round_.organisation).get(registration=late)


def test_a_late_registration_without_a_region_joins_a_group_in_any_region(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    north, south = _published_in_two_regions(personas, django_capture_on_commit_callbacks)
    capture = django_capture_on_commit_callbacks
    for group, email in ((north, "student1@example.org"), (south, "student2@example.org")):
        placement = _late(group, capture, email, unit=None, job_title="student_teacher")
        assert (placement.reason, placement.group) == (LatePlacement.Reason.PLACED, group)


def test_a_late_registration_with_a_region_joins_only_an_in_person_group_of_that_region(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    north, south = _published_in_two_regions(personas, django_capture_on_commit_callbacks)
    capture = django_capture_on_commit_callbacks
    northern = UnitFactory.create(organisation=personas.org_a, region="north")
    eastern = UnitFactory.create(organisation=personas.org_a, region="east")
    # Wishes the southern group's theme, but only the northern group meets in their region.
    placement = _late(south, capture, "north@example.org", unit=northern)
    assert (placement.reason, placement.group) == (LatePlacement.Reason.PLACED, north)
    placement = _late(south, capture, "east@example.org", unit=eastern)
    assert (placement.reason, placement.group) == (LatePlacement.Reason.NO_LANGUAGE_SLOT, None)
    assert placement.registration.status == Registration.Status.WAITING


def test_a_group_whose_mentor_has_no_region_meets_in_its_members_region(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = _ready(personas, django_capture_on_commit_callbacks)
    proposal_publish(actor=None, proposal=proposal, notify=False)
    capture = django_capture_on_commit_callbacks
    first, _second = Group.objects.for_organisation(personas.org_a).order_by("number")
    northern = UnitFactory.create(organisation=personas.org_a, region="north")
    southern = UnitFactory.create(organisation=personas.org_a, region="south")
    # The mentors have no unit and the members no region: anyone may join, from any region.
    assert _late(first, capture, "a@example.org", unit=northern).group == first
    # Now the group has a northern member, so it meets in the north.
    assert _late(first, capture, "b@example.org", unit=southern).group != first
    assert _late(first, capture, "c@example.org", unit=northern).group == first


def test_nobody_is_placed_late_into_an_online_group_without_accepting_online_groups(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    north, south = _published_in_two_regions(personas, django_capture_on_commit_callbacks)
    Group.objects.for_organisation(personas.org_a).filter(pk=north.pk).update(online=True)
    placement = _late(
        north,
        django_capture_on_commit_callbacks,
        "student@example.org",
        unit=None,
        job_title="student_teacher",
    )
    assert (placement.reason, placement.group) == (LatePlacement.Reason.PLACED, south)


def test_a_late_registration_who_accepts_online_groups_may_join_an_online_group(
    personas: Personas, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    north, _south = _published_in_two_regions(personas, django_capture_on_commit_callbacks)
    Group.objects.for_organisation(personas.org_a).filter(pk=north.pk).update(online=True)
    capture = django_capture_on_commit_callbacks
    eastern = UnitFactory.create(organisation=personas.org_a, region="east")
    # No group meets in person in the east: only the online group is within reach, and only
    # for someone who accepts online groups.
    placement = _late(north, capture, "eta@example.org", unit=eastern, accepts_online=True)
    assert (placement.reason, placement.group) == (LatePlacement.Reason.PLACED, north)
    (message,) = mailbox.to("eta@example.org")
    body = Mailbox.text(message)
    assert "Ryhmä kokoontuu: verkossa" in body
    assert "Ryhmä kokoontuu verkossa, ja se sopii kaikille sen jäsenille." in body
    refused = _late(north, capture, "lahi@example.org", unit=eastern, accepts_online=False)
    assert (refused.reason, refused.group) == (LatePlacement.Reason.NO_LANGUAGE_SLOT, None)
    assert refused.registration.status == Registration.Status.WAITING


def test_another_organisations_sign_up_is_never_placed_into_this_ones_online_group(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    north, _south = _published_in_two_regions(personas, django_capture_on_commit_callbacks)
    Group.objects.for_organisation(personas.org_a).filter(pk=north.pk).update(online=True)
    elsewhere = RoundFactory.create(organisation=personas.org_b)
    with django_capture_on_commit_callbacks(execute=True):
        outsider = RegistrationFactory.create(
            round=elsewhere, email="online@b.example.org", accepts_online=True
        )
    assert not GroupMember.objects.for_organisation(personas.org_b).exists()
    assert not LatePlacement.objects.for_organisation(personas.org_b).exists()
    members = GroupMember.objects.for_organisation(personas.org_a).filter(group=north)
    assert outsider.pk not in {m.registration_id for m in members}


def test_people_of_different_regions_who_accept_online_groups_are_grouped_online(
    personas: Personas, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    # The members' unit is in the north and every mentor's in the east, so no group can meet in
    # person: the optimiser forms online groups of those who accept them, and publishing says so.
    small = an_online_only_round(personas.org_a)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_create(
            actor=None, round_=small.round, weights=Weights(), time_limit_s=2
        )
    proposal.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        groups = proposal_publish(actor=None, proposal=proposal)
    assert groups
    assert all(group.online for group in groups)
    (member_mail,) = mailbox.to("person0@school.example.org")
    assert "Ryhmä kokoontuu: verkossa" in Mailbox.text(member_mail)
    (mentor_mail,) = mailbox.to("mentor1@school.example.org")
    assert "Ryhmä kokoontuu: verkossa" in Mailbox.text(mentor_mail)
    swedish = mailbox.to("person1@school.example.org")[0]
    assert "Gruppen träffas: på nätet" in Mailbox.text(swedish)
