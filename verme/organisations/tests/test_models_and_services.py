from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import Personas
from verme.organisations.models import Membership, Organisation, Role
from verme.organisations.services import membership_grant, membership_revoke, unit_create

pytestmark = pytest.mark.django_db


def test_organisation_name_falls_back_to_its_first_language(personas: Personas) -> None:
    org = Organisation(slug="x", name={"sv": "Bergs utbildning", "fi": "Bergin opetus"})
    org.languages = ["sv", "fi"]
    with translation.override("en"):
        assert org.display_name == "Bergs utbildning"
    with translation.override("fi"):
        assert org.display_name == "Bergin opetus"


def test_organisation_languages_must_be_offered_ones() -> None:
    org = Organisation(slug="x", name={"fi": "X"}, languages=["de"])
    with pytest.raises(ValidationError):
        org.full_clean()
    org.languages = ["fi", "fi"]
    with pytest.raises(ValidationError):
        org.full_clean()


def test_granting_the_same_role_twice_keeps_one_membership(personas: Personas) -> None:
    again = membership_grant(
        actor=None,
        organisation=personas.org_a,
        user=personas.mentor,
        role=Role.MENTOR,
        unit=personas.unit_a,
    )
    assert (
        Membership.objects.for_organisation(personas.org_a)
        .filter(user=personas.mentor, role=Role.MENTOR)
        .count()
        == 1
    )
    assert again.unit == personas.unit_a


def test_a_person_can_hold_several_roles(personas: Personas) -> None:
    membership_grant(
        actor=personas.admin,
        organisation=personas.org_a,
        user=personas.mentor,
        role=Role.COORDINATOR,
    )
    roles = set(
        Membership.objects.for_organisation(personas.org_a)
        .filter(user=personas.mentor)
        .values_list("role", flat=True)
    )
    assert roles == {"mentor", "coordinator"}


def test_a_role_cannot_point_at_another_organisations_unit(personas: Personas) -> None:
    with pytest.raises(ValidationError):
        membership_grant(
            actor=None,
            organisation=personas.org_a,
            user=personas.leader,
            role=Role.COORDINATOR,
            unit=personas.unit_b,
        )


def test_revoking_a_role_removes_it(personas: Personas) -> None:
    membership = Membership.objects.for_organisation(personas.org_a).get(user=personas.leader)
    membership_revoke(actor=personas.admin, membership=membership)
    assert (
        not Membership.objects.for_organisation(personas.org_a)
        .filter(user=personas.leader)
        .exists()
    )


def test_unit_names_are_unique_within_an_organisation_only(personas: Personas) -> None:
    unit_create(actor=None, organisation=personas.org_b, name="Aallon koulu", kind="school")
    with pytest.raises(ValidationError):
        unit_create(actor=None, organisation=personas.org_a, name="Aallon koulu", kind="school")
