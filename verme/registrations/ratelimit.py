"""A small fixed-window rate limit on Django's cache, for forms anyone may post."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address the request came from, seen through ``TRUSTED_PROXY_HOPS`` reverse proxies.

    X-Forwarded-For is written by the client too, so only the entries that the trusted proxies
    appended count: with one proxy, the last entry is the client; with none, REMOTE_ADDR is.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    if hops > 0:
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def rate_limit_exceeded(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``key``; True once more than ``limit`` hits fall in the current window."""
    cache_key = f"verme-ratelimit:{scope}:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # the window expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        hits = 1
    return hits > limit
