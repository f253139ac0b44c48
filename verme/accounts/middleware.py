from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def _offered(code: str | None) -> str | None:
    return code if code in dict(settings.LANGUAGES) else None


class LanguageMiddleware:
    """Chooses the language of every page: Finnish unless the person chose otherwise.

    The order is: the language switcher's cookie, then a signed-in person's stored language, then
    Finnish. The browser's Accept-Language is deliberately not used: staff of a Finnish
    organisation often have English browsers but expect the service in Finnish or Swedish.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = (
            _offered(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
            or (
                _offered(getattr(user, "language", None))
                if user and user.is_authenticated
                else None
            )
            or settings.LANGUAGE_CODE
        )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
