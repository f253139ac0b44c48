"""Demo data: each demo organisation gets an open round with 60–120 realistic registrations.

Idempotent: an organisation that has its demo round already is left as it is. Names are Finnish
and Swedish, spread over the organisation's units, themes, job titles and weekly times; about 40 %
also accept a group that meets online.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from verme.organisations.models import Organisation
from verme.organisations.selectors import organisation_units
from verme.registrations.models import Registration
from verme.registrations.services import registration_submit
from verme.registrations.validation import RegistrationData
from verme.rounds.models import GroupKind, Round
from verme.rounds.selectors import round_slots, round_themes
from verme.rounds.services import RoundData, ThemeInput, round_create, round_open, round_set_themes

FINNISH_FIRST = [
    "Aino",
    "Eveliina",
    "Helmi",
    "Juha",
    "Kaisa",
    "Laura",
    "Matti",
    "Mikko",
    "Niina",
    "Olli",
    "Päivi",
    "Riikka",
    "Sanna",
    "Satu",
    "Tiina",
    "Timo",
    "Tuomas",
    "Ville",
]
FINNISH_LAST = [
    "Heikkinen",
    "Hämäläinen",
    "Järvinen",
    "Korhonen",
    "Koskinen",
    "Laine",
    "Lehtonen",
    "Mäkinen",
    "Nieminen",
    "Niemi",
    "Rantanen",
    "Salminen",
    "Virtanen",
    "Väisänen",
]
SWEDISH_FIRST = [
    "Anders",
    "Annika",
    "Elin",
    "Erik",
    "Ebba",
    "Henrik",
    "Ida",
    "Johanna",
    "Linnea",
    "Mikael",
    "Sofia",
    "Stina",
]
SWEDISH_LAST = [
    "Andersson",
    "Björklund",
    "Ekholm",
    "Forsman",
    "Holmström",
    "Lindqvist",
    "Nyberg",
    "Sjöberg",
    "Strand",
    "Wikström",
]
THEMES = [
    {"fi": "Hyvinvointi ja jaksaminen", "sv": "Välmående och ork", "en": "Wellbeing"},
    {"fi": "Arviointi", "sv": "Bedömning", "en": "Assessment"},
    {"fi": "Uran alku", "sv": "Början av karriären", "en": "Early career"},
    {"fi": "Inklusio ja tuki", "sv": "Inkludering och stöd", "en": "Inclusion and support"},
    {"fi": "Digitaaliset välineet", "sv": "Digitala verktyg", "en": "Digital tools"},
    {
        "fi": "Vuorovaikutus ja luokan ilmapiiri",
        "sv": "Interaktion och klimat",
        "en": "Interaction",
    },
]
JOB_TITLES = (
    ["teacher"] * 6
    + ["special_needs_teacher"] * 2
    + ["school_assistant"] * 2
    + [
        "principal",
        "early_childhood_teacher",
        "other_staff",
    ]
)
LEVELS = ["primary", "primary", "lower_secondary", "upper_secondary", "vocational"]
ONLINE_SHARE = 0.4


def _address(local: str, organisation: Organisation) -> str:
    ascii_local = local.lower().translate(str.maketrans("äöå", "aoa"))
    return f"{ascii_local}@{organisation.slug}.example"


def _demo_round(organisation: Organisation) -> Round | None:
    """The organisation's demo round, created and opened; None when it exists already."""
    today = timezone.localdate()
    start = today.year if today.month >= 6 else today.year - 1
    school_year = f"{start}–{start + 1}"
    if Round.objects.for_organisation(organisation).filter(school_year=school_year).exists():
        return None
    round_ = round_create(
        actor=None,
        organisation=organisation,
        data=RoundData(
            name={"fi": "Verme-ryhmät", "sv": "Vermegrupper", "en": "Verme groups"},
            school_year=school_year,
            signup_opens_on=today - datetime.timedelta(days=14),
            signup_closes_on=today + datetime.timedelta(days=21),
            languages=list(organisation.languages[:2]),
            group_kinds=[GroupKind.SUBJECT, GroupKind.LEVEL, GroupKind.THEME, GroupKind.K55],
        ),
    )
    round_set_themes(actor=None, round_=round_, themes=[ThemeInput(name=t) for t in THEMES])
    return round_open(actor=None, round_=round_)


@transaction.atomic
def seed_registrations(*, organisation: Organisation) -> int:
    """Give the organisation an open round with 60–120 registrations; return how many were made."""
    round_ = _demo_round(organisation)
    if round_ is None:
        return 0
    rng = random.Random(organisation.slug)  # noqa: S311 - demo data, not security
    # A stream of its own, so that the answers drawn before online groups were asked stay as
    # they were: about 40 % accept a group that meets online.
    online_rng = random.Random(f"online-{organisation.slug}")  # noqa: S311 - demo data
    units = list(organisation_units(organisation=organisation))
    themes = round_themes(round_=round_)
    slots = round_slots(round_=round_)
    swedish_share = 0.4 if "sv" in organisation.languages else 0.08
    count = rng.randint(60, 120)
    for n in range(count):
        swedish = rng.random() < swedish_share
        first = rng.choice(SWEDISH_FIRST if swedish else FINNISH_FIRST)
        last = rng.choice(SWEDISH_LAST if swedish else FINNISH_LAST)
        years = rng.choice([0, 1, 2, 4, 8, 12, 18, 25, 31])
        offered = round_.languages
        language = "sv" if swedish and "sv" in offered else offered[0]
        if len(offered) > 1 and rng.random() < 0.3:
            language = "either"
        registration_submit(
            round_=round_,
            data=RegistrationData(
                first_name=first,
                last_name=last,
                email=_address(f"{first}.{last}.{n}", organisation),
                job_title=rng.choice(JOB_TITLES),
                unit=rng.choice(units) if units else None,
                school_level=rng.choice(LEVELS),
                subjects=rng.choice(["", "matematiikka", "äidinkieli", "historia", "kemia"]),
                years_in_profession=years,
                career_stage="new" if years < 3 else rng.choice(["experienced", "returning"]),
                themes=rng.sample(themes, k=rng.randint(1, 3)),
                group_kinds=rng.sample(round_.group_kinds, k=rng.randint(0, 2)),
                group_language=language,
                accepts_online=online_rng.random() < ONLINE_SHARE,
                slots=rng.sample(slots, k=rng.randint(round_.min_slots, len(slots))),
                needs=rng.choice(["", "", "", "Iltapäivät sopivat parhaiten."]),
            ),
            language="sv" if swedish else "fi",
            source=Registration.Source.DEMO,
            notify=False,
        )
    return count
