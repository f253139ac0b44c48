"""Who may run a round: the coordinators of its organisation. Everyone else gets a 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from verme.accounts.permissions import signed_in_user
from verme.organisations.models import Organisation, Role
from verme.organisations.selectors import user_roles_in
from verme.rounds.models import Round
from verme.rounds.selectors import round_get


def get_organisation_for_coordinator(request: HttpRequest, slug: str) -> Organisation:
    """The organisation when the person coordinates it; a 404 otherwise, never a 403."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if Role.COORDINATOR not in user_roles_in(
        user=signed_in_user(request), organisation=organisation
    ):
        raise Http404
    return organisation


def get_round_for_coordinator(request: HttpRequest, slug: str, pk: int) -> Round:
    """A round of an organisation the person coordinates; a 404 for any other round."""
    organisation = get_organisation_for_coordinator(request, slug)
    return round_get(organisation=organisation, pk=pk)
