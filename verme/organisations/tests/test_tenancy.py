from __future__ import annotations

import pytest

from conftest import Personas
from verme.audit.models import AuditEntry
from verme.organisations.models import Membership, Unit
from verme.organisations.tenancy import TenantScopeError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "use",
    [
        lambda qs: list(qs),
        lambda qs: qs.count(),
        lambda qs: qs.exists(),
        lambda qs: qs.first(),
        lambda qs: list(qs.iterator()),
        lambda qs: qs.aggregate(),
        lambda qs: qs.update(name="x"),
        lambda qs: qs.delete(),
        lambda qs: qs.get(pk=1),
    ],
    ids=["list", "count", "exists", "first", "iterator", "aggregate", "update", "delete", "get"],
)
def test_a_tenant_queryset_without_an_organisation_raises_instead_of_leaking(
    personas: Personas, use: object
) -> None:
    with pytest.raises(TenantScopeError):
        use(Unit.objects.all())  # type: ignore[operator]


def test_a_scoped_queryset_sees_only_its_own_organisation(personas: Personas) -> None:
    names = set(Unit.objects.for_organisation(personas.org_a).values_list("name", flat=True))
    assert names == {"Aallon koulu"}
    assert "Bergs skola" not in names


def test_filtering_on_the_organisation_counts_as_scoped(personas: Personas) -> None:
    assert Unit.objects.filter(organisation=personas.org_b).count() == 1


def test_excluding_an_organisation_is_not_a_scope(personas: Personas) -> None:
    with pytest.raises(TenantScopeError):
        Unit.objects.exclude(organisation=personas.org_a).count()


def test_an_or_with_another_condition_is_not_a_scope(personas: Personas) -> None:
    from django.db.models import Q

    with pytest.raises(TenantScopeError):
        list(Unit.objects.filter(Q(organisation=personas.org_a) | Q(name="Bergs skola")))


def test_related_managers_of_a_fetched_object_are_scoped_by_it(personas: Personas) -> None:
    assert personas.org_a.units.count() == 1
    assert personas.unit_a.memberships.count() == 5


def test_network_admin_code_must_ask_for_every_organisation_explicitly(
    personas: Personas,
) -> None:
    assert Membership.objects.unscoped().count() == 6


def test_granting_a_role_writes_an_audit_entry_in_that_organisation(personas: Personas) -> None:
    entries = AuditEntry.objects.for_organisation(personas.org_a).filter(action="membership.grant")
    assert entries.count() == 5
    assert (
        not AuditEntry.objects.for_organisation(personas.org_b)
        .filter(object_repr__contains="coordinator@a.example.org")
        .exists()
    )
