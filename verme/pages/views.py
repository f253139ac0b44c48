from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from verme.pages.selectors import database_is_reachable


def front(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/front.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    database_ok = database_is_reachable()
    return JsonResponse(
        {"status": "ok" if database_ok else "error", "database": "ok" if database_ok else "down"},
        status=200 if database_ok else 503,
    )
