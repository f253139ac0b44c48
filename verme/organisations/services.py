from __future__ import annotations

from django.db import transaction

from verme.accounts.models import User
from verme.audit.services import audit_record
from verme.organisations.models import Membership, Organisation, Role, Unit


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    organisation: Organisation,
    user: User,
    role: Role,
    unit: Unit | None = None,
) -> Membership:
    """Give a person a role in an organisation (idempotent); the grant is audited."""
    membership = Membership(organisation=organisation, user=user, role=role, unit=unit)
    existing = (
        Membership.objects.for_organisation(organisation).filter(user=user, role=role).first()
    )
    if existing is not None:
        if existing.unit_id == (unit.pk if unit else None):
            return existing
        membership = existing
        membership.unit = unit
    membership.full_clean(validate_unique=existing is None)
    membership.save()
    audit_record(
        actor=actor,
        organisation=organisation,
        action="membership.grant",
        obj=membership,
        after={"user": user.email, "role": role.value, "unit": unit.name if unit else None},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    """Take a role away; the revocation is audited."""
    audit_record(
        actor=actor,
        organisation=membership.organisation,
        action="membership.revoke",
        obj=membership,
        before={"user": membership.user.email, "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def unit_create(
    *, actor: User | None, organisation: Organisation, name: str, kind: str, region: str = ""
) -> Unit:
    """Add a unit (school or site) to an organisation."""
    unit = Unit(organisation=organisation, name=name, kind=kind, region=region)
    unit.full_clean()
    unit.save()
    audit_record(
        actor=actor,
        organisation=organisation,
        action="unit.create",
        obj=unit,
        after={"name": name, "kind": kind, "region": region},
    )
    return unit
