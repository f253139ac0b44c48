from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from verme.accounts.models import User


def user_set_language(*, user: User, language: str) -> User:
    """Store the person's preferred language, used for their pages and their mail."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose one of the offered languages."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
