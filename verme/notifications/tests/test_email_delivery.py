from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from verme.notifications.models import OutboundEmail
from verme.notifications.services import MAX_ATTEMPTS, email_deliver, email_queue, email_send_due
from verme.tests.mail import Mailbox

TEMPLATE = "notifications/email/test_message"


@pytest.mark.django_db
def test_queued_mail_is_sent_over_smtp_in_the_recipients_language(
    mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(
            organisation=None, to="anna@example.org", template=TEMPLATE, context={}, language="sv"
        )
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    (message,) = mailbox.to("anna@example.org")
    assert message["Subject"] == "Testmeddelande från Verme"
    assert "Hej från Verme!" in Mailbox.text(message)
    assert message.get_body(preferencelist=("html",)) is not None


@pytest.mark.django_db
def test_nothing_is_sent_when_the_queuing_transaction_rolls_back(
    mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            email_queue(
                organisation=None,
                to="anna@example.org",
                template=TEMPLATE,
                context={},
                language="fi",
            )
            raise RuntimeError("the change that wanted to send mail failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert mailbox.messages == []
    assert not OutboundEmail.objects.unscoped().exists()


@pytest.mark.django_db
def test_a_mail_host_that_is_down_gets_retries_and_then_the_mail_is_marked_failed(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens here: the connection is refused
    settings.EMAIL_TIMEOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(
            organisation=None, to="anna@example.org", template=TEMPLATE, context={}, language="fi"
        )
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.attempts == 1
    assert email.next_attempt_at is not None
    assert "Connection" in email.last_error or "refused" in email.last_error.lower()
    for _ in range(MAX_ATTEMPTS - 1):
        email = email_deliver(email_id=email.pk)
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == MAX_ATTEMPTS


@pytest.mark.django_db
def test_catch_up_sends_only_mail_that_is_due(mailbox: Mailbox) -> None:
    due = email_queue(
        organisation=None, to="due@example.org", template=TEMPLATE, context={}, language="fi"
    )
    later = email_queue(
        organisation=None, to="later@example.org", template=TEMPLATE, context={}, language="fi"
    )
    later.next_attempt_at = later.created_at.replace(year=later.created_at.year + 1)
    later.save()
    assert email_send_due() == 1
    due.refresh_from_db()
    assert due.status == OutboundEmail.Status.SENT
    assert [str(m["To"]) for m in mailbox.messages] == ["due@example.org"]


@pytest.mark.django_db
def test_a_delivered_mail_is_never_sent_twice(mailbox: Mailbox) -> None:
    email = email_queue(
        organisation=None, to="anna@example.org", template=TEMPLATE, context={}, language="en"
    )
    email_deliver(email_id=email.pk)
    email_deliver(email_id=email.pk)
    assert len(mailbox.messages) == 1


@pytest.mark.django_db
def test_send_test_email_command_queues_a_test_message() -> None:
    call_command("send_test_email", "ops@example.org", "--language", "en", stdout=StringIO())
    email = OutboundEmail.objects.unscoped().get()
    assert email.subject == "Verme test message"
