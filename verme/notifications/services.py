from __future__ import annotations

import contextlib
import logging
import smtplib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from verme.notifications.models import OutboundEmail
from verme.organisations.models import Organisation

logger = logging.getLogger(__name__)

# Waits between attempts: a mail host that is down for a while loses nothing.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def _render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = str(render_to_string(f"{template}.txt", context))
    html = ""
    with contextlib.suppress(TemplateDoesNotExist):
        html = str(render_to_string(f"{template}.html", context))
    return subject, text, html


def email_queue(
    *,
    organisation: Organisation | None,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    headers: dict[str, str] | None = None,
) -> OutboundEmail:
    """Render a named message in the recipient's language now; deliver it after the commit.

    ``template`` names ``<template>_subject.txt``, ``<template>.txt`` and optionally
    ``<template>.html``. The rendered message is stored, so a retry sends exactly the same mail.
    """
    with translation.override(language):
        subject, text, html = _render(
            template, {**context, "site_url": settings.SITE_URL, "language": language}
        )
    email = OutboundEmail.objects.create(
        organisation=organisation,
        template=template,
        to=to,
        language=language,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        headers=headers or {},
    )
    transaction.on_commit(lambda: _enqueue_delivery(email.pk))
    return email


def _enqueue_delivery(email_id: int, *, run_after: Any = None) -> None:
    from verme.notifications.tasks import deliver_email

    task = deliver_email.using(run_after=run_after) if run_after else deliver_email
    task.enqueue(email_id)


def email_deliver(*, email_id: int) -> OutboundEmail:
    """Send one queued message over SMTP; on failure schedule a retry, or give up after the last."""
    with transaction.atomic():
        email = OutboundEmail.objects.unscoped().select_for_update().get(pk=email_id)
        if email.status != OutboundEmail.Status.QUEUED:
            return email  # sent or given up already: a duplicate task changes nothing
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers=email.headers,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
                email.next_attempt_at = None
                logger.error("Gave up e-mail %s to %s: %s", email.pk, email.to, email.last_error)
            else:
                email.next_attempt_at = timezone.now() + RETRY_DELAYS[email.attempts - 1]
                logger.warning("E-mail %s failed, retrying: %s", email.pk, email.last_error)
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.next_attempt_at = None
            email.last_error = ""
        email.save()
    if email.status == OutboundEmail.Status.QUEUED and email.next_attempt_at is not None:
        _schedule_retry(email)
    return email


def _schedule_retry(email: OutboundEmail) -> None:
    from django_tasks import default_task_backend

    if default_task_backend.supports_defer:
        _enqueue_delivery(email.pk, run_after=email.next_attempt_at)
    # Otherwise `manage.py send_queued_email` (run from cron) picks it up when it is due.


def email_send_due(*, now: Any = None) -> int:
    """Deliver every queued message that is due (catch-up after the worker was down)."""
    now = now or timezone.now()
    due = (
        OutboundEmail.objects.unscoped()
        .filter(status=OutboundEmail.Status.QUEUED)
        .exclude(next_attempt_at__gt=now)
        .values_list("pk", flat=True)
    )
    count = 0
    for email_id in list(due):
        email_deliver(email_id=email_id)
        count += 1
    return count
