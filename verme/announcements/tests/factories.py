"""Test data for announcements, built through the services as a coordinator would cause it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from verme.accounts.models import User
from verme.announcements.models import Announcement
from verme.announcements.services import announcement_prepare
from verme.announcements.staff_list import staff_list_parse
from verme.organisations.models import Organisation
from verme.rounds.models import Round
from verme.rounds.services import RoundData, ThemeInput, round_create, round_open, round_set_themes


def a_round(
    *,
    organisation: Organisation,
    actor: User | None = None,
    opened: bool = True,
    name: str = "Verme",
) -> Round:
    """A round whose sign-up runs from a week ago to three weeks ahead; open unless told."""
    today = timezone.localdate()
    round_ = round_create(
        actor=actor,
        organisation=organisation,
        data=RoundData(
            name={"fi": f"{name} syksy", "sv": f"{name} hösten", "en": f"{name} autumn"},
            school_year=f"{today.year}–{today.year + 1}",
            signup_opens_on=today - datetime.timedelta(days=7),
            signup_closes_on=today + datetime.timedelta(days=21),
            languages=["fi", "sv"],
        ),
    )
    round_set_themes(
        actor=actor,
        round_=round_,
        themes=[ThemeInput(name={"fi": "Hyvinvointi", "sv": "Välmående", "en": "Wellbeing"})],
    )
    if opened:
        round_open(actor=actor, round_=round_)
    return round_


def csv_bytes(*rows: str, heading: str = "name,email,language") -> bytes:
    return ("\n".join((heading, *rows)) + "\n").encode()


def an_announcement(*, round_: Round, actor: User | None, rows: list[str]) -> Announcement:
    """A prepared (not yet sent) announcement to the given CSV rows."""
    staff_list = staff_list_parse(
        data=csv_bytes(*rows), default_language=round_.organisation.languages[0]
    )
    return announcement_prepare(
        actor=actor, round_=round_, staff_list=staff_list, file_name="staff.csv"
    )
