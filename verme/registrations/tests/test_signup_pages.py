from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from verme.registrations.models import Registration
from verme.rounds.models import Round
from verme.rounds.selectors import round_slots, round_themes
from verme.rounds.services import round_close
from verme.rounds.tests.factories import RoundFactory
from verme.tests.mail import Mailbox

pytestmark = pytest.mark.django_db


def _form(round_: Round, personas: Personas, **overrides: Any) -> dict[str, Any]:
    themes = round_themes(round_=round_)
    data: dict[str, Any] = {
        "first_name": "Elsa",
        "last_name": "Lindqvist",
        "email": "elsa.lindqvist@a.example.org",
        "job_title": "special_needs_teacher",
        "unit": personas.unit_a.pk,
        "school_level": "primary",
        "subjects": "",
        "years_in_profession": "12",
        "career_stage": "returning",
        "theme_1": themes[1].pk,
        "theme_2": themes[0].pk,
        "theme_3": "",
        "group_kinds": ["theme"],
        "group_language": "sv",
        "availability": [s.pk for s in round_slots(round_=round_)[:4]],
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def _url(round_: Round) -> str:
    return reverse("registrations:signup", args=[round_.organisation.slug, round_.pk])


def _registrations(round_: Round) -> list[Registration]:
    return list(Registration.objects.for_organisation(round_.organisation).filter(round=round_))


def test_the_availability_grid_is_a_table_with_a_name_for_every_checkbox(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    client.cookies["verme_language"] = "en"
    html = client.get(_url(round_)).content.decode()
    assert '<th scope="row">Monday</th>' in html
    assert '<th scope="col">15:30</th>' in html
    slot = round_slots(round_=round_)[0]
    assert (
        f'<label class="visually-hidden" for="id_availability_{slot.pk}">Monday 14:00</label>'
        in (html)
    )
    honeypot = html.split('class="leave-empty"')[1].split("</div>")[0]
    assert 'aria-hidden="true"' in honeypot
    assert 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot


def test_signing_up_in_swedish_sends_a_swedish_confirmation_with_the_private_link(
    client: Client,
    personas: Personas,
    mailbox: Mailbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    client.cookies["verme_language"] = "sv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(round_), _form(round_, personas))
    (registration,) = _registrations(round_)
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:private", args=[registration.token])
    assert registration.language == "sv"
    (message,) = mailbox.to("elsa.lindqvist@a.example.org")
    body = Mailbox.text(message)
    assert "Tack för din anmälan" in body
    assert f"/r/{registration.token}/" in body
    page = client.get(response["Location"]).content.decode()
    assert "Du är anmäld." in page


def test_every_field_is_checked_with_messages_in_the_persons_language(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    themes = round_themes(round_=round_)
    client.cookies["verme_language"] = "sv"
    response = client.post(
        _url(round_),
        _form(
            round_,
            personas,
            first_name="",
            email="ei-osoite",
            unit="",
            years_in_profession="99",
            theme_1=themes[0].pk,
            theme_2=themes[0].pk,
            availability=[round_slots(round_=round_)[0].pk],
            consent="",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Välj din enhet.",
        "Välj ett annat tema för varje val.",
        "Kryssa för minst 3 tider då du kan träffas.",
        "Detta fält måste fyllas i.",
    ):
        assert message in html, message
    assert _registrations(round_) == []


def test_a_filled_honeypot_registers_nobody(client: Client, personas: Personas) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    response = client.post(_url(round_), _form(round_, personas, website="http://spam.example"))
    assert response.status_code == 200
    assert _registrations(round_) == []


def test_too_many_sign_ups_from_one_address_are_refused_for_a_while(
    client: Client, personas: Personas, settings: Any
) -> None:
    settings.SIGNUP_RATE_LIMIT = 3
    round_ = RoundFactory.create(organisation=personas.org_a)
    for n in range(settings.SIGNUP_RATE_LIMIT):
        form = _form(round_, personas, email=f"person{n}@a.example.org")
        assert client.post(_url(round_), form).status_code == 302
    response = client.post(_url(round_), _form(round_, personas, email="late@a.example.org"))
    assert response.status_code == 429
    assert len(_registrations(round_)) == settings.SIGNUP_RATE_LIMIT


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(
    client: Client, personas: Personas, settings: Any
) -> None:
    settings.SIGNUP_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_HOPS = 1
    round_ = RoundFactory.create(organisation=personas.org_a)
    for n, address in enumerate(["10.0.0.1", "10.0.0.2"]):
        form = _form(round_, personas, email=f"person{n}@a.example.org")
        # The client's own X-Forwarded-For entry ("1.2.3.4") is not trusted; the proxy's is.
        response = client.post(_url(round_), form, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {address}")
        assert response.status_code == 302
    again = _form(round_, personas, email="again@a.example.org")
    response = client.post(_url(round_), again, HTTP_X_FORWARDED_FOR="9.9.9.9, 10.0.0.1")
    assert response.status_code == 429


def test_a_sign_up_after_close_is_told_plainly_about_the_waiting_list(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    round_close(actor=None, round_=round_)
    client.cookies["verme_language"] = "en"
    assert "you will be on the waiting list" in client.get(_url(round_)).content.decode()
    response = client.post(_url(round_), _form(round_, personas), follow=True)
    html = response.content.decode()
    assert "You are on the waiting list." in html
    assert "Sign-up had already closed when you registered." in html


def test_a_signed_in_person_gets_the_form_prefilled(client: Client, personas: Personas) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    client.force_login(personas.participant)
    html = client.get(_url(round_)).content.decode()
    assert f'value="{personas.participant.email}"' in html


def test_a_round_whose_sign_up_has_not_started_says_when_it_starts(
    client: Client, personas: Personas
) -> None:
    future = datetime.date.today() + datetime.timedelta(days=10)
    round_ = RoundFactory.create(
        organisation=personas.org_a,
        signup_opens_on=future,
        signup_closes_on=future + datetime.timedelta(days=20),
    )
    response = client.get(_url(round_))
    assert response.status_code == 200
    assert b'name="availability"' not in response.content


def test_the_online_question_is_a_checkbox_with_its_label_and_help_text_tied_to_it(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    client.cookies["verme_language"] = "en"
    html = client.get(_url(round_)).content.decode()
    # Unticked at first: nobody is taken to accept online groups unasked.
    assert (
        '<input type="checkbox" name="accepts_online" '
        'aria-describedby="id_accepts_online_helptext" id="id_accepts_online"> '
        '<label for="id_accepts_online">I can also take part in a group that meets online</label>'
    ) in html
    assert '<p class="help" id="id_accepts_online_helptext">Tick this if a group' in html


@pytest.mark.parametrize(("ticked", "stored"), [({"accepts_online": "on"}, True), ({}, False)])
def test_the_sign_up_stores_whether_the_person_accepts_an_online_group(
    client: Client, personas: Personas, ticked: dict[str, str], stored: bool
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    client.cookies["verme_language"] = "fi"
    response = client.post(_url(round_), _form(round_, personas, **ticked))
    assert response.status_code == 302
    (registration,) = _registrations(round_)
    assert registration.accepts_online is stored
    page = client.get(response["Location"]).content.decode()
    answer = "Kyllä" if stored else "Ei"
    assert f"<dt>Voin osallistua myös verkossa kokoontuvaan ryhmään</dt><dd>{answer}</dd>" in page


def test_an_invalid_sign_up_with_the_online_box_ticked_registers_nobody(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    response = client.post(
        _url(round_), _form(round_, personas, accepts_online="on", availability=[])
    )
    assert response.status_code == 200
    assert _registrations(round_) == []
