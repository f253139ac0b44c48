from __future__ import annotations

from django_tasks import task

from verme.notifications.services import email_deliver


@task()
def deliver_email(email_id: int) -> str:
    """Background delivery of one queued message (see ``email_deliver``)."""
    return email_deliver(email_id=email_id).status
