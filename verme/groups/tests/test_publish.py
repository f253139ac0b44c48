"""Publishing sends everyone their group in their language; late sign-ups join with least change."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas
from verme.grouping import Weights
from verme.groups.models import Group, GroupMember, LatePlacement, Proposal
from verme.groups.services import proposal_create, proposal_publish, proposal_run
from verme.groups.tests.factories import a_small_round
from verme.registrations.models import Registration
from verme.registrations.tests.factories import RegistrationFactory
from verme.rounds.selectors import round_slots, round_themes
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
