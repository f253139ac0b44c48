from __future__ import annotations

from django import template

from verme.i18n import translated

register = template.Library()


@register.filter
def tr(value: dict[str, str] | None, fallbacks: str = "") -> str:
    """A typed-in text in the reader's language: ``{{ round.name|tr:organisation_languages }}``."""
    return translated(value, fallbacks=[code for code in fallbacks.split(",") if code])
