from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from verme.notifications.services import email_send_due


class Command(BaseCommand):
    help = (
        "Deliver every queued e-mail that is due now. The task worker does this by itself; run "
        "this from cron only as a safety net, e.g. after the worker has been down."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = email_send_due()
        self.stdout.write(f"Delivered or retried {count} e-mail(s).")
