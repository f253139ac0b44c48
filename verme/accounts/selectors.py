from __future__ import annotations

from verme.accounts.models import User


def user_language_for_email(*, email: str) -> str | None:
    """The stored language of the account with this e-mail, or None when there is none."""
    return (
        User.objects.filter(email__iexact=email.strip()).values_list("language", flat=True).first()
    )


def demo_user_emails() -> list[str]:
    """The demo sign-ins, listed on the sign-in page while the installation runs in demo mode."""
    return list(User.objects.filter(is_demo=True, is_active=True).values_list("email", flat=True))
