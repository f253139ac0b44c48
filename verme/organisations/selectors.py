from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from verme.accounts.models import User
from verme.organisations.models import Membership, Organisation, Role, Unit
from verme.organisations.tenancy import TenantQuerySet


@dataclass
class OrganisationRoles:
    """One organisation and the roles a person holds in it."""

    organisation: Organisation
    roles: list[Role] = field(default_factory=list)


def user_organisations(*, user: User) -> list[OrganisationRoles]:
    """The organisations where the person holds a role, each with the roles, in one query."""
    by_org: dict[int, OrganisationRoles] = {}
    memberships = Membership.objects.for_organisations(
        Organisation.objects.filter(memberships__user=user)
    ).filter(user=user)
    for membership in memberships.select_related("organisation").order_by(
        "organisation__slug", "role"
    ):
        entry = by_org.setdefault(
            membership.organisation_id, OrganisationRoles(organisation=membership.organisation)
        )
        entry.roles.append(Role(membership.role))
    return list(by_org.values())


def user_roles_in(*, user: User, organisation: Organisation) -> set[Role]:
    """The roles the person holds in this organisation (empty for anyone else)."""
    if not user.is_authenticated:
        return set()
    return {
        Role(role)
        for role in Membership.objects.for_organisation(organisation)
        .filter(user=user)
        .values_list("role", flat=True)
    }


def organisation_units(*, organisation: Organisation) -> TenantQuerySet[Unit]:
    """The organisation's active units, by name."""
    return Unit.objects.for_organisation(organisation).filter(is_active=True).order_by("name")


def organisation_people_by_role(*, organisation: Organisation) -> dict[Role, list[User]]:
    """Everyone holding a role in the organisation, grouped by role, in one query."""
    people: dict[Role, list[User]] = defaultdict(list)
    for membership in (
        Membership.objects.for_organisation(organisation)
        .select_related("user")
        .order_by("role", "user__email")
    ):
        people[Role(membership.role)].append(membership.user)
    return dict(people)


def organisations_visible_to(*, user: User) -> QuerySet[Organisation]:
    """Organisations a person may open: their own, or all for a network admin."""
    if user.is_network_admin:
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user).distinct()
