from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest
from django.utils import translation

from verme.accounts.selectors import user_language_for_email


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from organisations (or single sign-on), never from open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Mail goes out in the recipient's own language, whatever page triggered it.
        language = user_language_for_email(email=email) or translation.get_language() or "fi"
        with translation.override(language):
            super().send_mail(template_prefix, email, context)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on may create the account: the organisation's identity provider vouches."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True
