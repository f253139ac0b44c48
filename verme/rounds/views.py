from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verme.accounts.permissions import signed_in_user
from verme.rounds.forms import CopyRoundForm, RoundForm, ThemeFormSet
from verme.rounds.permissions import (
    get_organisation_for_coordinator,
    get_round_for_coordinator,
)
from verme.rounds.selectors import organisation_rounds, round_slots, round_themes, slot_table
from verme.rounds.services import (
    RoundData,
    SlotGrid,
    round_close,
    round_copy,
    round_create,
    round_open,
    round_set_themes,
    round_update,
)


def _add_errors(form: RoundForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_coordinator(request, slug)
    return render(
        request,
        "rounds/round_list.html",
        {"organisation": organisation, "rounds": organisation_rounds(organisation=organisation)},
    )


@login_required
def round_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_coordinator(request, slug)
    today = timezone.localdate()
    start = today.year if today.month >= 6 else today.year - 1
    initial = RoundForm.initial_for(
        RoundData(
            name={},
            school_year=f"{start}–{start + 1}",
            signup_opens_on=today,
            signup_closes_on=today + datetime.timedelta(days=30),
            languages=list(organisation.languages[:1]),
        ),
        SlotGrid(),
    )
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = round_create(
                actor=signed_in_user(request),
                organisation=organisation,
                data=form.round_data(),
                slots=form.slot_grid(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The round was created. Add its themes next."))
            return redirect("rounds:themes", slug=slug, pk=round_.pk)
    return render(request, "rounds/round_form.html", {"organisation": organisation, "form": form})


@login_required
def round_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    return render(
        request,
        "rounds/round_detail.html",
        {
            "organisation": round_.organisation,
            "round": round_,
            "themes": round_themes(round_=round_),
            "slots": slot_table(slots=round_slots(round_=round_)),
        },
    )


@login_required
def round_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    initial = RoundForm.initial_for(RoundData.of(round_), SlotGrid.of(round_))
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            round_update(
                actor=signed_in_user(request),
                round_=round_,
                data=form.round_data(),
                slots=form.slot_grid(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("rounds:detail", slug=slug, pk=pk)
    return render(
        request,
        "rounds/round_form.html",
        {"organisation": round_.organisation, "round": round_, "form": form},
    )


@login_required
def round_themes_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    initial = [{"theme_id": t.pk, "name": t.name} for t in round_themes(round_=round_)]
    formset = ThemeFormSet(request.POST or None, initial=initial, prefix="themes")
    if request.method == "POST" and formset.is_valid():
        round_set_themes(
            actor=signed_in_user(request),
            round_=round_,
            themes=[
                form.theme_input() for form in formset.forms if form.has_changed() or form.initial
            ],
        )
        messages.success(request, _("The themes were saved."))
        return redirect("rounds:detail", slug=slug, pk=pk)
    return render(
        request,
        "rounds/round_themes.html",
        {"organisation": round_.organisation, "round": round_, "formset": formset},
    )


@login_required
def round_copy_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    source = get_round_for_coordinator(request, slug, pk)
    form = CopyRoundForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        copy = round_copy(
            actor=signed_in_user(request),
            source=source,
            school_year=form.cleaned_data["school_year"],
        )
        messages.success(request, _("The round was copied. Check its dates before opening it."))
        return redirect("rounds:edit", slug=slug, pk=copy.pk)
    return render(
        request,
        "rounds/round_copy.html",
        {"organisation": source.organisation, "round": source, "form": form},
    )


@require_POST
@login_required
def round_open_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    try:
        round_open(actor=signed_in_user(request), round_=round_)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Sign-up is open."))
    return redirect("rounds:detail", slug=slug, pk=pk)


@require_POST
@login_required
def round_close_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    round_close(actor=signed_in_user(request), round_=round_)
    messages.success(request, _("Sign-up is closed. Late sign-ups go to the waiting list."))
    return redirect("rounds:detail", slug=slug, pk=pk)
