from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


class VermeAuthenticationBackend(AuthenticationBackend):
    """allauth's backend, except that demo users' well-known password works only under DEBUG."""

    def authenticate(
        self, request: HttpRequest | None, **credentials: Any
    ) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is not None and getattr(user, "is_demo", False) and not settings.DEBUG:
            return None
        return user
