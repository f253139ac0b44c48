from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from verme.mentors.models import RoundMentor
from verme.organisations.tenancy import TenantQuerySet
from verme.rounds.models import Round, Theme, TimeSlot


def round_mentors(*, round_: Round) -> TenantQuerySet[RoundMentor]:
    """A round's mentors with their unit, weekly times and themes (four queries in all)."""
    organisation = round_.organisation
    return (
        RoundMentor.objects.for_organisation(organisation)
        .filter(round=round_)
        .select_related("mentor__unit")
        .prefetch_related(
            Prefetch(
                "slots",
                queryset=TimeSlot.objects.for_organisation(organisation).order_by(
                    "weekday", "starts_at"
                ),
            )
        )
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.for_organisation(organisation)))
        .order_by("mentor__name", "pk")
    )


def round_mentor_get(*, round_: Round, pk: int) -> RoundMentor:
    """One mentor of this round, or 404."""
    return get_object_or_404(round_mentors(round_=round_), pk=pk)
