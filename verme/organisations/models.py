from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from verme.i18n import TranslatedTextField, translated
from verme.organisations.tenancy import TenantManager, TenantOwned


def _validate_languages(value: object) -> None:
    offered = {code for code, _name in settings.LANGUAGES}
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v in offered for v in value)
    ):
        raise ValidationError(_("Choose at least one of the languages Finnish, Swedish, English."))
    if len(set(value)) != len(value):
        raise ValidationError(_("Each language may be listed only once."))


def _default_languages() -> list[str]:
    return ["fi"]


class Organisation(models.Model):
    """An education provider running its own programme: the tenant whose data stays its own."""

    name = TranslatedTextField(_("name"))
    slug = models.SlugField(_("short name in addresses"), unique=True, max_length=60)
    languages = models.JSONField(
        _("languages offered"),
        default=_default_languages,
        validators=[_validate_languages],
        help_text=_("The first language is the organisation's main language."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Helsinki")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language, falling back to the organisation's own languages."""
        return translated(self.name, fallbacks=self.languages) or self.slug

    def text(self, value: dict[str, str] | None) -> str:
        """Any of this organisation's typed-in texts, in the reader's language or a fallback."""
        return translated(value, fallbacks=self.languages)


class Unit(TenantOwned):
    """A school, day-care centre or campus site of an organisation."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("school")
        EARLY_CHILDHOOD = "early_childhood", _("early childhood education centre")
        CAMPUS = "campus", _("campus")
        OFFICE = "office", _("office")
        OTHER = "other", _("other unit")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.SCHOOL)
    region = models.CharField(
        _("region"),
        max_length=100,
        blank=True,
        help_text=_("Groups that meet in person are formed within one region."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = TenantManager["Unit"]()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ("organisation", "name")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a person does in an organisation; one person may hold several."""

    COORDINATOR = "coordinator", _("coordinator")
    MENTOR = "mentor", _("mentor")
    PARTICIPANT = "participant", _("participant")
    LEADER = "leader", _("leadership")
    ADMIN = "admin", _("organisation admin")


class Membership(TenantOwned):
    """One role that one person holds in one organisation."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager["Membership"]()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ("organisation", "user", "role")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

    def clean(self) -> None:
        if self.unit is not None and self.unit.organisation_id != self.organisation_id:
            raise ValidationError({"unit": _("The unit belongs to another organisation.")})
