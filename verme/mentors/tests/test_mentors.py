"""The coordinator keeps the round's mentors: languages, unit, capacity, weekly times, themes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import Personas
from verme.mentors.models import Mentor, RoundMentor
from verme.mentors.tests.factories import a_round_mentor
from verme.rounds.selectors import round_slots, round_themes
from verme.rounds.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_the_coordinator_adds_and_edits_a_mentor_in_one_form(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    slots, themes = round_slots(round_=round_), round_themes(round_=round_)
    client.force_login(personas.coordinator)
    data = {
        "name": "Elin Strand",
        "email": "Elin.Strand@example.org",
        "unit": personas.unit_a.pk,
        "languages": ["fi", "sv"],
        "language": "sv",
        "capacity": "2",
        "slots": [slots[0].pk, slots[1].pk],
        "themes": [themes[0].pk],
    }
    url = reverse("mentors:add", kwargs={"slug": "aalto-demo", "pk": round_.pk})
    response = client.post(url, data)
    assert response.status_code == 302
    round_mentor = RoundMentor.objects.for_organisation(personas.org_a).get()
    assert round_mentor.mentor.email == "elin.strand@example.org"
    assert round_mentor.capacity == 2
    assert list(round_mentor.slots.all()) == [slots[0], slots[1]]
    edit = reverse(
        "mentors:edit", kwargs={"slug": "aalto-demo", "pk": round_.pk, "mentor_pk": round_mentor.pk}
    )
    assert "Elin Strand" in client.get(edit).content.decode()
    client.post(edit, {**data, "capacity": "1", "name": "Elin Strand-Nyberg"})
    round_mentor.refresh_from_db()
    assert round_mentor.capacity == 1
    assert round_mentor.mentor.name == "Elin Strand-Nyberg"
    listing = client.get(reverse("mentors:list", kwargs={"slug": "aalto-demo", "pk": round_.pk}))
    assert "Elin Strand-Nyberg" in listing.content.decode()


def test_a_mentor_is_added_to_a_round_once_and_kept_for_later_rounds(personas: Personas) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    round_mentor = a_round_mentor(round_)
    with pytest.raises(ValidationError):
        a_round_mentor(round_)
    next_round = RoundFactory.create(organisation=personas.org_a, school_year="2027–2028")
    again = a_round_mentor(next_round)
    assert again.mentor == round_mentor.mentor
    assert Mentor.objects.for_organisation(personas.org_a).count() == 1


def test_removing_a_mentor_from_a_round_needs_the_rounds_coordinator(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    round_mentor = a_round_mentor(round_)
    kwargs = {"slug": "aalto-demo", "pk": round_.pk, "mentor_pk": round_mentor.pk}
    client.force_login(personas.outsider)
    assert client.post(reverse("mentors:remove", kwargs=kwargs)).status_code == 404
    client.force_login(personas.coordinator)
    assert client.post(reverse("mentors:remove", kwargs=kwargs)).status_code == 302
    assert not RoundMentor.objects.for_organisation(personas.org_a).exists()
