"""Text that an organisation types in (round names, themes, questions) in several languages.

Stored as a JSON object ``{"fi": "…", "sv": "…", "en": "…"}``. Shown in the reader's language,
falling back to the organisation's first language, then to any language that has text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

TranslatedText = dict[str, str]


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def translated(
    value: TranslatedText | None,
    *,
    language: str | None = None,
    fallbacks: Sequence[str] = (),
) -> str:
    """The text in ``language`` (default: the active one), else the first fallback that has text."""
    if not value:
        return ""
    wanted = language or translation.get_language() or settings.LANGUAGE_CODE
    for code in (wanted, *fallbacks, *language_codes()):
        text = value.get(code, "").strip()
        if text:
            return text
    return ""


class TranslatedTextField(models.JSONField):
    """A model field holding one text per language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return TranslatedTextFormField(
            required=not self.blank, label=self.verbose_name, help_text=self.help_text
        )


class TranslatedTextWidget(forms.MultiWidget):
    """One labelled input per language; screen readers hear which language each one is."""

    template_name = "pages/widgets/translated_text.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            code: forms.TextInput(attrs={"lang": code}) for code in language_codes()
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str]:
        value = value or {}
        return [value.get(code, "") for code in language_codes()]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        names = dict(settings.LANGUAGES)
        for sub, code in zip(context["widget"]["subwidgets"], language_codes(), strict=True):
            sub["language_name"] = names[code]
        return context


class TranslatedTextFormField(forms.MultiValueField):
    """Accepts text in any of the languages; at least one is needed when the field is required."""

    widget = TranslatedTextWidget
    default_error_messages = {"required": _("Give the text in at least one language.")}

    def __init__(self, *, required: bool = True, **kwargs: Any) -> None:
        fields = [forms.CharField(required=False, max_length=500) for _code in language_codes()]
        super().__init__(fields, required=required, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> TranslatedText:
        data = {
            code: (text or "").strip()
            for code, text in zip(language_codes(), data_list or [], strict=False)
            if (text or "").strip()
        }
        if self.required and not data:
            raise ValidationError(self.error_messages["required"], code="required")
        return data
