"""Demo data: mentors for each demo round, and groups formed by the optimiser and published.

Idempotent: a round that has mentors keeps them, and a round with a proposal is left as it is.
Mentors have Finnish and Swedish names, lead one or two groups, and cover every region.
"""

from __future__ import annotations

import math
import random
from collections import Counter

from verme.accounts.models import User
from verme.grouping import Weights
from verme.groups.models import Proposal
from verme.groups.selectors import groupable_registrations
from verme.groups.services import proposal_create, proposal_publish, proposal_run
from verme.mentors.models import RoundMentor
from verme.mentors.services import MentorData, round_mentor_save
from verme.organisations.models import Organisation, Unit
from verme.organisations.selectors import organisation_units
from verme.rounds.models import Round
from verme.rounds.selectors import round_slots, round_themes

DEMO_TIME_LIMIT_S = 5.0
"""Seconds the optimiser gets per demo round: enough for good groups, short for `make run`."""
FINNISH = [
    "Anne Lahtinen",
    "Hannu Kallio",
    "Jaana Peltonen",
    "Kari Lindholm",
    "Marja Aaltonen",
    "Pekka Ojala",
    "Sari Huttunen",
    "Tero Manninen",
    "Ulla Saarinen",
    "Veikko Karvonen",
    "Minna Leppänen",
    "Jari Hiltunen",
]
SWEDISH = [
    "Annika Holmström",
    "Mikael Ekholm",
    "Stina Lindqvist",
    "Henrik Forsman",
    "Linnea Björklund",
    "Erik Wikström",
]


def _address(name: str, organisation: Organisation) -> str:
    local = name.lower().replace(" ", ".").translate(str.maketrans("äöå", "aoa"))
    return f"{local}@{organisation.slug}.example"


def _seed_mentors(round_: Round, mentor_user: User | None) -> None:
    organisation = round_.organisation
    rng = random.Random(f"mentors-{organisation.slug}")  # noqa: S311 - demo data
    units = list(organisation_units(organisation=organisation))
    slots, themes = round_slots(round_=round_), round_themes(round_=round_)
    people = Counter(
        (r.unit.region if r.unit else "") for r in groupable_registrations(round_=round_)
    )
    by_region: dict[str, list[Unit]] = {}
    for unit in units:
        by_region.setdefault(unit.region, []).append(unit)
    finnish, swedish = iter(FINNISH), iter(SWEDISH)
    bilingual = "sv" in round_.languages
    for region, count in sorted(people.items()):
        region_units = by_region.get(region) or units
        for n in range(max(1, math.ceil(count / 12))):
            speaks_swedish = bilingual and n % 2 == 1
            name = next(swedish if speaks_swedish else finnish, None)
            if name is None:
                break
            first = mentor_user is not None
            round_mentor_save(
                actor=None,
                round_=round_,
                data=MentorData(
                    name=mentor_user.get_full_name() if first and mentor_user else name,
                    email=mentor_user.email
                    if first and mentor_user
                    else _address(name, organisation),
                    user=mentor_user if first else None,
                    unit=rng.choice(region_units),
                    languages=["fi", "sv"] if speaks_swedish else ["fi"],
                    language="sv" if speaks_swedish else "fi",
                    capacity=2 if n % 3 != 2 else 1,
                    slots=rng.sample(slots, k=max(3, (2 * len(slots)) // 3)),
                    themes=rng.sample(themes, k=min(3, len(themes))),
                ),
            )
            mentor_user = None


def seed_groups(
    *,
    organisation: Organisation,
    mentor_user: User | None = None,
    time_limit_s: float = DEMO_TIME_LIMIT_S,
) -> Proposal | None:
    """Give the organisation's newest round mentors and published groups; None when it has them."""
    round_ = Round.objects.for_organisation(organisation).order_by("-school_year", "-pk").first()
    if round_ is None:
        return None
    if not RoundMentor.objects.for_organisation(organisation).filter(round=round_).exists():
        _seed_mentors(round_, mentor_user)
    if Proposal.objects.for_organisation(organisation).filter(round=round_).exists():
        return None
    proposal = proposal_create(
        actor=None, round_=round_, weights=Weights(), time_limit_s=math.ceil(time_limit_s)
    )
    proposal = proposal_run(organisation=organisation, proposal_id=proposal.pk)
    if proposal.status == Proposal.Status.DONE:
        proposal_publish(actor=None, proposal=proposal, notify=False)
    return proposal
