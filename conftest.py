"""Shared fixtures: the personas every access test speaks of.

Organisation A ("aalto-demo") has a coordinator, mentor, participant, leader and admin; the
outsider is the coordinator of organisation B, and must reach nothing of A.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from verme.accounts.models import User
from verme.accounts.tests.factories import UserFactory
from verme.organisations.models import Organisation, Role, Unit
from verme.organisations.services import membership_grant
from verme.organisations.tests.factories import OrganisationFactory, UnitFactory
from verme.tests.mail import Mailbox, smtp_server


@dataclass
class Personas:
    org_a: Organisation
    org_b: Organisation
    unit_a: Unit
    unit_b: Unit
    coordinator: User
    mentor: User
    participant: User
    leader: User
    admin: User
    outsider: User
    network_admin: User

    def by_name(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONA_NAMES = (
    "anonymous",
    "coordinator",
    "mentor",
    "participant",
    "leader",
    "admin",
    "outsider",
    "network_admin",
)


def _member(org: Organisation, unit: Unit, email: str, role: Role) -> User:
    user = UserFactory.create(email=email)
    membership_grant(actor=None, organisation=org, user=user, role=role, unit=unit)
    return user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Real hashing costs a third of a second per password; tests need correctness, not cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings: Any) -> None:
    # The worker's job runs in the test itself, right after the commit that queued it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def personas(db: None) -> Personas:
    org_a = OrganisationFactory.create(
        slug="aalto-demo", name={"fi": "Aallon opetus", "sv": "Aalto utbildning"}
    )
    org_b = OrganisationFactory.create(
        slug="berg-demo", name={"fi": "Bergin opetus"}, languages=["sv", "fi"]
    )
    unit_a = UnitFactory.create(organisation=org_a, name="Aallon koulu")
    unit_b = UnitFactory.create(organisation=org_b, name="Bergs skola")
    network_admin = UserFactory.create(
        email="network@example.org", is_network_admin=True, is_staff=True, is_superuser=True
    )
    return Personas(
        org_a=org_a,
        org_b=org_b,
        unit_a=unit_a,
        unit_b=unit_b,
        coordinator=_member(org_a, unit_a, "coordinator@a.example.org", Role.COORDINATOR),
        mentor=_member(org_a, unit_a, "mentor@a.example.org", Role.MENTOR),
        participant=_member(org_a, unit_a, "participant@a.example.org", Role.PARTICIPANT),
        leader=_member(org_a, unit_a, "leader@a.example.org", Role.LEADER),
        admin=_member(org_a, unit_a, "admin@a.example.org", Role.ADMIN),
        outsider=_member(org_b, unit_b, "outsider@b.example.org", Role.COORDINATOR),
        network_admin=network_admin,
    )


@pytest.fixture
def mailbox(settings: Any) -> Iterator[Mailbox]:
    """Mail goes over real SMTP to a server started for the test; the fixture holds what arrived."""
    with smtp_server() as box:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = box.host
        settings.EMAIL_PORT = box.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield box
