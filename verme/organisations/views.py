from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from verme.accounts.permissions import signed_in_user
from verme.organisations.models import Organisation, Role
from verme.organisations.selectors import (
    organisation_people_by_role,
    organisation_units,
    user_organisations,
    user_roles_in,
)
from verme.rounds.selectors import organisation_rounds

ROLE_TEMPLATES = {
    Role.COORDINATOR: "organisations/dashboards/coordinator.html",
    Role.MENTOR: "organisations/dashboards/mentor.html",
    Role.PARTICIPANT: "organisations/dashboards/participant.html",
    Role.LEADER: "organisations/dashboards/leader.html",
    Role.ADMIN: "organisations/dashboards/admin.html",
}


def _get_organisation_for_user(
    request: HttpRequest, slug: str, *, role: Role | None = None
) -> tuple[Organisation, set[Role]]:
    """The organisation if the person holds a role there (the given one, when named); else 404.

    A 404 rather than a 403 for outsiders: another organisation's existence is not theirs to learn.
    """
    user = signed_in_user(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    roles = user_roles_in(user=user, organisation=organisation)
    if not roles or (role is not None and role not in roles):
        raise Http404
    return organisation, roles


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Where a signed-in person starts: their organisations and roles."""
    user = signed_in_user(request)
    return render(
        request, "organisations/dashboard.html", {"memberships": user_organisations(user=user)}
    )


@login_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, roles = _get_organisation_for_user(request, slug)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "roles": sorted(roles, key=list(Role).index),
            "units": organisation_units(organisation=organisation),
        },
    )


@login_required
def role_dashboard(request: HttpRequest, slug: str, role: str) -> HttpResponse:
    try:
        wanted = Role(role)
    except ValueError as exc:
        raise Http404 from exc
    organisation, roles = _get_organisation_for_user(request, slug, role=wanted)
    context: dict[str, object] = {"organisation": organisation, "role": wanted, "roles": roles}
    if wanted is Role.COORDINATOR:
        context["rounds"] = organisation_rounds(organisation=organisation).annotate(
            registration_count=Count("registrations", filter=~Q(registrations__status="cancelled"))
        )
    if wanted is Role.ADMIN:
        context["units"] = organisation_units(organisation=organisation)
        context["people_by_role"] = organisation_people_by_role(organisation=organisation)
    return render(request, ROLE_TEMPLATES[wanted], context)
