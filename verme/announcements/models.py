from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from verme.notifications.models import OutboundEmail
from verme.organisations.models import Organisation
from verme.organisations.tenancy import TenantManager, TenantOwned
from verme.rounds.models import Round


def new_unsubscribe_token() -> str:
    """The secret of one recipient's unsubscribe link: unguessable, never the primary key."""
    return secrets.token_urlsafe(32)


class Announcement(TenantOwned):
    """An e-mail announcement of a round to an uploaded staff list: prepared, previewed, sent."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("waiting for confirmation")
        SENT = "sent", _("sent")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="announcements",
        verbose_name=_("organisation"),
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="announcements", verbose_name=_("round")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    file_name = models.CharField(_("staff list"), max_length=255, blank=True)
    rejected_rows = models.JSONField(
        _("rejected rows"),
        default=list,
        blank=True,
        help_text=_("Rows of the staff list that could not be used, with the reasons."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    created_at = models.DateTimeField(_("prepared"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = TenantManager["Announcement"]()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.round} · {self.created_at:%Y-%m-%d %H:%M}"


class Recipient(TenantOwned):
    """One person on an announcement's staff list, with the secret of their unsubscribe link."""

    tenant_path = "announcement__organisation"

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        QUEUED = "queued", _("queued for sending")
        SKIPPED = "skipped", _("skipped: unsubscribed")

    announcement = models.ForeignKey(
        Announcement,
        on_delete=models.CASCADE,
        related_name="recipients",
        verbose_name=_("announcement"),
    )
    line = models.PositiveIntegerField(_("line in the file"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    token = models.CharField(
        max_length=64, unique=True, default=new_unsubscribe_token, editable=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    outbound_email = models.ForeignKey(
        OutboundEmail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("e-mail"),
    )

    objects = TenantManager["Recipient"]()

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ("announcement", "line")
        constraints = [
            models.UniqueConstraint(fields=["announcement", "email"], name="recipient_unique_email")
        ]

    def __str__(self) -> str:
        return self.email


class OptOut(TenantOwned):
    """An e-mail address that asked for no more announcements from this organisation."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="announcement_opt_outs",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unsubscribed from"),
    )
    created_at = models.DateTimeField(_("unsubscribed"), auto_now_add=True)

    objects = TenantManager["OptOut"]()

    class Meta:
        verbose_name = _("unsubscribed address")
        verbose_name_plural = _("unsubscribed addresses")
        ordering = ("organisation", "email")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="optout_unique_email")
        ]

    def __str__(self) -> str:
        return self.email
