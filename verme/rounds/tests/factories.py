from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from verme.organisations.tests.factories import OrganisationFactory
from verme.rounds.models import Round
from verme.rounds.services import (
    RoundData,
    ThemeInput,
    round_create,
    round_open,
    round_set_themes,
)

THEMES = [
    {"fi": "Hyvinvointi työssä", "sv": "Välmående i arbetet", "en": "Wellbeing at work"},
    {"fi": "Arviointi", "sv": "Bedömning", "en": "Assessment"},
    {"fi": "Uran alku", "sv": "Början av karriären", "en": "Early career"},
    {"fi": "Inklusiivinen opetus", "sv": "Inkluderande undervisning", "en": "Inclusive teaching"},
]


class RoundFactory(factory.Factory[Round]):
    """An open round with four themes and the default slots, made through the services."""

    class Meta:
        model = Round

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.LazyFunction(lambda: {"fi": "Verme-ryhmät", "sv": "Vermegrupper"})
    school_year = "2026–2027"
    signup_opens_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=7)
    )
    signup_closes_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=30)
    )
    languages = factory.LazyFunction(lambda: ["fi", "sv"])
    themes = factory.LazyFunction(lambda: THEMES)
    opened = True

    @classmethod
    def _create(cls, model_class: type[Round], *args: Any, **kwargs: Any) -> Round:
        organisation = kwargs.pop("organisation")
        themes = kwargs.pop("themes")
        opened = kwargs.pop("opened")
        round_ = round_create(actor=None, organisation=organisation, data=RoundData(**kwargs))
        round_set_themes(
            actor=None, round_=round_, themes=[ThemeInput(name=dict(t)) for t in themes]
        )
        if opened:
            round_open(actor=None, round_=round_)
        return round_
