"""The demo installation: two organisations with units and one user per role.

Called by ``manage.py seed_demo`` (and so by ``make run``); idempotent, so running it again changes
nothing. Later parts of the year add their own demo data here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from verme.accounts.models import User
from verme.groups.demo import seed_groups
from verme.organisations.models import Organisation, Role, Unit
from verme.organisations.services import membership_grant
from verme.registrations.demo import seed_registrations

DEMO_PASSWORD = "demo"  # noqa: S105 (documented demo password; refused when DEBUG is off)
NETWORK_ADMIN_EMAIL = "network@verme.example"


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: dict[str, str]
    languages: list[str]
    units: list[tuple[str, str, str]]  # name, kind, region
    people: dict[Role, tuple[str, str]]  # first and last name per role


ROLE_EMAIL_PREFIX = {
    Role.COORDINATOR: "coordinator",
    Role.MENTOR: "mentor",
    Role.PARTICIPANT: "participant",
    Role.LEADER: "leader",
    Role.ADMIN: "admin",
}

DEMO_ORGANISATIONS = [
    DemoOrganisation(
        slug="seinajoki-demo",
        name={
            "fi": "Seinäjoen perusopetus (demo)",
            "sv": "Seinäjoki grundläggande utbildning (demo)",
            "en": "Seinäjoki basic education (demo)",
        },
        languages=["fi"],
        units=[
            ("Ala-Kuljun koulu", Unit.Kind.SCHOOL, "Keskusta"),
            ("Kasperin koulu", Unit.Kind.SCHOOL, "Keskusta"),
            ("Kivirannan koulu", Unit.Kind.SCHOOL, "Etelä"),
            ("Pohjan koulu", Unit.Kind.SCHOOL, "Pohjoinen"),
            ("Hyllykallion koulu", Unit.Kind.SCHOOL, "Etelä"),
            ("Kärjen koulu", Unit.Kind.SCHOOL, "Pohjoinen"),
            ("Marttilan koulu", Unit.Kind.SCHOOL, "Keskusta"),
            ("Nurmon yhtenäiskoulu", Unit.Kind.SCHOOL, "Nurmo"),
        ],
        people={
            Role.COORDINATOR: ("Sanna", "Koordinaattori"),
            Role.MENTOR: ("Mikko", "Mentori"),
            Role.PARTICIPANT: ("Pauliina", "Osallistuja"),
            Role.LEADER: ("Leena", "Opetusjohtaja"),
            Role.ADMIN: ("Antti", "Ylläpitäjä"),
        },
    ),
    DemoOrganisation(
        slug="gradia-demo",
        name={
            "fi": "Gradia Jyväskylä (demo)",
            "sv": "Gradia Jyväskylä (demo)",
            "en": "Gradia Jyväskylä (demo)",
        },
        languages=["fi", "sv"],
        units=[
            ("Gradia Harju", Unit.Kind.CAMPUS, "Jyväskylä"),
            ("Gradia Viitaniemi", Unit.Kind.CAMPUS, "Jyväskylä"),
            ("Gradia Lievestuore", Unit.Kind.CAMPUS, "Laukaa"),
            ("Gradia Jämsä", Unit.Kind.CAMPUS, "Jämsä"),
            ("Gradia Schaumanin puistotie", Unit.Kind.CAMPUS, "Jyväskylä"),
            ("Jyväskylän Lyseon lukio", Unit.Kind.SCHOOL, "Jyväskylä"),
            ("Gradia Palokka", Unit.Kind.CAMPUS, "Jyväskylä"),
        ],
        people={
            Role.COORDINATOR: ("Kaisa", "Vastuuhenkilö"),
            Role.MENTOR: ("Johanna", "Lindqvist"),
            Role.PARTICIPANT: ("Erik", "Sjöberg"),
            Role.LEADER: ("Timo", "Koulutusjohtaja"),
            Role.ADMIN: ("Riikka", "Pääkäyttäjä"),
        },
    ),
]


def _demo_user(email: str, first: str, last: str, **extra: object) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first, "last_name": last, "is_demo": True, **extra},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_demo(*, solver_seconds: float = 10.0) -> list[str]:
    """Create (or leave as they are) the demo organisations, units, users, rounds and groups.

    ``solver_seconds`` is the optimiser's time limit for each demo round's groups. Returns the
    demo sign-ins.
    """
    emails: list[str] = []
    for demo in DEMO_ORGANISATIONS:
        organisation, _created = Organisation.objects.get_or_create(
            slug=demo.slug, defaults={"name": demo.name, "languages": demo.languages}
        )
        units = {}
        for name, kind, region in demo.units:
            units[name], _created = Unit.objects.unscoped().get_or_create(
                organisation=organisation, name=name, defaults={"kind": kind, "region": region}
            )
        first_unit = units[demo.units[0][0]]
        for role, (first, last) in demo.people.items():
            email = f"{ROLE_EMAIL_PREFIX[role]}@{demo.slug}.example"
            language = "sv" if role is Role.PARTICIPANT and "sv" in demo.languages else "fi"
            user = _demo_user(email, first, last, language=language)
            membership_grant(
                actor=None, organisation=organisation, user=user, role=role, unit=first_unit
            )
            emails.append(email)
    _demo_user(
        NETWORK_ADMIN_EMAIL,
        "Noora",
        "Verkosto",
        is_network_admin=True,
        is_staff=True,
        is_superuser=True,
        language="fi",
    )
    emails.append(NETWORK_ADMIN_EMAIL)
    for demo in DEMO_ORGANISATIONS:
        organisation = Organisation.objects.get(slug=demo.slug)
        seed_registrations(organisation=organisation)
        seed_groups(
            organisation=organisation,
            mentor_user=User.objects.get(
                email=f"{ROLE_EMAIL_PREFIX[Role.MENTOR]}@{demo.slug}.example"
            ),
            time_limit_s=solver_seconds,
        )
    return emails
