from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from verme.registrations.forms import SignupForm
from verme.registrations.models import Registration
from verme.registrations.selectors import registration_slot_ids
from verme.registrations.tests.factories import RegistrationFactory
from verme.rounds.services import round_close
from verme.rounds.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def _edit_form(registration: Registration, **overrides: Any) -> dict[str, Any]:
    initial = SignupForm.initial_from(
        registration, registration_slot_ids(registration=registration)
    )
    data = {k: ("" if v is None else v) for k, v in initial.items()}
    data.update(overrides)
    return data


def test_the_private_link_shows_edits_and_cancels_the_registration(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    registration = RegistrationFactory.create(round=round_, unit=personas.unit_a)
    token, email = registration.token, registration.email
    assert client.get(reverse("registrations:private", args=[token])).status_code == 200

    response = client.post(
        reverse("registrations:private_edit", args=[token]),
        _edit_form(registration, needs="Vain iltapäivisin", email="other@example.org"),
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.needs == "Vain iltapäivisin"
    assert registration.email == email  # the address field is locked

    client.post(reverse("registrations:private_cancel", args=[token]))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_after_sign_up_closes_the_link_only_shows_the_registration(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    registration = RegistrationFactory.create(round=round_, unit=personas.unit_a)
    round_close(actor=None, round_=round_)
    client.cookies["verme_language"] = "en"
    page = client.get(reverse("registrations:private", args=[registration.token]))
    assert b"can no longer be changed here" in page.content
    edit = client.post(
        reverse("registrations:private_edit", args=[registration.token]),
        _edit_form(registration, needs="muutos"),
    )
    assert b"can no longer be changed" in edit.content
    client.post(reverse("registrations:private_cancel", args=[registration.token]))
    registration.refresh_from_db()
    assert (registration.needs, registration.status) == ("", Registration.Status.REGISTERED)


def test_a_wrong_token_finds_nothing(client: Client, personas: Personas) -> None:
    RegistrationFactory.create(round=RoundFactory.create(organisation=personas.org_a))
    assert client.get(reverse("registrations:private", args=["x" * 43])).status_code == 404


def test_the_private_link_changes_the_online_answer_and_bad_input_changes_nothing(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    registration = RegistrationFactory.create(round=round_, unit=personas.unit_a)
    assert registration.accepts_online is False
    url = reverse("registrations:private_edit", args=[registration.token])
    form = client.get(url).content.decode()
    assert 'name="accepts_online"' in form

    # Too few times ticked: the form is shown again and nothing is saved.
    response = client.post(url, _edit_form(registration, accepts_online="on", availability=[]))
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.accepts_online is False

    response = client.post(url, _edit_form(registration, accepts_online="on"))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.accepts_online is True
    # The form opens with the answer given, and unticking it is saved too.
    assert 'id="id_accepts_online" checked>' in client.get(url).content.decode()
    client.post(url, _edit_form(registration, accepts_online=""))
    registration.refresh_from_db()
    assert registration.accepts_online is False
