from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from verme.accounts.models import User
from verme.announcements.feeds import RoundsFeed
from verme.announcements.forms import StaffListForm
from verme.announcements.models import Announcement
from verme.announcements.selectors import (
    announced_round_get,
    announcement_get,
    announcement_recipients,
    embed_codes,
    message_previews,
    opted_out_emails,
    recipient_by_token,
    recipient_has_opted_out,
    round_announcements,
    round_links,
)
from verme.announcements.services import announcement_prepare, announcement_send, optout_create
from verme.organisations.models import Organisation, Role
from verme.organisations.selectors import user_roles_in
from verme.rounds.models import GroupKind, Round
from verme.rounds.selectors import round_get, round_themes

MANAGERS = {Role.COORDINATOR, Role.ADMIN}


def _offered(code: str | None) -> str | None:
    return code if code in dict(settings.LANGUAGES) else None


def _reader_language(request: HttpRequest, preferred: str | None) -> str:
    """The reader's own choice (the language switcher) first, then the one the link asked for."""
    own = _offered(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    return own or _offered(preferred) or translation.get_language() or settings.LANGUAGE_CODE


def _embed_language(request: HttpRequest) -> str:
    """For embedded content the intranet's ``?lang=`` wins: it knows its page's language."""
    return _offered(request.GET.get("lang")) or translation.get_language() or settings.LANGUAGE_CODE


def _render_in(
    request: HttpRequest, language: str, template: str, context: dict[str, object]
) -> HttpResponse:
    with translation.override(language):
        response = render(request, template, context)
    response.headers["Content-Language"] = language
    return response


def _organisation_manager(request: HttpRequest, slug: str) -> Organisation:
    """The organisation when the person coordinates or administers it; a 404 otherwise."""
    if not isinstance(request.user, User):  # login_required ran first; this narrows the type
        raise PermissionDenied
    organisation = get_object_or_404(Organisation, slug=slug)
    if not MANAGERS & user_roles_in(user=request.user, organisation=organisation):
        raise Http404
    return organisation


def _get_round_for_manager(request: HttpRequest, slug: str, round_id: int) -> Round:
    return round_get(organisation=_organisation_manager(request, slug), pk=round_id)


def _get_announcement_for_manager(request: HttpRequest, slug: str, pk: int) -> Announcement:
    return announcement_get(organisation=_organisation_manager(request, slug), pk=pk)


def _round_facts(round_: Round) -> dict[str, object]:
    return {
        "round": round_,
        "organisation": round_.organisation,
        "themes": round_themes(round_=round_),
        "group_kinds": [GroupKind(kind).label for kind in round_.group_kinds],
        "links": round_links(round_=round_),
    }


def round_page(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """The public page of an open round: what Verme is, the dates, and how to sign up."""
    organisation = get_object_or_404(Organisation, slug=slug)
    round_ = announced_round_get(organisation=organisation, round_id=round_id)
    language = _reader_language(request, request.GET.get("lang"))
    return _render_in(request, language, "announcements/round_page.html", _round_facts(round_))


@xframe_options_exempt  # made to be framed by intranets; every other page stays DENY
def round_snippet(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """A small self-contained card about an open round, for an intranet's <iframe>."""
    organisation = get_object_or_404(Organisation, slug=slug)
    round_ = announced_round_get(organisation=organisation, round_id=round_id)
    language = _embed_language(request)
    context = {**_round_facts(round_), "links": round_links(round_=round_, language=language)}
    return _render_in(request, language, "announcements/snippet.html", context)


def rounds_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """An Atom feed of the organisation's open rounds, for intranets and feed readers."""
    organisation = get_object_or_404(Organisation, slug=slug)
    language = _embed_language(request)
    with translation.override(language):
        return RoundsFeed(language=language)(request, organisation=organisation)


@login_required
@require_http_methods(["GET", "POST"])
def round_announcements_view(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """The coordinator's announcement desk: links, embed codes, and the staff-list upload."""
    round_ = _get_round_for_manager(request, slug, round_id)
    form = StaffListForm(
        request.POST or None, request.FILES or None, organisation=round_.organisation
    )
    if request.method == "POST" and form.is_valid() and form.parsed is not None:
        announcement = announcement_prepare(
            actor=request.user if isinstance(request.user, User) else None,
            round_=round_,
            staff_list=form.parsed,
            file_name=form.cleaned_data["staff_list"].name,
        )
        return redirect("announcements:detail", slug=round_.organisation.slug, pk=announcement.pk)
    return render(
        request,
        "announcements/round_announcements.html",
        {
            **_round_facts(round_),
            "form": form,
            "announcements": round_announcements(round_=round_),
            "embed_codes": embed_codes(round_=round_),
            "is_public": round_.status == Round.Status.OPEN,
        },
    )


@login_required
def announcement_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The preview before sending (who gets it, rows that failed), or the result afterwards."""
    announcement = _get_announcement_for_manager(request, slug, pk)
    recipients = list(announcement_recipients(announcement=announcement))
    opted_out = opted_out_emails(
        organisation=announcement.organisation, emails=[r.email for r in recipients]
    )
    return render(
        request,
        "announcements/announcement_detail.html",
        {
            "announcement": announcement,
            "round": announcement.round,
            "organisation": announcement.organisation,
            "recipients": recipients,
            "opted_out": opted_out,
            "sendable": len([r for r in recipients if r.email not in opted_out]),
            "previews": message_previews(announcement=announcement, recipients=recipients),
            "is_public": announcement.round.status == Round.Status.OPEN,
        },
    )


@login_required
@require_POST
def announcement_send_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    announcement = _get_announcement_for_manager(request, slug, pk)
    try:
        announcement_send(
            actor=request.user if isinstance(request.user, User) else None,
            announcement=announcement,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The announcement is on its way."))
    return redirect("announcements:detail", slug=slug, pk=pk)


# No CSRF token: the secret link is the only credential, and mail programs' one-click unsubscribe
# (RFC 8058) POSTs without one. A GET never unsubscribes, so link scanners change nothing.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Stop announcements to this address: GET asks, POST (the button) does it."""
    organisation = get_object_or_404(Organisation, slug=slug)
    recipient = recipient_by_token(organisation=organisation, token=token)
    if request.method == "POST":  # idempotent, so the answer is the page itself, not a redirect
        optout_create(recipient=recipient)
        done = True
    else:
        done = recipient_has_opted_out(recipient=recipient)
    language = _reader_language(request, recipient.language)
    return _render_in(
        request,
        language,
        "announcements/unsubscribe.html",
        {"organisation": organisation, "recipient": recipient, "done": done},
    )
