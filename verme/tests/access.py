"""The access matrix: what every persona gets from every URL of Verme.

Each later part of the year adds its URLs here. A URL pattern without an entry fails
``test_every_url_pattern_has_an_access_entry``, so nothing ships without saying who may open it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from conftest import PERSONA_NAMES, Personas
from verme.announcements.models import Recipient
from verme.announcements.tests.factories import a_round, an_announcement
from verme.registrations.services import registration_import_start
from verme.registrations.tests.factories import RegistrationFactory
from verme.rounds.tests.factories import RoundFactory

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
MEMBERS_OF_A = ("coordinator", "mentor", "participant", "leader", "admin")


@dataclass(frozen=True)
class Entry:
    """One URL with concrete arguments and the status each persona gets with GET."""

    name: str
    kwargs: Callable[[Personas], dict[str, Any]] = field(default=lambda p: {})
    expected: dict[str, int] = field(default_factory=dict)
    label: str = ""

    def status_for(self, persona: str) -> int:
        return self.expected[persona]

    @property
    def id(self) -> str:
        return self.label or self.name


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONA_NAMES, status)


def signed_in(status: int, **overrides: int) -> dict[str, int]:
    expected = {name: status for name in PERSONA_NAMES if name != "anonymous"}
    expected["anonymous"] = REDIRECT
    expected.update(overrides)
    return expected


def only(names: tuple[str, ...] | list[str], *, others: int = NOT_FOUND) -> dict[str, int]:
    """200 for the named personas, ``others`` for the rest, and a sign-in redirect for anonymous."""
    expected = {name: (OK if name in names else others) for name in PERSONA_NAMES}
    expected["anonymous"] = REDIRECT
    return expected


def org_a(p: Personas) -> dict[str, Any]:
    return {"slug": p.org_a.slug}


def _role_entry(role: str) -> Entry:
    return Entry(
        "role_dashboard",
        lambda p: {"slug": p.org_a.slug, "role": role},
        only((role,)),
        label=f"role_dashboard[{role}]",
    )


def open_round_a(p: Personas) -> dict[str, Any]:
    return {"slug": p.org_a.slug, "round_id": a_round(organisation=p.org_a).pk}


def draft_round_a(p: Personas) -> dict[str, Any]:
    return {"slug": p.org_a.slug, "round_id": a_round(organisation=p.org_a, opened=False).pk}


def announcement_a(p: Personas) -> dict[str, Any]:
    round_ = a_round(organisation=p.org_a)
    announcement = an_announcement(round_=round_, actor=None, rows=["Anna,anna@a.example.org,fi"])
    return {"slug": p.org_a.slug, "pk": announcement.pk}


def unsubscribe_a(p: Personas) -> dict[str, Any]:
    kwargs = announcement_a(p)
    recipient = Recipient.objects.for_organisation(p.org_a).get(announcement_id=kwargs["pk"])
    return {"slug": p.org_a.slug, "token": recipient.token}


ANNOUNCERS = ("coordinator", "admin")

ENTRIES: list[Entry] = [
    Entry("front", expected=everyone(OK)),
    Entry("accessibility", expected=everyone(OK)),
    Entry("privacy", expected=everyone(OK)),
    Entry("healthz", expected=everyone(OK)),
    Entry("language_set", expected=everyone(NOT_ALLOWED)),
    Entry("dashboard", expected=signed_in(OK)),
    Entry("organisation_detail", org_a, only(MEMBERS_OF_A)),
    Entry(
        "organisation_detail",
        lambda p: {"slug": p.org_b.slug},
        only(("outsider",)),
        label="organisation_detail[B]",
    ),
    *[_role_entry(role) for role in MEMBERS_OF_A],
    Entry(
        "role_dashboard",
        lambda p: {"slug": p.org_a.slug, "role": "no-such-role"},
        only(()),
        label="role_dashboard[unknown]",
    ),
    Entry("announcements:page", open_round_a, everyone(OK)),
    Entry("announcements:page", draft_round_a, everyone(NOT_FOUND), label="page[draft]"),
    Entry("announcements:snippet", open_round_a, everyone(OK)),
    Entry("announcements:snippet", draft_round_a, everyone(NOT_FOUND), label="snippet[draft]"),
    Entry("announcements:feed", org_a, everyone(OK)),
    Entry("announcements:unsubscribe", unsubscribe_a, everyone(OK)),
    Entry("announcements:round", open_round_a, only(ANNOUNCERS)),
    Entry("announcements:detail", announcement_a, only(ANNOUNCERS)),
    Entry("announcements:send", announcement_a, signed_in(NOT_ALLOWED)),
]


def verme_round_a(p: Personas) -> dict[str, Any]:
    return {"slug": p.org_a.slug, "pk": RoundFactory.create(organisation=p.org_a).pk}


def verme_round_a_seen_from_b(p: Personas) -> dict[str, Any]:
    return {"slug": p.org_b.slug, "pk": RoundFactory.create(organisation=p.org_a).pk}


def verme_draft_round_a(p: Personas) -> dict[str, Any]:
    return {"slug": p.org_a.slug, "pk": RoundFactory.create(organisation=p.org_a, opened=False).pk}


def verme_export_a(p: Personas) -> dict[str, Any]:
    return {**verme_round_a(p), "fmt": "xlsx"}


def verme_import_a(p: Personas) -> dict[str, Any]:
    round_ = RoundFactory.create(organisation=p.org_a)
    batch = registration_import_start(
        actor=p.coordinator,
        round_=round_,
        file_name="lomake.csv",
        content=b"Etunimi,Sukunimi,Sahkoposti\nAino,Aalto,aino@a.example.org\n",
    )
    return {"slug": p.org_a.slug, "pk": round_.pk, "import_pk": batch.pk}


def verme_registration_a(p: Personas) -> dict[str, Any]:
    round_ = RoundFactory.create(organisation=p.org_a)
    return {"token": RegistrationFactory.create(round=round_).token}


def verme_bad_token(p: Personas) -> dict[str, Any]:
    verme_registration_a(p)
    return {"token": "not-a-real-token"}


COORDINATOR = ("coordinator",)
ROUND_PAGES = ("rounds:detail", "rounds:edit", "rounds:themes", "rounds:copy", "registrations:list")
PRIVATE_PAGES = (
    "registrations:private",
    "registrations:private_edit",
    "registrations:private_cancel",
)
VERME_ROUND_ENTRIES: list[Entry] = [
    Entry("rounds:list", org_a, only(COORDINATOR)),
    Entry("rounds:create", org_a, only(COORDINATOR)),
    *[Entry(name, verme_round_a, only(COORDINATOR)) for name in ROUND_PAGES],
    *[
        Entry(name, verme_round_a_seen_from_b, only(()), label=f"{name}[B slug, A round]")
        for name in ROUND_PAGES
    ],
    Entry("rounds:open", verme_round_a, everyone(NOT_ALLOWED)),
    Entry("rounds:close", verme_round_a, everyone(NOT_ALLOWED)),
    Entry("registrations:export", verme_export_a, only(COORDINATOR)),
    Entry("registrations:import_upload", verme_round_a, only(COORDINATOR)),
    Entry("registrations:import_review", verme_import_a, only(COORDINATOR)),
    Entry("registrations:import_confirm", verme_import_a, everyone(NOT_ALLOWED)),
    Entry("registrations:signup", verme_round_a, everyone(OK)),
    Entry("registrations:signup", verme_draft_round_a, everyone(NOT_FOUND), label="signup[draft]"),
    *[Entry(name, verme_registration_a, everyone(OK)) for name in PRIVATE_PAGES],
    *[
        Entry(name, verme_bad_token, everyone(NOT_FOUND), label=f"{name}[bad token]")
        for name in PRIVATE_PAGES
    ],
]
ENTRIES.extend(VERME_ROUND_ENTRIES)


def groups_round_a(p: Personas) -> dict[str, Any]:
    from verme.mentors.tests.factories import a_round_mentor

    round_ = RoundFactory.create(organisation=p.org_a)
    return {"slug": p.org_a.slug, "pk": round_.pk, "mentor_pk": a_round_mentor(round_).pk}


def groups_proposal_a(p: Personas, *, slug: str = "") -> dict[str, Any]:
    from verme.grouping import Weights
    from verme.groups.services import proposal_create

    round_ = RoundFactory.create(organisation=p.org_a)
    proposal = proposal_create(actor=None, round_=round_, weights=Weights(), time_limit_s=1)
    return {"slug": slug or p.org_a.slug, "pk": proposal.pk}


GROUP_ROUND_PAGES = ("mentors:list", "mentors:add", "groups:proposals", "groups:compare")
GROUP_POSTS = ("groups:move", "groups:pin", "groups:rerun", "groups:publish")
VERME_GROUP_ENTRIES: list[Entry] = [
    *[Entry(name, lambda p: verme_round_a(p), only(COORDINATOR)) for name in GROUP_ROUND_PAGES],
    *[
        Entry(name, verme_round_a_seen_from_b, only(()), label=f"{name}[B slug, A round]")
        for name in GROUP_ROUND_PAGES
    ],
    Entry("mentors:edit", groups_round_a, only(COORDINATOR)),
    Entry(
        "mentors:edit",
        lambda p: {**groups_round_a(p), "slug": p.org_b.slug},
        only(()),
        label="mentors:edit[B slug]",
    ),
    Entry("mentors:remove", groups_round_a, everyone(NOT_ALLOWED)),
    Entry("groups:proposal", groups_proposal_a, only(COORDINATOR)),
    Entry(
        "groups:proposal",
        lambda p: groups_proposal_a(p, slug=p.org_b.slug),
        only(()),
        label="groups:proposal[B slug]",
    ),
    *[Entry(name, groups_proposal_a, everyone(NOT_ALLOWED)) for name in GROUP_POSTS],
]
ENTRIES.extend(VERME_GROUP_ENTRIES)


@dataclass(frozen=True)
class FoundPattern:
    name: str
    pattern: URLPattern
    urlconf: str  # the module that declared it

    @property
    def is_framework(self) -> bool:
        """Sign-in pages (django-allauth) and the Django admin, tested in their own tests."""
        return self.name.startswith("admin:") or self.urlconf.startswith("allauth")


def iter_url_patterns(
    resolver: URLResolver | None = None, namespace: str = "", parent: str = ""
) -> Iterator[FoundPattern]:
    """Every leaf URL pattern with its namespaced name and the module that included it."""
    resolver = resolver or get_resolver()
    urlconf = resolver.urlconf_name
    module = urlconf if isinstance(urlconf, str) else getattr(urlconf, "__name__", "")
    module = module if parent in {"", "verme.urls"} else parent  # an include keeps its owner
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from iter_url_patterns(pattern, full, module)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            yield FoundPattern(f"{namespace}:{name}" if namespace else name, pattern, module)
