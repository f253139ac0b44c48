from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verme.accounts.models import User
from verme.announcements.models import Announcement, OptOut, Recipient
from verme.announcements.selectors import (
    announcement_recipients,
    message_context,
    opted_out_emails,
    unsubscribe_url,
)
from verme.announcements.staff_list import StaffList
from verme.audit.services import audit_record
from verme.notifications.services import email_queue
from verme.rounds.models import Round

EMAIL_TEMPLATE = "announcements/email/announcement"


def announcement_prepare(
    *, actor: User | None, round_: Round, staff_list: StaffList, file_name: str = ""
) -> Announcement:
    """Store an uploaded staff list as a draft announcement; nothing is sent until it is confirmed.

    Rejected rows are kept with their reasons so that the preview can show them.
    """
    with transaction.atomic():
        announcement = Announcement(
            organisation=round_.organisation,
            round=round_,
            file_name=file_name[:255],
            rejected_rows=[
                {"line": row.line, "values": row.values, "errors": row.errors}
                for row in staff_list.rejected
            ],
            created_by=actor,
        )
        announcement.full_clean()
        announcement.save()
        recipients = [
            Recipient(
                announcement=announcement,
                line=row.line,
                name=row.name,
                email=row.email,
                language=row.language,
            )
            for row in staff_list.rows
        ]
        for recipient in recipients:
            recipient.full_clean(exclude=["announcement"], validate_unique=False)
        Recipient.objects.bulk_create(recipients)
        audit_record(
            actor=actor,
            organisation=round_.organisation,
            action="announcement.prepare",
            obj=announcement,
            after={
                "file": announcement.file_name,
                "recipients": len(recipients),
                "rejected": len(staff_list.rejected),
            },
        )
    return announcement


def announcement_send(*, actor: User | None, announcement: Announcement) -> Announcement:
    """Queue the announcement to everyone on the list in their own language, except those who
    unsubscribed; only a draft of an open round can be sent, and only once."""
    with transaction.atomic():
        announcement = (
            Announcement.objects.for_organisation(announcement.organisation)
            .select_for_update()
            .select_related("round__organisation")
            .get(pk=announcement.pk)
        )
        if announcement.status != Announcement.Status.DRAFT:
            raise ValidationError(_("This announcement has already been sent."))
        round_ = announcement.round
        if round_.status != Round.Status.OPEN:
            raise ValidationError(
                _("Open the round before announcing it: its page is not public yet.")
            )
        recipients = list(announcement_recipients(announcement=announcement))
        opted_out = opted_out_emails(
            organisation=announcement.organisation, emails=[r.email for r in recipients]
        )
        for recipient in recipients:
            recipient.announcement = announcement
            if recipient.email in opted_out:
                recipient.status = Recipient.Status.SKIPPED
            else:
                recipient.outbound_email = email_queue(
                    organisation=announcement.organisation,
                    to=recipient.email,
                    template=EMAIL_TEMPLATE,
                    context=message_context(recipient=recipient, round_=round_),
                    language=recipient.language,
                    headers=_unsubscribe_headers(recipient),
                )
                recipient.status = Recipient.Status.QUEUED
        Recipient.objects.for_organisation(announcement.organisation).bulk_update(
            recipients, ["status", "outbound_email"]
        )
        announcement.status = Announcement.Status.SENT
        announcement.sent_by = actor
        announcement.sent_at = timezone.now()
        announcement.save(update_fields=["status", "sent_by", "sent_at"])
        audit_record(
            actor=actor,
            organisation=announcement.organisation,
            action="announcement.send",
            obj=announcement,
            before={"status": Announcement.Status.DRAFT.value},
            after={
                "status": announcement.status,
                "queued": sum(r.status == Recipient.Status.QUEUED for r in recipients),
                "skipped": sum(r.status == Recipient.Status.SKIPPED for r in recipients),
            },
        )
    return announcement


def _unsubscribe_headers(recipient: Recipient) -> dict[str, str]:
    # RFC 2369 and RFC 8058: mail programs offer their own unsubscribe button, which POSTs.
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(recipient=recipient)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def optout_create(*, recipient: Recipient) -> OptOut:
    """Record that the recipient wants no more announcements from the organisation (idempotent)."""
    organisation = recipient.announcement.organisation
    with transaction.atomic():
        existing = (
            OptOut.objects.for_organisation(organisation).filter(email=recipient.email).first()
        )
        if existing is not None:
            return existing
        opt_out = OptOut(organisation=organisation, email=recipient.email, recipient=recipient)
        opt_out.full_clean()
        opt_out.save()
        audit_record(
            actor=None,
            organisation=organisation,
            action="announcement.unsubscribe",
            obj=opt_out,
            after={"email": recipient.email, "announcement": recipient.announcement_id},
        )
    return opt_out
