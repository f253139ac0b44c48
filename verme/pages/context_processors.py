from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from verme.accounts.selectors import demo_user_emails


def site(request: HttpRequest) -> dict[str, object]:
    """What the base layout needs on every page."""

    def demo_users() -> list[str]:
        # Called by the template only where the list is shown (the sign-in page in demo mode).
        return demo_user_emails() if settings.VERME_DEMO_MODE else []

    return {
        "demo_mode": settings.VERME_DEMO_MODE,
        "demo_users": demo_users,
        "accessibility_feedback_email": settings.VERME_ACCESSIBILITY_FEEDBACK_EMAIL,
        "privacy_contact_email": settings.VERME_PRIVACY_CONTACT_EMAIL,
    }
