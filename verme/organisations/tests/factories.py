from __future__ import annotations

import factory

from verme.organisations.models import Organisation, Unit


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.LazyAttribute(lambda o: {"fi": f"Organisaatio {o.slug}"})
    languages = factory.LazyFunction(lambda: ["fi"])


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Koulu {n}")
    kind = Unit.Kind.SCHOOL
