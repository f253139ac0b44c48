from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from verme.accounts.models import User
from verme.accounts.permissions import signed_in_user
from verme.exports import RENDERERS
from verme.organisations.models import Organisation
from verme.registrations.exports import RegistrationExport
from verme.registrations.forms import (
    FilterForm,
    ImportConfirmForm,
    ImportUploadForm,
    MappingForm,
    SignupForm,
)
from verme.registrations.importing import MAX_BYTES, ImportRefused, check_rows, guess_mapping
from verme.registrations.models import Registration
from verme.registrations.ratelimit import client_ip, rate_limit_exceeded
from verme.registrations.selectors import (
    registration_by_token,
    registration_counts,
    registration_import_get,
    registration_slot_ids,
    round_registrations,
)
from verme.registrations.services import (
    registration_cancel,
    registration_import_confirm,
    registration_import_start,
    registration_submit,
    registration_update,
)
from verme.rounds.models import Round
from verme.rounds.permissions import get_round_for_coordinator
from verme.rounds.selectors import round_get, round_slots, round_themes


def _add_errors(form: Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        form.add_error(key if key in form.fields else None, errors)


def _get_round_for_signup(slug: str, pk: int) -> Round:
    """A round whose sign-up has been opened; drafts are not public."""
    organisation = get_object_or_404(Organisation, slug=slug)
    round_ = round_get(organisation=organisation, pk=pk)
    if round_.status == Round.Status.DRAFT:
        raise Http404
    return round_


def _get_registration_for_link(token: str) -> Registration:
    """The registration whose private link this is; the token is the only credential."""
    return registration_by_token(token=token)


def _signup_form(request: HttpRequest, round_: Round, **kwargs: object) -> SignupForm:
    return SignupForm(
        request.POST or None,
        round_=round_,
        themes=round_themes(round_=round_),
        slots=round_slots(round_=round_),
        **kwargs,  # type: ignore[arg-type]
    )


def signup(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = _get_round_for_signup(slug, pk)
    context: dict[str, object] = {"round": round_, "organisation": round_.organisation}
    if not round_.signup_form_shown():
        return render(request, "registrations/signup_not_yet.html", context)
    user = request.user if isinstance(request.user, User) else None
    initial = {}
    if user is not None:
        initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    form = _signup_form(request, round_, initial=initial)
    status = 200
    if request.method == "POST":
        limited = rate_limit_exceeded(
            scope="signup",
            key=client_ip(request),
            limit=settings.SIGNUP_RATE_LIMIT,
            window_seconds=settings.SIGNUP_RATE_WINDOW_S,
        )
        if form.is_valid() and limited:
            status = 429
            form.add_error(
                None,
                _(
                    "Too many sign-ups have come from your network just now. "
                    "Wait a few minutes and send the form again."
                ),
            )
        elif form.is_valid():
            try:
                registration = registration_submit(
                    round_=round_,
                    data=form.registration_data(),
                    language=translation.get_language() or "fi",
                    user=user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you! We sent a confirmation to %(email)s.")
                    % {"email": registration.email},
                )
                return redirect("registrations:private", token=registration.token)
    context.update(form=form, closed=round_.signup_closed())
    return render(request, "registrations/signup.html", context, status=status)


@never_cache
def private(request: HttpRequest, token: str) -> HttpResponse:
    registration = _get_registration_for_link(token)
    return render(
        request,
        "registrations/private.html",
        {
            "registration": registration,
            "round": registration.round,
            "slots": list(registration.available_slots.all()),
            "can_change": _can_change(registration),
        },
    )


def _can_change(registration: Registration) -> bool:
    return (
        registration.status != Registration.Status.CANCELLED
        and not registration.round.signup_closed()
    )


@never_cache
def private_edit(request: HttpRequest, token: str) -> HttpResponse:
    registration = _get_registration_for_link(token)
    round_ = registration.round
    if not _can_change(registration):
        return render(
            request,
            "registrations/private_closed.html",
            {"registration": registration, "round": round_},
        )
    initial = SignupForm.initial_from(
        registration, registration_slot_ids(registration=registration)
    )
    form = _signup_form(request, round_, initial=initial, email_locked=True)
    if request.method == "POST" and form.is_valid():
        try:
            registration_update(registration=registration, data=form.registration_data())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your registration was saved."))
            return redirect("registrations:private", token=token)
    return render(
        request,
        "registrations/private_edit.html",
        {
            "registration": registration,
            "round": round_,
            "organisation": round_.organisation,
            "form": form,
        },
    )


@never_cache
def private_cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = _get_registration_for_link(token)
    if not _can_change(registration):
        return render(
            request,
            "registrations/private_closed.html",
            {"registration": registration, "round": registration.round},
        )
    if request.method == "POST":
        registration_cancel(registration=registration)
        messages.success(request, _("Your registration was cancelled."))
        return redirect("registrations:private", token=token)
    return render(
        request,
        "registrations/private_cancel.html",
        {"registration": registration, "round": registration.round},
    )


@login_required
def registration_list(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    form = FilterForm(request.GET or None, round_=round_, themes=round_themes(round_=round_))
    filters = form.cleaned_data if form.is_valid() else {}
    registrations = list(round_registrations(round_=round_, filters=filters))
    return render(
        request,
        "registrations/registration_list.html",
        {
            "organisation": round_.organisation,
            "round": round_,
            "form": form,
            "registrations": registrations,
            "counts": registration_counts(registrations=registrations),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def registration_export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise Http404
    form = FilterForm(request.GET or None, round_=round_, themes=round_themes(round_=round_))
    filters = form.cleaned_data if form.is_valid() else {}
    registrations = list(round_registrations(round_=round_, filters=filters))
    return renderer(RegistrationExport(round_=round_, registrations=registrations))


@login_required
def import_upload(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    reasons: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = registration_import_start(
                actor=signed_in_user(request),
                round_=round_,
                file_name=upload.name or "",
                content=upload.read(MAX_BYTES + 1),
            )
        except ImportRefused as refused:
            reasons = refused.reasons
        else:
            return redirect("registrations:import_review", slug=slug, pk=pk, import_pk=batch.pk)
    return render(
        request,
        "registrations/import_upload.html",
        {"organisation": round_.organisation, "round": round_, "form": form, "reasons": reasons},
    )


@login_required
def import_review(request: HttpRequest, slug: str, pk: int, import_pk: int) -> HttpResponse:
    """The dry run: the mapping (sent with GET) and what importing with it would do."""
    round_ = get_round_for_coordinator(request, slug, pk)
    batch = registration_import_get(round_=round_, pk=import_pk)
    guessed = {target: str(index) for target, index in guess_mapping(batch.headers).items()}
    form = MappingForm(request.GET or guessed, headers=batch.headers)
    report = None
    confirm = None
    if form.is_valid() and batch.imported_at is None:
        report = check_rows(round_=round_, rows=batch.rows, mapping=form.mapping())
        confirm = ImportConfirmForm(initial=form.cleaned_data, headers=batch.headers)
    return render(
        request,
        "registrations/import_review.html",
        {
            "organisation": round_.organisation,
            "round": round_,
            "batch": batch,
            "form": form,
            "report": report,
            "confirm": confirm,
        },
    )


@require_POST
@login_required
def import_confirm(request: HttpRequest, slug: str, pk: int, import_pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, slug, pk)
    batch = registration_import_get(round_=round_, pk=import_pk)
    form = ImportConfirmForm(request.POST, headers=batch.headers)
    if not form.is_valid():
        messages.error(request, _("Check the columns again before importing."))
        return redirect("registrations:import_review", slug=slug, pk=pk, import_pk=import_pk)
    try:
        count = registration_import_confirm(
            actor=signed_in_user(request),
            batch=batch,
            mapping=form.mapping(),
            notify=form.cleaned_data["notify"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(count)d registrations were imported.") % {"count": count})
    return redirect("registrations:list", slug=slug, pk=pk)
