from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from verme.announcements.models import Announcement, OptOut, Recipient
from verme.organisations.models import Organisation
from verme.organisations.tenancy import TenantQuerySet
from verme.rounds.models import Round


def organisation_announced_rounds(*, organisation: Organisation) -> TenantQuerySet[Round]:
    """The rounds the public may read about: those open for sign-up, newest first."""
    return (
        Round.objects.for_organisation(organisation)
        .filter(status=Round.Status.OPEN)
        .select_related("organisation")
        .order_by("-signup_opens_on", "-pk")
    )


def announced_round_get(*, organisation: Organisation, round_id: int) -> Round:
    """An open round of this organisation, or 404 (drafts and closed rounds are not public)."""
    return get_object_or_404(organisation_announced_rounds(organisation=organisation), pk=round_id)


def round_announcements(*, round_: Round) -> Sequence[Announcement]:
    """The round's e-mail announcements with recipient counts by status, newest first."""
    return list(
        Announcement.objects.for_organisation(round_.organisation)
        .filter(round=round_)
        .annotate(
            recipient_count=Count("recipients"),
            queued_count=Count("recipients", filter=Q(recipients__status=Recipient.Status.QUEUED)),
            skipped_count=Count(
                "recipients", filter=Q(recipients__status=Recipient.Status.SKIPPED)
            ),
        )
        .select_related("created_by", "sent_by")
    )


def announcement_get(*, organisation: Organisation, pk: int) -> Announcement:
    """One announcement of this organisation, or 404 (also for another organisation's)."""
    return get_object_or_404(
        Announcement.objects.for_organisation(organisation).select_related(
            "round", "round__organisation", "organisation"
        ),
        pk=pk,
    )


def announcement_recipients(*, announcement: Announcement) -> TenantQuerySet[Recipient]:
    return (
        Recipient.objects.for_organisation(announcement.organisation)
        .filter(announcement=announcement)
        .select_related("outbound_email")
        .order_by("line")
    )


def opted_out_emails(*, organisation: Organisation, emails: Iterable[str]) -> set[str]:
    """Those of the addresses that unsubscribed from this organisation's announcements."""
    return set(
        OptOut.objects.for_organisation(organisation)
        .filter(email__in=[email.lower() for email in emails])
        .values_list("email", flat=True)
    )


def recipient_by_token(*, organisation: Organisation, token: str) -> Recipient:
    """The recipient whose unsubscribe link this is, or 404."""
    return get_object_or_404(
        Recipient.objects.for_organisation(organisation).select_related(
            "announcement__organisation"
        ),
        token=token,
    )


def recipient_has_opted_out(*, recipient: Recipient) -> bool:
    return (
        OptOut.objects.for_organisation(recipient.announcement.organisation)
        .filter(email=recipient.email)
        .exists()
    )


def _absolute(path: str, language: str | None = None) -> str:
    return f"{settings.SITE_URL}{path}" + (f"?lang={language}" if language else "")


@dataclass(frozen=True)
class RoundLinks:
    """The public addresses of a round's announcement, absolute, for e-mails and embed codes."""

    page: str
    snippet: str
    feed: str
    signup: str


def round_links(*, round_: Round, language: str | None = None) -> RoundLinks:
    """Where people read about and sign up for the round, optionally in a chosen language."""
    slug = round_.organisation.slug
    return RoundLinks(
        page=_absolute(
            reverse("announcements:page", kwargs={"slug": slug, "round_id": round_.pk}), language
        ),
        snippet=_absolute(
            reverse("announcements:snippet", kwargs={"slug": slug, "round_id": round_.pk}),
            language,
        ),
        feed=_absolute(reverse("announcements:feed", kwargs={"slug": slug}), language),
        signup=_absolute(round_signup_path(round_=round_)),
    )


def round_signup_path(*, round_: Round) -> str:
    """The public sign-up form of the round (owned by the registrations app)."""
    return reverse(
        "registrations:signup", kwargs={"slug": round_.organisation.slug, "pk": round_.pk}
    )


def unsubscribe_url(*, recipient: Recipient) -> str:
    return _absolute(
        reverse(
            "announcements:unsubscribe",
            kwargs={"slug": recipient.announcement.organisation.slug, "token": recipient.token},
        )
    )


def message_context(*, recipient: Recipient, round_: Round) -> dict[str, Any]:
    """What the announcement e-mail to this recipient says (also used for the preview)."""
    return {
        "recipient": recipient,
        "round": round_,
        "organisation": round_.organisation,
        "links": round_links(round_=round_, language=recipient.language),
        "unsubscribe_url": unsubscribe_url(recipient=recipient),
    }


@dataclass(frozen=True)
class EmbedCode:
    """What a coordinator copies into the intranet, in one of the organisation's languages."""

    language: str
    language_name: str
    links: RoundLinks
    iframe: str
    link: str


def embed_codes(*, round_: Round) -> list[EmbedCode]:
    """The <iframe> and link codes of the round in each of the organisation's languages."""
    names = dict(settings.LANGUAGES)
    codes = []
    for language in round_.organisation.languages:
        links = round_links(round_=round_, language=language)
        with translation.override(language):
            title = _("Verme peer-group mentoring: %(round)s") % {"round": round_.display_name}
            read_more = _("Verme peer-group mentoring %(round)s: read more and sign up") % {
                "round": round_.display_name
            }
        codes.append(
            EmbedCode(
                language=language,
                language_name=str(names.get(language, language)),
                links=links,
                iframe=format_html(
                    '<iframe src="{}" title="{}" width="100%" height="260" '
                    'style="border:0;max-width:40rem"></iframe>',
                    links.snippet,
                    title,
                ),
                link=format_html('<a href="{}">{}</a>', links.page, read_more),
            )
        )
    return codes


@dataclass(frozen=True)
class MessagePreview:
    """The announcement as the first recipient in one language will read it."""

    language: str
    language_name: str
    subject: str
    text: str


def message_previews(
    *, announcement: Announcement, recipients: list[Recipient]
) -> list[MessagePreview]:
    """One rendered message per language on the list, with the same templates as the e-mail."""
    names = dict(settings.LANGUAGES)
    first_by_language: dict[str, Recipient] = {}
    for recipient in recipients:
        first_by_language.setdefault(recipient.language, recipient)
    previews = []
    for language, recipient in first_by_language.items():
        context = {
            **message_context(recipient=recipient, round_=announcement.round),
            "site_url": settings.SITE_URL,
            "language": language,
        }
        with translation.override(language):
            subject = " ".join(
                render_to_string("announcements/email/announcement_subject.txt", context).split()
            )
            text = render_to_string("announcements/email/announcement.txt", context)
        previews.append(
            MessagePreview(
                language=language,
                language_name=str(names.get(language, language)),
                subject=subject,
                text=text,
            )
        )
    return previews
