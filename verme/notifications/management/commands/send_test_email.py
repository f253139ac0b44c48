from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from verme.notifications.services import email_queue


class Command(BaseCommand):
    help = (
        "Queue a test message to ADDRESS, to check the e-mail settings (EMAIL_HOST and friends). "
        "The task worker delivers it; watch its log or the admin's e-mail list for the result."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", help="where to send the test message")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the message (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            email = email_queue(
                organisation=None,
                to=options["address"],
                template="notifications/email/test_message",
                context={},
                language=options["language"],
            )
        self.stdout.write(f"Queued e-mail {email.pk} to {email.to}.")
