from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verme.accounts.permissions import signed_in_user
from verme.mentors.forms import MentorForm
from verme.mentors.models import RoundMentor
from verme.mentors.selectors import round_mentor_get, round_mentors
from verme.mentors.services import round_mentor_remove, round_mentor_save
from verme.organisations.models import Unit
from verme.rounds.models import Round, Theme, TimeSlot
from verme.rounds.permissions import get_round_for_coordinator


def _get_round_mentor_for_coordinator(
    request: HttpRequest, slug: str, pk: int, mentor_pk: int
) -> RoundMentor:
    """A mentor of a round that the person coordinates; a 404 otherwise."""
    round_ = get_round_for_coordinator(request, slug, pk)
    return round_mentor_get(round_=round_, pk=mentor_pk)


def _form(request: HttpRequest, round_: Round, **kwargs: Any) -> MentorForm:
    organisation = round_.organisation
    return MentorForm(
        request.POST or None,
        units=Unit.objects.for_organisation(organisation).filter(is_active=True),
        slots=TimeSlot.objects.for_organisation(organisation).filter(round=round_),
        themes=Theme.objects.for_organisation(organisation).filter(round=round_),
        **kwargs,
    )


def _save(
    request: HttpRequest, form: MentorForm, round_: Round, round_mentor: RoundMentor | None
) -> bool:
    try:
        round_mentor_save(
            actor=signed_in_user(request),
            round_=round_,
            data=form.mentor_data(),
            round_mentor=round_mentor,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for key, errors in error.error_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return False
    return True


@login_required
def mentor_list(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    mentors = list(round_mentors(round_=round_))
    return render(
        request,
        "mentors/mentor_list.html",
        {
            "organisation": round_.organisation,
            "round": round_,
            "mentors": mentors,
            "groups_possible": sum(m.capacity for m in mentors),
        },
    )


@login_required
def mentor_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    initial = {"languages": round_.languages[:1], "language": "fi", "capacity": 1}
    form = _form(request, round_, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, round_, None):
        messages.success(request, _("The mentor was added to the round."))
        return redirect("mentors:list", slug=slug, pk=pk)
    return render(
        request,
        "mentors/mentor_form.html",
        {"organisation": round_.organisation, "round": round_, "form": form},
    )


@login_required
def mentor_edit(request: HttpRequest, slug: str, pk: int, mentor_pk: int) -> HttpResponse:
    round_mentor = _get_round_mentor_for_coordinator(request, slug, pk, mentor_pk)
    round_ = round_mentor.round
    form = _form(request, round_, initial=MentorForm.initial_for(round_mentor))
    if request.method == "POST" and form.is_valid() and _save(request, form, round_, round_mentor):
        messages.success(request, _("The mentor was saved."))
        return redirect("mentors:list", slug=slug, pk=pk)
    return render(
        request,
        "mentors/mentor_form.html",
        {
            "organisation": round_.organisation,
            "round": round_,
            "form": form,
            "round_mentor": round_mentor,
        },
    )


@require_POST
@login_required
def mentor_remove(request: HttpRequest, slug: str, pk: int, mentor_pk: int) -> HttpResponse:
    round_mentor = _get_round_mentor_for_coordinator(request, slug, pk, mentor_pk)
    round_mentor_remove(actor=signed_in_user(request), round_mentor=round_mentor)
    messages.success(request, _("The mentor was taken out of the round."))
    return redirect("mentors:list", slug=slug, pk=pk)
