"""Request helpers shared by every app's views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from verme.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in person; views call it after ``login_required``, so this narrows the type."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
