from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verme.accounts.permissions import signed_in_user
from verme.grouping import Weights
from verme.groups.forms import MoveForm, PinForm, WeightsForm
from verme.groups.models import Proposal
from verme.groups.overview import proposal_figures, proposal_overview
from verme.groups.selectors import proposal_get, published_proposal, round_proposals
from verme.groups.services import (
    proposal_create,
    proposal_move_member,
    proposal_pin,
    proposal_publish,
    proposals_fail_stopped_runs,
)
from verme.mentors.selectors import round_mentors
from verme.rounds.permissions import (
    get_organisation_for_coordinator,
    get_round_for_coordinator,
)


def _get_proposal_for_coordinator(request: HttpRequest, slug: str, pk: int) -> Proposal:
    """A proposal of an organisation the person coordinates; a 404 for any other."""
    organisation = get_organisation_for_coordinator(request, slug)
    return proposal_get(organisation=organisation, pk=pk)


def _report(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def proposal_list(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    form = WeightsForm(request.POST or None, initial=WeightsForm.initial_for(Weights()))
    if request.method == "POST" and form.is_valid():
        try:
            proposal = proposal_create(
                actor=signed_in_user(request),
                round_=round_,
                weights=form.weights(),
                time_limit_s=form.cleaned_data["time_limit_s"],
            )
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(request, _("The optimiser is forming groups."))
            return redirect("groups:proposal", slug=slug, pk=proposal.pk)
    proposals_fail_stopped_runs(round_=round_)
    proposals = list(round_proposals(round_=round_))
    return render(
        request,
        "groups/proposal_list.html",
        {
            "organisation": round_.organisation,
            "round": round_,
            "proposals": proposals,
            "published": published_proposal(round_=round_),
            "mentor_count": round_mentors(round_=round_).count(),
            "form": form,
        },
    )


@login_required
def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = _get_proposal_for_coordinator(request, slug, pk)
    round_ = proposal.round
    if proposal.is_running and proposals_fail_stopped_runs(round_=round_):
        proposal.refresh_from_db()
    context: dict[str, object] = {
        "organisation": round_.organisation,
        "round": round_,
        "proposal": proposal,
        "form": WeightsForm(
            initial=WeightsForm.initial_from(proposal.weights, proposal.time_limit_s)
        ),
    }
    if proposal.has_result:
        context["overview"] = proposal_overview(proposal=proposal)
    return render(request, "groups/proposal_detail.html", context)


@require_POST
@login_required
def proposal_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = _get_proposal_for_coordinator(request, slug, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            proposal_move_member(
                actor=signed_in_user(request),
                proposal=proposal,
                participant=form.cleaned_data["participant"],
                group=form.cleaned_data["group"] or None,
            )
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(request, _("The person was moved."))
    return redirect("groups:proposal", slug=slug, pk=pk)


@require_POST
@login_required
def proposal_pin_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = _get_proposal_for_coordinator(request, slug, pk)
    form = PinForm(request.POST)
    if form.is_valid():
        try:
            proposal_pin(
                actor=signed_in_user(request),
                proposal=proposal,
                pinned=form.cleaned_data["pinned"],
                participant=form.cleaned_data["participant"] or None,
                group=form.cleaned_data["group"] or None,
            )
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(
                request, _("Pinned.") if form.cleaned_data["pinned"] else _("Unpinned.")
            )
    return redirect("groups:proposal", slug=slug, pk=pk)


@require_POST
@login_required
def proposal_rerun(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = _get_proposal_for_coordinator(request, slug, pk)
    form = WeightsForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect("groups:proposal", slug=slug, pk=pk)
    try:
        rerun = proposal_create(
            actor=signed_in_user(request),
            round_=proposal.round,
            weights=form.weights(),
            time_limit_s=form.cleaned_data["time_limit_s"],
            parent=proposal,
        )
    except ValidationError as error:
        _report(request, error)
        return redirect("groups:proposal", slug=slug, pk=pk)
    messages.success(request, _("The optimiser is forming groups; pinned people stay put."))
    return redirect("groups:proposal", slug=slug, pk=rerun.pk)


@require_POST
@login_required
def proposal_publish_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = _get_proposal_for_coordinator(request, slug, pk)
    try:
        groups = proposal_publish(actor=signed_in_user(request), proposal=proposal)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(
            request,
            _("%(count)d groups were published and everyone was sent an e-mail.")
            % {"count": len(groups)},
        )
    return redirect("groups:proposal", slug=slug, pk=pk)


@login_required
def proposal_compare(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    wanted = {int(v) for v in request.GET.getlist("proposal") if v.isdigit()}
    proposals = [
        p
        for p in Proposal.objects.for_organisation(round_.organisation)
        .filter(round=round_, pk__in=wanted)
        .order_by("number")
        if p.has_result
    ]
    if wanted and not proposals:
        raise Http404
    return render(
        request,
        "groups/proposal_compare.html",
        {
            "organisation": round_.organisation,
            "round": round_,
            "columns": [(p, proposal_figures(proposal=p)) for p in proposals],
        },
    )
