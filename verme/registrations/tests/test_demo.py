from __future__ import annotations

import pytest

from verme.organisations.demo import DEMO_ORGANISATIONS, seed_demo
from verme.organisations.models import Organisation
from verme.registrations.models import Registration
from verme.rounds.models import Round

pytestmark = pytest.mark.django_db


def test_each_demo_organisation_gets_an_open_round_with_60_to_120_registrations_once() -> None:
    seed_demo(solver_seconds=1)
    counts = {}
    for demo in DEMO_ORGANISATIONS:
        organisation = Organisation.objects.get(slug=demo.slug)
        (round_,) = Round.objects.for_organisation(organisation)
        assert round_.accepts_signups()
        registrations = Registration.objects.for_organisation(organisation).filter(round=round_)
        counts[demo.slug] = registrations.count()
        assert 60 <= counts[demo.slug] <= 120
        assert registrations.values("unit").distinct().count() >= 3
        assert registrations.filter(language="sv").exists()
        online = registrations.filter(accepts_online=True).count()
        assert 0.25 <= online / counts[demo.slug] <= 0.55  # about 40 % accept online groups
    seed_demo(solver_seconds=1)
    for demo in DEMO_ORGANISATIONS:
        organisation = Organisation.objects.get(slug=demo.slug)
        assert Round.objects.for_organisation(organisation).count() == 1
        assert Registration.objects.for_organisation(organisation).count() == counts[demo.slug]
