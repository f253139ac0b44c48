from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from verme.notifications.models import OutboundEmail
from verme.organisations.tests.factories import OrganisationFactory, UnitFactory
from verme.registrations import services
from verme.registrations.models import Registration
from verme.registrations.services import (
    registration_cancel,
    registration_submit,
    registration_update,
)
from verme.registrations.tests.factories import RegistrationFactory, signup_data
from verme.rounds.models import Round
from verme.rounds.selectors import round_slots, round_themes
from verme.rounds.services import round_close
from verme.rounds.tests.factories import RoundFactory


def _round(**kwargs: object) -> Round:
    organisation = OrganisationFactory.create()
    UnitFactory.create(organisation=organisation, name="Kivirannan koulu")
    return RoundFactory.create(organisation=organisation, **kwargs)


def _rows(round_: Round) -> list[Registration]:
    return list(Registration.objects.for_organisation(round_.organisation).filter(round=round_))


@pytest.mark.django_db
def test_a_sign_up_is_stored_with_its_ranked_themes_and_times() -> None:
    round_ = _round()
    registration = RegistrationFactory.create(round=round_, email=" Aino.Virtanen@Example.org ")
    assert registration.email == "aino.virtanen@example.org"
    assert registration.status == Registration.Status.REGISTERED
    assert registration.organisation == round_.organisation
    assert registration.themes == round_themes(round_=round_)[:2]
    assert registration.available_slots.count() == round_.min_slots
    assert len(registration.token) >= 40


@pytest.mark.django_db
def test_the_same_email_registering_twice_updates_the_registration() -> None:
    round_ = _round()
    first = RegistrationFactory.create(round=round_, email="aino@example.org")
    second = RegistrationFactory.create(
        round=round_, email="AINO@example.org", first_name="Aino-Maria", years_in_profession=4
    )
    assert second.pk == first.pk
    assert second.token == first.token
    (only,) = _rows(round_)
    assert (only.first_name, only.years_in_profession) == ("Aino-Maria", 4)


@pytest.mark.django_db
def test_every_field_is_checked_against_the_round() -> None:
    round_ = _round()
    other_round = _round()
    themes = round_themes(round_=round_)
    with pytest.raises(ValidationError) as error:
        registration_submit(
            round_=round_,
            data=signup_data(
                round_,
                first_name="",
                email="not-an-address",
                job_title="astronaut",
                unit=None,
                themes=[themes[0], themes[0]],
                group_language="de",
                group_kinds=["k55"],
                slots=round_slots(round_=round_)[:1],
            ),
            language="fi",
        )
    assert set(error.value.error_dict) >= {
        "first_name",
        "email",
        "job_title",
        "unit",
        "theme_2",
        "group_language",
        "group_kinds",
        "availability",
    }
    with pytest.raises(ValidationError) as error:
        registration_submit(
            round_=round_,
            data=signup_data(round_, slots=round_slots(round_=other_round)[:3]),
            language="fi",
        )
    assert "availability" in error.value.error_dict
    assert _rows(round_) == []


@pytest.mark.django_db
def test_sign_ups_beyond_the_capacity_go_to_the_waiting_list() -> None:
    round_ = _round(capacity=2)
    statuses = [RegistrationFactory.create(round=round_).status for _ in range(3)]
    assert statuses == ["registered", "registered", "waiting"]


@pytest.mark.django_db
def test_sign_ups_after_close_go_to_the_waiting_list() -> None:
    round_ = _round()
    early = RegistrationFactory.create(round=round_)
    round_close(actor=None, round_=round_)
    assert RegistrationFactory.create(round=round_).status == Registration.Status.WAITING
    # An edit by someone registered in time does not lose their place.
    assert RegistrationFactory.create(round=round_, email=early.email).status == "registered"


@pytest.mark.django_db
def test_sign_ups_after_the_last_day_go_to_the_waiting_list() -> None:
    round_ = _round()
    with time_machine.travel(round_.signup_closes_on + datetime.timedelta(days=2)):
        assert RegistrationFactory.create(round=round_).status == Registration.Status.WAITING


@pytest.mark.django_db
def test_the_registrant_can_edit_until_sign_up_closes_but_not_the_address() -> None:
    round_ = _round()
    registration = RegistrationFactory.create(round=round_)
    updated = registration_update(
        registration=registration,
        data=signup_data(round_, email=registration.email, needs="Iltapäivät"),
    )
    assert updated.needs == "Iltapäivät"
    with pytest.raises(ValidationError) as error:
        registration_update(
            registration=registration, data=signup_data(round_, email="someone@else.example")
        )
    assert "email" in error.value.error_dict
    round_close(actor=None, round_=round_)
    registration.round.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError, match="closed"):
        registration_update(
            registration=registration, data=signup_data(round_, email=registration.email)
        )


@pytest.mark.django_db
def test_a_cancelled_registrant_who_signs_up_again_gets_a_place_or_the_waiting_list() -> None:
    round_ = _round(capacity=1)
    registration = RegistrationFactory.create(round=round_)
    registration_cancel(registration=registration)
    assert registration.status == Registration.Status.CANCELLED
    other = RegistrationFactory.create(round=round_)
    assert other.status == Registration.Status.REGISTERED
    again = RegistrationFactory.create(round=round_, email=registration.email)
    assert again.status == Registration.Status.WAITING


@pytest.mark.django_db
def test_a_sign_up_queues_a_confirmation_in_the_persons_language() -> None:
    round_ = _round()
    registration = RegistrationFactory.create(round=round_, language="sv", notify=True)
    email = OutboundEmail.objects.unscoped().get(to=registration.email)
    assert email.language == "sv"
    assert registration.token in email.body_text
    assert "Tack" in email.body_text


@pytest.mark.django_db
def test_an_insert_lost_to_a_concurrent_identical_sign_up_becomes_an_update(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    round_ = _round()
    winner = RegistrationFactory.create(round=round_, email="race@example.org")
    real_first = services._find_existing
    calls = {"n": 0}

    def miss_once(*, round_: Round, email: str) -> Registration | None:
        calls["n"] += 1
        return None if calls["n"] == 1 else real_first(round_=round_, email=email)

    monkeypatch.setattr(services, "_find_existing", miss_once)
    loser = RegistrationFactory.create(round=round_, email="race@example.org", needs="toinen")
    assert calls["n"] == 2
    assert loser.pk == winner.pk
    assert [r.needs for r in _rows(round_)] == ["toinen"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_sign_ups_end_with_one_registration() -> None:
    round_ = _round()
    data = signup_data(round_, email="twice@example.org")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            # Writers queue on the database's busy timeout, as they do in production.
            registration_submit(round_=round_, data=data, language="fi", notify=False)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(_rows(round_)) == 1
